import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { PersistenceError, UsageError } from '../../src/errors.js';
import { MemoryStore } from '../../src/persistence/memory-store.js';
import { openStore, parseStoreSpec } from '../../src/persistence/open-store.js';
import { PostgresStore } from '../../src/persistence/postgres-store.js';
import { SqliteStore } from '../../src/persistence/sqlite-store.js';
import { ReactiveSystemRuntime } from '../../src/runtime/runtime.js';
import { createTestDatabase, postgresUrl } from '../support/postgres.js';

const work = mkdtempSync(join(tmpdir(), 'runtime-core-open-store-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject, it resolved');
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('parseStoreSpec', () => {
  it('tells paths, postgres URLs and memory apart without opening anything', () => {
    expect(parseStoreSpec('./runtime.db')).toEqual({ kind: 'sqlite', path: './runtime.db' });
    expect(parseStoreSpec('/var/lib/app/runtime.db')).toEqual({ kind: 'sqlite', path: '/var/lib/app/runtime.db' });
    expect(parseStoreSpec('C:\\data\\runtime.db')).toEqual({ kind: 'sqlite', path: 'C:\\data\\runtime.db' });
    expect(parseStoreSpec('sqlite:./runtime.db')).toEqual({ kind: 'sqlite', path: './runtime.db' });
    expect(parseStoreSpec(':memory:')).toEqual({ kind: 'sqlite', path: ':memory:' });
    expect(parseStoreSpec(pathToFileURL('/tmp/x y.db').href)).toEqual({ kind: 'sqlite', path: '/tmp/x y.db' });
    expect(parseStoreSpec('postgres://app@db:5432/orders')).toEqual({ kind: 'postgres', connectionString: 'postgres://app@db:5432/orders' });
    expect(parseStoreSpec('PostgreSQL://db/orders')).toEqual({ kind: 'postgres', connectionString: 'PostgreSQL://db/orders' });
    expect(parseStoreSpec('memory')).toEqual({ kind: 'memory' });
  });

  it('refuses other URLs and empty specs with a message that says what it takes and shows no password', () => {
    const mysql = thrown(() => parseStoreSpec('mysql://app:s3cret@db/orders'));
    expect(mysql).toBeInstanceOf(UsageError);
    expect(mysql).toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect((mysql as Error).message).toBe(
      'openStore: unsupported store "mysql://app:***@db/orders" (scheme "mysql:"); expected a file path (./runtime.db), a postgres:// or postgresql:// URL, or "memory"',
    );
    expect((thrown(() => parseStoreSpec('  ')) as Error).message).toMatch(/^openStore: the store spec is empty; expected a file path/);
    expect((thrown(() => parseStoreSpec('sqlite:')) as Error).message).toMatch(/names no file/);
    const redis = thrown(() => openStore('redis://localhost'));
    expect(redis).toBeInstanceOf(UsageError);
    expect(redis).toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});

describe('openStore', () => {
  it('opens a path as a SqliteStore, resolving a relative path against cwd', async () => {
    const store = openStore('./a.db', { cwd: work });
    expect(store).toBeInstanceOf(SqliteStore);
    expect(store.description).toBe(`sqlite:${join(work, 'a.db')}`);
    await store.init();
    await store.close();
    const again = openStore(join(work, 'a.db'), { create: false, sqlite: { synchronous: 'NORMAL' } });
    expect((again as SqliteStore).connectionSettings()).toMatchObject({ journalMode: 'wal', synchronous: 'NORMAL' });
    await again.close();
    expect(openStore('sqlite::memory:')).toBeInstanceOf(SqliteStore);
  });

  it('opens memory as a MemoryStore and postgres URLs as a PostgresStore that does not connect yet', async () => {
    expect(openStore('memory')).toBeInstanceOf(MemoryStore);
    for (const url of ['postgres://app:s3cret@127.0.0.1:1/orders', 'postgresql://app:s3cret@127.0.0.1:1/orders']) {
      const store = openStore(url, { postgres: { connectionTimeoutMs: 200 } });
      expect(store).toBeInstanceOf(PostgresStore);
      expect(store.description).not.toContain('s3cret');
      const error = await rejection(store.init());
      expect(error).toBeInstanceOf(PersistenceError);
      expect(error).toMatchObject({ code: 'STORE_UNAVAILABLE' });
      await store.close();
    }
  });

  it('with create: false, a missing file is STORE_UNAVAILABLE at once; a file in a missing directory fails on first use', async () => {
    const missing = thrown(() => openStore(join(work, 'nope.db'), { create: false }));
    expect(missing).toBeInstanceOf(PersistenceError);
    expect(missing).toMatchObject({ code: 'STORE_UNAVAILABLE', message: `SQLite store "${join(work, 'nope.db')}": no such file (nothing was stored there yet)` });
    const store = openStore(join(work, 'no', 'such', 'dir', 'runtime.db'));
    const error = await rejection(store.init());
    expect(error).toMatchObject({ code: 'STORE_UNAVAILABLE' });
    expect((error as Error).message).toContain('no/such/dir/runtime.db');
    expect((error as Error).message).not.toContain('\n');
  });

  it('a file that is not a database is STORE_CORRUPT on first use', async () => {
    const path = join(work, 'text.db');
    writeFileSync(path, 'this is not a database, just text that is long enough to have a header page '.repeat(20));
    const store = openStore(path, { create: false });
    expect(await rejection(store.init())).toMatchObject({ code: 'STORE_CORRUPT' });
    await store.close();
  });

  it('a runtime persists to the store a spec opens; another store on the same spec reads it', async () => {
    const system = { id: 's', flows: { f: { steps: [{ id: 'e', type: 'event' as const, event: 'go' }] } } };
    const runtime = new ReactiveSystemRuntime(system, { store: openStore('shared.db', { cwd: work }) });
    await runtime.start();
    runtime.startFlow('f', {}, { instanceId: 'f-1' });
    await runtime.close();
    const reader = openStore(join(work, 'shared.db'), { create: false });
    expect(await reader.load('f-1')).toMatchObject({ instanceId: 'f-1', kind: 'flow', definitionId: 'f', status: 'running', snapshot: { value: { running: 'e' } } });
    await reader.close();
  });
});

const serverUrl = await postgresUrl();

describe.skipIf(serverUrl === undefined)('openStore on PostgreSQL', () => {
  it('a postgres:// URL opens a working PostgresStore', async () => {
    const database = await createTestDatabase(serverUrl as string, 'rc_open_store');
    try {
      const store = openStore(database.url, { postgres: { schema: 'open_store' } });
      await store.init();
      expect(await store.list()).toEqual({ instances: [] });
      await store.close();
    } finally {
      await database.drop();
    }
  }, 30_000);
});
