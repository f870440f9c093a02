import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { appendFile, chown, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';

// Real PostgreSQL servers for tests. The suite shares one server (RUNTIME_CORE_PG_URL, or a throwaway cluster the
// global setup starts in the background); fault tests start private clusters they can stop and start again.

/** What the global setup hands to test files about the shared server. */
export type SharedPostgres = { url: string; statusFile?: string } | { unavailable: string };

declare module 'vitest' {
  export interface ProvidedContext {
    postgres: SharedPostgres;
  }
}

/** True when running in CI, where a missing PostgreSQL fails the run instead of skipping tests. */
export function inCi(): boolean {
  const ci = process.env['CI'];
  return ci !== undefined && ci !== '' && ci !== 'false' && ci !== '0';
}

/** The `initdb` and `pg_ctl` of the newest Debian-packaged PostgreSQL, or why there are none. */
export function findPostgresBinaries(): { initdb: string; pgCtl: string } | { unavailable: string } {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a))
    : [];
  for (const version of versions) {
    const bin = join(root, version, 'bin');
    if (existsSync(join(bin, 'initdb')) && existsSync(join(bin, 'pg_ctl'))) return { initdb: join(bin, 'initdb'), pgCtl: join(bin, 'pg_ctl') };
  }
  return { unavailable: `no PostgreSQL server binaries in ${root}/*/bin (install the Debian package "postgresql")` };
}

/** The uid/gid the server must run as: the `postgres` user when we are root (initdb refuses root), else ourselves. */
function serverUser(): { uid: number; gid: number } | { unavailable: string } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    return { uid, gid };
  } catch {
    return { unavailable: 'running as root and there is no "postgres" system user to run initdb and the server as' };
  }
}

/** Why no throwaway cluster can be started on this machine, or undefined when one can. */
export function postgresClusterUnavailable(): string | undefined {
  const binaries = findPostgresBinaries();
  if ('unavailable' in binaries) return binaries.unavailable;
  const user = serverUser();
  return user !== undefined && 'unavailable' in user ? user.unavailable : undefined;
}

/**
 * Whether tests that need PostgreSQL can run. In CI a missing server is an error (the run must not pass by
 * skipping); elsewhere the reason is printed and the caller skips.
 */
export function requirePostgres(unavailable: string | undefined, what: string): boolean {
  if (unavailable === undefined) return true;
  const message = `${what} needs PostgreSQL: ${unavailable}. Set RUNTIME_CORE_PG_URL to a server, or install the Debian package "postgresql".`;
  if (inCi()) throw new Error(`CI=true and ${message}`);
  console.warn(`Skipping: ${message}`);
  return false;
}

/**
 * The URL of the suite's shared server, waiting for it to accept connections; undefined (after printing why)
 * when there is none outside CI. Throws in CI when there is none.
 */
export async function postgresUrl(): Promise<string | undefined> {
  const shared = inject('postgres');
  if ('unavailable' in shared) {
    requirePostgres(shared.unavailable, 'This test file');
    return undefined;
  }
  if (shared.statusFile !== undefined) {
    const failure = await waitForStatus(shared.statusFile, 60_000);
    if (failure !== undefined) throw new Error(`The shared PostgreSQL cluster did not start: ${failure}`);
  }
  return shared.url;
}

/** Polls the status file the global setup writes: '' while starting, 'ready', or 'failed\n<reason>'. */
async function waitForStatus(file: string, timeoutMs: number): Promise<string | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await readFile(file, 'utf8');
    if (status === 'ready') return undefined;
    if (status.startsWith('failed')) return status.slice('failed\n'.length);
    if (Date.now() > deadline) return `still starting after ${timeoutMs} ms`;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A database of its own for one test file, so files can run in parallel on one server. */
export interface TestDatabase {
  /** The server URL with the database name replaced. */
  url: string;
  name: string;
  /** Drops the database, disconnecting whoever is still on it. */
  drop(): Promise<void>;
}

/** Creates a database with a random name on the server at `serverUrl`. */
export async function createTestDatabase(serverUrl: string, prefix = 'rc_test'): Promise<TestDatabase> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  await adminQuery(serverUrl, `CREATE DATABASE "${name}"`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: () => adminQuery(serverUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  };
}

async function adminQuery(serverUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 10_000 });
  client.on('error', () => {});
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A throwaway PostgreSQL cluster in a temp dir, on 127.0.0.1 and a port of its own. */
export interface PostgresCluster {
  /** `postgres://postgres:<password>@127.0.0.1:<port>/postgres` */
  readonly url: string;
  readonly port: number;
  readonly password: string;
  /** Creates the cluster on first call, then starts the server on the same port and data; resolves when it accepts connections. */
  start(): Promise<void>;
  /** Stops the server (fast shutdown: connected clients are told and disconnected). */
  stop(): Promise<void>;
  /** Stops the server if it runs and removes its directory. */
  destroy(): Promise<void>;
}

const liveClusters = new Set<{ dataDir: string; dir: string; pgCtl: string; user: { uid: number; gid: number } | undefined }>();
let exitHookInstalled = false;

/** Last resort when a test run ends without destroying its clusters: stop our own servers by data dir. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const c of liveClusters) {
      spawnSync(c.pgCtl, ['-D', c.dataDir, '-m', 'immediate', '-w', 'stop'], { stdio: 'ignore', cwd: c.dir, ...(c.user ?? {}) });
      spawnSync('rm', ['-rf', c.dir], { stdio: 'ignore' });
    }
  });
}

/** A cluster whose URL is known at once; nothing runs until `start()`. */
export async function createPostgresCluster(): Promise<PostgresCluster> {
  const binaries = findPostgresBinaries();
  if ('unavailable' in binaries) throw new Error(binaries.unavailable);
  const user = serverUser();
  if (user !== undefined && 'unavailable' in user) throw new Error(user.unavailable);
  const port = await freePort();
  const password = randomBytes(12).toString('hex');
  const dir = await mkdtemp(join(tmpdir(), 'runtime-core-pg-'));
  const dataDir = join(dir, 'data');
  const log = join(dir, 'server.log');
  if (user !== undefined) await chown(dir, user.uid, user.gid);
  const entry = { dataDir, dir, pgCtl: binaries.pgCtl, user };
  let initialised = false;
  let running = false;

  const run = (command: string, args: string[]) => runCommand(command, args, { cwd: dir, user, log });

  const initialise = async () => {
    const pwfile = join(dir, 'pwfile');
    await writeFile(pwfile, `${password}\n`, { mode: 0o600 });
    if (user !== undefined) await chown(pwfile, user.uid, user.gid);
    await run(binaries.initdb, ['-D', dataDir, '-U', 'postgres', '--auth-host=scram-sha-256', '--auth-local=trust', `--pwfile=${pwfile}`, '-E', 'UTF8', '--locale=C', '--no-sync']);
    await rm(pwfile);
    // Durability settings off: a test cluster only has to survive a clean stop, never a machine crash.
    await appendFile(
      join(dataDir, 'postgresql.conf'),
      [
        `listen_addresses = '127.0.0.1'`,
        `port = ${port}`,
        `unix_socket_directories = '${dir}'`,
        'fsync = off',
        'synchronous_commit = off',
        'full_page_writes = off',
        'shared_buffers = 32MB',
        'max_connections = 200',
        '',
      ].join('\n'),
    );
    initialised = true;
  };

  const stop = async () => {
    if (!running) return;
    await run(binaries.pgCtl, ['-D', dataDir, '-m', 'fast', '-w', '-t', '30', 'stop']);
    running = false;
  };

  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    port,
    password,
    async start() {
      if (running) return;
      installExitHook();
      liveClusters.add(entry);
      if (!initialised) await initialise();
      await run(binaries.pgCtl, ['-D', dataDir, '-l', log, '-w', '-t', '30', 'start']);
      running = true;
    },
    stop,
    async destroy() {
      // A failed start may leave a server behind: stop whatever runs on our data dir.
      if (existsSync(join(dataDir, 'postmaster.pid'))) await run(binaries.pgCtl, ['-D', dataDir, '-m', 'immediate', '-w', 'stop']).catch(() => {});
      running = false;
      liveClusters.delete(entry);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Starts a private throwaway cluster, for tests that stop the server under a running store. */
export async function startPostgresCluster(): Promise<PostgresCluster> {
  const cluster = await createPostgresCluster();
  try {
    await cluster.start();
  } catch (error) {
    await cluster.destroy();
    throw error;
  }
  return cluster;
}

/** A port below the kernel's ephemeral range (so a client's outgoing socket cannot take it between stop and start) that is free now. */
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
  throw new Error('no free port found for a PostgreSQL test cluster');
}

function runCommand(command: string, args: string[], options: { cwd: string; user: { uid: number; gid: number } | undefined; log: string }): Promise<void> {
  return new Promise((resolve, reject) => {
    // The server pg_ctl launches writes to the log file, so our pipes close when pg_ctl exits.
    const child = spawn(command, args, { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'], ...(options.user ?? {}) });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) return resolve();
      void readFile(options.log, 'utf8')
        .catch(() => '')
        .then((log) => reject(new Error(`${command} ${args.join(' ')} exited with ${code}:\n${output}${log === '' ? '' : `\nserver log:\n${log.slice(-2000)}`}`)));
    });
  });
}
