import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe } from 'vitest';
import { MemoryStore } from '../../src/persistence/memory-store.js';
import { PostgresStore } from '../../src/persistence/postgres-store.js';
import { SqliteStore } from '../../src/persistence/sqlite-store.js';
import { createTestDatabase, postgresUrl, type TestDatabase } from '../support/postgres.js';
import { describeInstanceHost } from './host-contract.js';

// The same cases for every host, and for the store host on every store.
describeInstanceHost('MemoryHost (no store)', async () => ({ cleanup: async () => undefined }));

describeInstanceHost('StoreHost on a MemoryStore', async () => {
  const store = new MemoryStore();
  return { store, cleanup: () => store.close() };
});

describeInstanceHost('StoreHost on a SqliteStore', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'rc-host-'));
  const store = new SqliteStore(join(dir, 'runtime.db'));
  return {
    store,
    cleanup: async () => {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});

// Needs a real server; outside CI skipped (with the reason printed) when none is available, in CI a failure.
const serverUrl = await postgresUrl();
describe.skipIf(serverUrl === undefined)('on PostgreSQL', () => {
  let database: TestDatabase | undefined;
  let schemas = 0;
  beforeAll(async () => {
    database = await createTestDatabase(serverUrl ?? '', 'rc_hosts');
  }, 30_000);
  afterAll(async () => {
    await database?.drop();
  }, 30_000);

  describeInstanceHost('StoreHost on a PostgresStore', async () => {
    const store = new PostgresStore({ connectionString: database?.url ?? '', schema: `h${++schemas}_${process.pid}` });
    return { store, cleanup: () => store.close() };
  });
});
