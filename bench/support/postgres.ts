// PostgreSQL for the durable workloads: RUNTIME_CORE_PG_URL when set, else a throwaway cluster started the way
// test/support/postgres.ts starts one (that module imports vitest and is not in the transpiled build, so this is
// a small copy). Unlike the test cluster, this one keeps PostgreSQL's durability settings (fsync and
// synchronous_commit on): the benchmark compares it with SQLite FULL, which syncs every commit.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { appendFile, chown, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/** A server to benchmark against, and how to let go of it. */
export interface BenchPostgres {
  /** Connection string of the server (a database the benchmark may create schemas in). */
  readonly url: string;
  /** `throwaway cluster (PostgreSQL 15, …)` or `RUNTIME_CORE_PG_URL`. */
  readonly origin: string;
  /** `fsync` and `synchronous_commit` as the server reports them. */
  readonly settings: { fsync: string; synchronousCommit: string; version: string };
  /** Stops and removes a throwaway cluster; nothing for a given server. */
  release(): Promise<void>;
}

type User = { uid: number; gid: number } | undefined;

/** The newest Debian-packaged `initdb` and `pg_ctl`, or why there are none. */
function findBinaries(): { initdb: string; pgCtl: string } | string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a)) : [];
  for (const version of versions) {
    const bin = join(root, version, 'bin');
    if (existsSync(join(bin, 'initdb')) && existsSync(join(bin, 'pg_ctl'))) return { initdb: join(bin, 'initdb'), pgCtl: join(bin, 'pg_ctl') };
  }
  return `no PostgreSQL server binaries in ${root}/*/bin (install the Debian package "postgresql", or set RUNTIME_CORE_PG_URL)`;
}

/** initdb refuses root: run the server as the `postgres` user then. */
function serverUser(): User | string {
  if (process.getuid?.() !== 0) return undefined;
  try {
    const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    return 'running as root and there is no "postgres" user to run initdb and the server as';
  }
}

async function freePort(): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const port = randomInt(20_000, 32_000);
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error('no free port for a PostgreSQL cluster');
}

function runCommand(command: string, args: string[], cwd: string, user: User, log: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], ...(user ?? {}) });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) return resolve();
      void readFile(log, 'utf8')
        .catch(() => '')
        .then((text) => reject(new Error(`${command} ${args.join(' ')} exited with ${code}:\n${output}${text.slice(-2000)}`)));
    });
  });
}

async function serverSettings(url: string): Promise<BenchPostgres['settings']> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  client.on('error', () => {});
  await client.connect();
  try {
    const show = async (name: string) => String((await client.query<Record<string, unknown>>(`SHOW ${name}`)).rows[0]?.[name] ?? '?');
    return { fsync: await show('fsync'), synchronousCommit: await show('synchronous_commit'), version: await show('server_version') };
  } finally {
    await client.end();
  }
}

/** Starts an initdb'd cluster in a temp dir on 127.0.0.1 with default durability settings. */
async function startCluster(binaries: { initdb: string; pgCtl: string }, user: User): Promise<BenchPostgres> {
  const port = await freePort();
  const password = randomBytes(12).toString('hex');
  const dir = await mkdtemp(join(tmpdir(), 'runtime-core-bench-pg-'));
  const dataDir = join(dir, 'data');
  const log = join(dir, 'server.log');
  const run = (command: string, args: string[]) => runCommand(command, args, dir, user, log);
  // Last resort if the benchmark dies before `release()`: stop the server and remove its directory on exit.
  const onExit = () => {
    spawnSync(binaries.pgCtl, ['-D', dataDir, '-m', 'immediate', '-w', 'stop'], { stdio: 'ignore', cwd: dir, ...(user ?? {}) });
    spawnSync('rm', ['-rf', dir], { stdio: 'ignore' });
  };
  process.once('exit', onExit);
  const remove = async () => {
    process.removeListener('exit', onExit);
    if (existsSync(join(dataDir, 'postmaster.pid'))) await run(binaries.pgCtl, ['-D', dataDir, '-m', 'fast', '-w', '-t', '30', 'stop']).catch(() => {});
    await rm(dir, { recursive: true, force: true });
  };
  try {
    if (user !== undefined) await chown(dir, user.uid, user.gid);
    const pwfile = join(dir, 'pwfile');
    await writeFile(pwfile, `${password}\n`, { mode: 0o600 });
    if (user !== undefined) await chown(pwfile, user.uid, user.gid);
    await run(binaries.initdb, ['-D', dataDir, '-U', 'postgres', '--auth-host=scram-sha-256', '--auth-local=trust', `--pwfile=${pwfile}`, '-E', 'UTF8', '--locale=C', '--no-sync']);
    await rm(pwfile);
    const conf = [`listen_addresses = '127.0.0.1'`, `port = ${port}`, `unix_socket_directories = '${dir}'`, 'max_connections = 50', ''];
    await appendFile(join(dataDir, 'postgresql.conf'), conf.join('\n'));
    await run(binaries.pgCtl, ['-D', dataDir, '-l', log, '-w', '-t', '30', 'start']);
    const url = `postgres://postgres:${password}@127.0.0.1:${port}/postgres`;
    const settings = await serverSettings(url);
    return { url, origin: `throwaway cluster (PostgreSQL ${settings.version}, 127.0.0.1, data in ${tmpdir()})`, settings, release: remove };
  } catch (error) {
    await remove();
    throw error;
  }
}

/** RUNTIME_CORE_PG_URL, or a throwaway cluster; a string says why there is no server (the PostgreSQL rows are skipped). */
export async function benchPostgres(): Promise<BenchPostgres | string> {
  const given = process.env.RUNTIME_CORE_PG_URL;
  if (given !== undefined && given !== '') {
    return { url: given, origin: 'RUNTIME_CORE_PG_URL', settings: await serverSettings(given), release: async () => undefined };
  }
  const binaries = findBinaries();
  if (typeof binaries === 'string') return binaries;
  const user = serverUser();
  if (typeof user === 'string') return user;
  return startCluster(binaries, user);
}

/** A schema prefix of its own per run, so the benchmark never touches tables someone else uses on a given server. */
export const benchSchemaPrefix = (): string => `rc_bench_${randomBytes(4).toString('hex')}`;

/** Drops schemas the benchmark created. */
export async function dropSchemas(url: string, schemas: Iterable<string>): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  client.on('error', () => {});
  await client.connect();
  try {
    for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}
