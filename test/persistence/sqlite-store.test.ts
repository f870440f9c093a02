import { chmod, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { spawnNodeRespectingFileModes } from '../support/file-modes.js';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { ConcurrencyConflictError, PersistenceError, UsageError } from '../../src/errors.js';
import { SQLITE_SCHEMA_VERSION } from '../../src/persistence/sqlite-schema.js';
import { SqliteStore } from '../../src/persistence/sqlite-store.js';
import { describeSnapshotStore, makeRecord } from './store-contract.js';

const temporaryDirectories: string[] = [];

async function temporaryDatabase(): Promise<{ dir: string; path: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'runtime-core-sqlite-'));
  temporaryDirectories.push(dir);
  return { dir, path: join(dir, 'runtime.db') };
}

async function removeTemporaryDirectories(): Promise<void> {
  for (const dir of temporaryDirectories.splice(0)) await rm(dir, { recursive: true, force: true });
}

/** Runs `sql` on the file through a connection of its own, as another program would. */
function withRawConnection<T>(path: string, work: (db: Database.Database) => T): T {
  const db = new Database(path);
  try {
    return work(db);
  } finally {
    db.close();
  }
}

describeSnapshotStore('SqliteStore', async () => {
  const { dir, path } = await temporaryDatabase();
  const store = new SqliteStore(path);
  return {
    store,
    corrupt: async (instanceId) => {
      withRawConnection(path, (db) => db.prepare(`UPDATE instances SET snapshot = '{"status": "active", "value": ' WHERE instance_id = ?`).run(instanceId));
    },
    cleanup: async () => {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject, it resolved');
}

describe('SqliteStore specifics', () => {
  const stores: SqliteStore[] = [];
  const open = (path: string, options?: ConstructorParameters<typeof SqliteStore>[1]): SqliteStore => {
    const store = new SqliteStore(path, options);
    stores.push(store);
    return store;
  };
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close();
    await removeTemporaryDirectories();
  });

  it('uses WAL, synchronous FULL and a 5 s busy timeout by default; options change the last two', async () => {
    const { path } = await temporaryDatabase();
    const store = open(path);
    await store.init();
    expect(store.description).toBe(`sqlite:${path}`);
    expect(store.connectionSettings()).toEqual({ journalMode: 'wal', synchronous: 'FULL', busyTimeoutMs: 5000 });
    expect(withRawConnection(path, (db) => db.pragma('journal_mode', { simple: true }))).toBe('wal');

    const relaxed = open(path, { synchronous: 'NORMAL', busyTimeoutMs: 250 });
    await relaxed.init();
    expect(relaxed.connectionSettings()).toEqual({ journalMode: 'wal', synchronous: 'NORMAL', busyTimeoutMs: 250 });
  });

  it('refuses invalid options, naming the field', () => {
    expect(() => new SqliteStore('x.db', { busyTimeoutMs: -1 })).toThrow(/busyTimeoutMs/);
    expect(() => new SqliteStore('x.db', { synchronous: 'OFF' as 'FULL' })).toThrow(/synchronous/);
    expect(() => new SqliteStore('x.db', { busyTimeoutMs: -1 })).toThrow(expect.objectContaining({ name: 'UsageError', code: 'INVALID_OPTION' }));
    expect(() => new SqliteStore('x.db', { synchronous: 'OFF' as 'FULL' })).toThrow(UsageError);
  });

  it('records the schema version, and re-opening the file keeps the data', async () => {
    const { path } = await temporaryDatabase();
    const first = open(path);
    await first.save({ record: makeRecord('i-1'), expectedVersion: 0, history: [{ type: 'instance.created', at: 1 }] });
    await first.close();

    const meta = withRawConnection(path, (db) => ({
      version: db.prepare(`SELECT value FROM runtime_core_meta WHERE key = 'schema_version'`).pluck().get(),
      indexes: db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'instances' AND sql IS NOT NULL ORDER BY name`).pluck().all(),
    }));
    expect(meta).toEqual({
      version: String(SQLITE_SCHEMA_VERSION),
      indexes: ['instances_by_definition', 'instances_by_finish', 'instances_by_status', 'instances_by_update'],
    });

    const second = open(path);
    await second.init();
    expect(await second.load('i-1')).toEqual({ ...makeRecord('i-1'), version: 1 });
    expect(await second.history('i-1')).toEqual([{ instanceId: 'i-1', seq: 1, at: 1, type: 'instance.created' }]);
  });

  it('refuses a database whose schema is newer than the code, naming both versions', async () => {
    const { path } = await temporaryDatabase();
    const store = open(path);
    await store.init();
    await store.close();
    const newer = SQLITE_SCHEMA_VERSION + 1;
    withRawConnection(path, (db) => db.prepare(`UPDATE runtime_core_meta SET value = ? WHERE key = 'schema_version'`).run(String(newer)));

    const error = await rejection(open(path).init());
    expect(error).toBeInstanceOf(PersistenceError);
    expect(error).toMatchObject({ code: 'STORE_SCHEMA' });
    expect((error as Error).message).toContain(path);
    expect((error as Error).message).toContain(`schema version ${newer}`);
    expect((error as Error).message).toContain(`up to ${SQLITE_SCHEMA_VERSION}`);
  });

  it('two stores on one file: the stale writer gets ConcurrencyConflictError', async () => {
    const { path } = await temporaryDatabase();
    const a = open(path);
    const b = open(path);
    await a.save({ record: makeRecord('i-1'), expectedVersion: 0, history: [{ type: 'instance.created', at: 1 }] });
    const readByA = await a.load('i-1');
    const readByB = await b.load('i-1');
    expect(readByB?.version).toBe(1);

    await a.save({ record: makeRecord('i-1', { updatedAt: 2 }), expectedVersion: readByA?.version ?? -1, history: [{ type: 'step.started', at: 2 }] });
    const error = await rejection(b.save({ record: makeRecord('i-1', { updatedAt: 3 }), expectedVersion: readByB?.version ?? -1, history: [{ type: 'step.failed', at: 3 }] }));
    expect(error).toBeInstanceOf(ConcurrencyConflictError);
    expect(error).toMatchObject({ instanceId: 'i-1', expectedVersion: 1, actualVersion: 2 });
    expect((await b.load('i-1'))?.updatedAt).toBe(2);
    expect((await b.history('i-1')).map((e) => e.type)).toEqual(['instance.created', 'step.started']);
  });

  it('reports rows with invalid or missing columns in unreadable, naming the column', async () => {
    const { path } = await temporaryDatabase();
    const store = open(path);
    for (const id of ['ok', 'bad-date', 'bad-error', 'bad-kind']) await store.save({ record: makeRecord(id), expectedVersion: 0, history: [] });
    withRawConnection(path, (db) => {
      db.prepare(`UPDATE instances SET created_at = 'yesterday' WHERE instance_id = 'bad-date'`).run();
      db.prepare(`UPDATE instances SET error = 'oops' WHERE instance_id = 'bad-error'`).run();
      db.prepare(`UPDATE instances SET kind = 'job' WHERE instance_id = 'bad-kind'`).run();
    });
    const { records, unreadable } = await store.loadUnfinished();
    expect(records.map((r) => r.instanceId)).toEqual(['ok']);
    const messages = Object.fromEntries(unreadable.map((u) => [u.instanceId, u.error.message]));
    expect(messages['bad-date']).toMatch(/instance "bad-date": column created_at is string "yesterday", expected an integer/);
    expect(messages['bad-error']).toMatch(/instance "bad-error": column error is not valid JSON/);
    expect(messages['bad-kind']).toMatch(/instance "bad-kind": column kind is "job", expected one of flow, process/);
  });

  it('a missing directory or a file that is not SQLite is reported with the path', async () => {
    const { dir, path } = await temporaryDatabase();
    const missing = join(dir, 'no', 'such', 'dir', 'runtime.db');
    const unavailable = await rejection(open(missing).init());
    expect(unavailable).toMatchObject({ code: 'STORE_UNAVAILABLE', message: expect.stringContaining(missing) });

    await writeFile(path, 'this is not a database, it is a text file that is long enough to have a header\n'.repeat(20));
    const corrupt = await rejection(open(path).load('i-1'));
    expect(corrupt).toMatchObject({ code: 'STORE_CORRUPT', message: expect.stringContaining(path) });
  });

  it('a read-only file: save rejects with STORE_UNAVAILABLE naming the path, reads work, nothing is lost', { timeout: 60_000 }, async () => {
    const { dir, path } = await temporaryDatabase();
    const owner = open(path);
    await owner.save({ record: makeRecord('i-1', { snapshot: { step: 1 } }), expectedVersion: 0, history: [{ type: 'instance.created', at: 1 }] });
    await owner.close();

    // Root writes through file modes, so as root the writer runs as user nobody, on a file it may read but not write.
    // SQLite needs to create the -shm file next to a WAL database to read it: the directory stays writable.
    const asRoot = process.getuid?.() === 0;
    await chmod(dir, asRoot ? 0o777 : 0o700);
    await chmod(path, 0o444);
    const refused = await runWriter(dir, path, asRoot);
    expect(refused.loaded).toEqual({ version: 1, snapshot: { step: 1 } });
    expect(refused.save).toMatchObject({ name: 'PersistenceError', code: 'STORE_UNAVAILABLE' });
    expect(refused.save?.message).toContain(path);
    expect(refused.save?.message).toContain('save of instance "i-1"');

    for (const file of await readdir(dir)) await chmod(join(dir, file), 0o666);
    const accepted = await runWriter(dir, path, asRoot);
    expect(accepted).toEqual({ loaded: { version: 1, snapshot: { step: 1 } } });

    const reader = open(path);
    expect(await reader.load('i-1')).toMatchObject({ version: 2, snapshot: { step: 2 } });
    expect((await reader.history('i-1')).map((e) => [e.seq, e.type])).toEqual([
      [1, 'instance.created'],
      [2, 'step.started'],
    ]);
  });

  it('a save refused on a read-only file succeeds on the same store object once the file is writable (it reopens)', { timeout: 60_000 }, async () => {
    const { dir, path } = await temporaryDatabase();
    const owner = open(path);
    await owner.save({ record: makeRecord('i-1', { snapshot: { step: 1 } }), expectedVersion: 0, history: [{ type: 'instance.created', at: 1 }] });
    await owner.close();
    const asRoot = process.getuid?.() === 0;
    await chmod(dir, asRoot ? 0o777 : 0o700);
    await chmod(path, 0o444);

    // One store: the first save fails, the parent repairs the file, the second save (same object) must succeed.
    const lines = await runStoreScript(
      dir,
      asRoot,
      `const store = new SqliteStore(${JSON.stringify(path)});
const record = await store.load('i-1');
const save = () => store.save({ record: { ...record, snapshot: { step: 2 } }, expectedVersion: record.version, history: [{ type: 'step.started', at: 2 }] })
  .then(() => ({ saved: true }), (error) => ({ saved: false, code: error.code, message: error.message }));
process.stdout.write(JSON.stringify(await save()) + '\\n');
await new Promise((resolve) => process.stdin.once('data', resolve));
process.stdout.write(JSON.stringify(await save()) + '\\n');
await store.close();
process.stdin.destroy();
`,
      async (line, stdin) => {
        if (!line.includes('"saved":false')) return;
        for (const file of await readdir(dir)) await chmod(join(dir, file), 0o666);
        stdin.end('go\n');
      },
    );
    const [refused, accepted] = lines.map((line) => JSON.parse(line) as { saved: boolean; code?: string; message?: string });
    expect(refused).toMatchObject({ saved: false, code: 'STORE_UNAVAILABLE', message: expect.stringContaining(path) });
    expect(refused?.message).toMatch(/save of instance "i-1" failed: .*\(SQLITE_READONLY/);
    expect(accepted).toEqual({ saved: true });
    expect(lines).toHaveLength(2);

    const reader = open(path);
    expect(await reader.load('i-1')).toMatchObject({ version: 2, snapshot: { step: 2 } });
    expect((await reader.history('i-1')).map((e) => [e.seq, e.type])).toEqual([
      [1, 'instance.created'],
      [2, 'step.started'],
    ]);
  });
});

interface WriterReport {
  loaded?: { version: number; snapshot: unknown };
  save?: { name: string; code: string; message: string };
}

/** In a child process (without root's power over file modes): open the store, load `i-1`, save it once; report what happened. */
async function runWriter(dir: string, path: string, asRoot: boolean): Promise<WriterReport> {
  const lines = await runStoreScript(
    dir,
    asRoot,
    `const store = new SqliteStore(${JSON.stringify(path)});
const report = {};
const record = await store.load('i-1');
report.loaded = { version: record.version, snapshot: record.snapshot };
try {
  await store.save({ record: { ...record, snapshot: { step: 2 } }, expectedVersion: record.version, history: [{ type: 'step.started', at: 2 }] });
} catch (error) {
  report.save = { name: error.name, code: error.code, message: error.message };
}
await store.close();
process.stdout.write(JSON.stringify(report) + '\\n');
`,
  );
  return JSON.parse(lines.join('')) as WriterReport;
}

/**
 * Runs `body` (with `SqliteStore` imported) in a child process, without root's power over file modes; resolves with its
 * stdout lines. `onLine` sees each line as it comes, with the child's stdin to answer on.
 */
async function runStoreScript(dir: string, asRoot: boolean, body: string, onLine?: (line: string, stdin: Writable) => Promise<void>): Promise<string[]> {
  const storeModule = fileURLToPath(new URL('../../src/persistence/sqlite-store.ts', import.meta.url));
  const script = join(dir, 'writer.mts');
  await writeFile(script, `import { SqliteStore } from ${JSON.stringify(storeModule)};\n${body}`, { mode: 0o644 });
  return new Promise((resolve, reject) => {
    const child = spawnNodeRespectingFileModes(['--import', 'tsx', script], { cwd: fileURLToPath(new URL('../..', import.meta.url)) });
    const lines: string[] = [];
    let buffer = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const complete = buffer.split('\n');
      buffer = complete.pop() ?? '';
      for (const line of complete) {
        lines.push(line);
        onLine?.(line, child.stdin).catch((error: unknown) => {
          child.kill('SIGKILL');
          reject(error instanceof Error ? error : new Error(String(error)));
        });
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`writer exited with ${String(code)}: ${stderr}`));
      else resolve(buffer === '' ? lines : [...lines, buffer]);
    });
    if (onLine === undefined) child.stdin.end();
  });
}
