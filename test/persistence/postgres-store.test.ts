import { createServer, type Socket } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConcurrencyConflictError, PersistenceError } from '../../src/errors.js';
import { POSTGRES_SCHEMA_VERSION } from '../../src/persistence/postgres-schema.js';
import { PostgresStore } from '../../src/persistence/postgres-store.js';
import {
  createTestDatabase,
  postgresClusterUnavailable,
  postgresUrl,
  requirePostgres,
  startPostgresCluster,
  type PostgresCluster,
  type TestDatabase,
} from '../support/postgres.js';
import { describeSnapshotStore, makeRecord } from './store-contract.js';

// Needs a real server: the suite's shared one for the contract, private clusters for the fault tests. Outside CI
// both are skipped (with the reason printed) when no PostgreSQL is available; in CI they fail instead.
const serverUrl = await postgresUrl();
const canStartClusters = requirePostgres(postgresClusterUnavailable(), 'The PostgreSQL fault tests');

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject, it resolved');
}

/** A client for poking at the tables behind the store's back. */
async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => {});
  await client.connect();
  return client;
}

describe.skipIf(serverUrl === undefined)('PostgresStore', () => {
  let database: TestDatabase;
  let admin: pg.Client;
  let schemas = 0;
  const nextSchema = (): string => `t${++schemas}_${process.pid}`;

  beforeAll(async () => {
    database = await createTestDatabase(serverUrl ?? '');
    admin = await connect(database.url);
  }, 30_000);
  afterAll(async () => {
    await admin?.end();
    await database?.drop();
  }, 30_000);

  // Each contract test gets a schema of its own in this file's database.
  describeSnapshotStore('PostgresStore', async () => {
    const schema = nextSchema();
    const store = new PostgresStore({ connectionString: database.url, schema });
    return {
      store,
      // jsonb or json, the server only holds valid JSON: damage the row by making its snapshot a string.
      corrupt: async (instanceId) => {
        await admin.query(`UPDATE "${schema}".instances SET snapshot = '"not a snapshot"' WHERE instance_id = $1`, [instanceId]);
      },
      cleanup: async () => {
        await store.close();
        await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      },
    };
  });

  describe('schema', () => {
    it('is created once when several stores initialise at the same time', async () => {
      for (let round = 0; round < 3; round++) {
        const schema = nextSchema();
        const stores = Array.from({ length: 6 }, () => new PostgresStore({ connectionString: database.url, schema }));
        try {
          await Promise.all(stores.map((store) => store.init()));
          const meta = await admin.query(`SELECT key, value FROM "${schema}".runtime_core_meta`);
          expect(meta.rows).toEqual([{ key: 'schema_version', value: String(POSTGRES_SCHEMA_VERSION) }]);
          const tables = await admin.query(`SELECT tablename FROM pg_tables WHERE schemaname = $1 ORDER BY tablename`, [schema]);
          expect(tables.rows.map((r: { tablename: string }) => r.tablename)).toEqual(['history', 'instances', 'runtime_core_meta']);
          await stores[0]?.save({ record: makeRecord('i-1'), expectedVersion: 0, history: [] });
          expect((await stores[5]?.load('i-1'))?.version).toBe(1);
        } finally {
          await Promise.all(stores.map((store) => store.close()));
        }
      }
    });

    it('refuses a schema newer than the code with STORE_SCHEMA', async () => {
      const schema = nextSchema();
      const first = new PostgresStore({ connectionString: database.url, schema });
      await first.init();
      await first.close();
      await admin.query(`UPDATE "${schema}".runtime_core_meta SET value = '99' WHERE key = 'schema_version'`);

      const store = new PostgresStore({ connectionString: database.url, schema });
      try {
        const error = await rejection(store.init());
        expect(error).toBeInstanceOf(PersistenceError);
        expect(error).toMatchObject({ code: 'STORE_SCHEMA', message: expect.stringMatching(/version 99.*up to 1/) });
        expect(await rejection(store.load('i-1'))).toMatchObject({ code: 'STORE_SCHEMA' });
      } finally {
        await store.close();
      }
    });

    it('creates the schema on first use without init, in the default schema runtime_core', async () => {
      const store = new PostgresStore({ connectionString: database.url });
      try {
        await store.save({ record: makeRecord('i-1'), expectedVersion: 0, history: [] });
        const found = await admin.query(`SELECT count(*)::int AS n FROM runtime_core.instances`);
        expect(found.rows).toEqual([{ n: 1 }]);
      } finally {
        await store.close();
        await admin.query('DROP SCHEMA runtime_core CASCADE');
      }
    });
  });

  describe('two runtimes on one database', () => {
    it('the stale writer gets ConcurrencyConflictError and can retry after reloading', async () => {
      const schema = nextSchema();
      const [a, b] = [new PostgresStore({ connectionString: database.url, schema }), new PostgresStore({ connectionString: database.url, schema })];
      try {
        await a.save({ record: makeRecord('i-1'), expectedVersion: 0, history: [{ type: 'instance.created', at: 1 }] });
        const seenByB = await b.load('i-1');
        await a.save({ record: makeRecord('i-1', { updatedAt: 2 }), expectedVersion: 1, history: [{ type: 'step.started', at: 2 }] });

        const error = await rejection(b.save({ record: makeRecord('i-1', { updatedAt: 3 }), expectedVersion: seenByB?.version ?? -1, history: [{ type: 'step.failed', at: 3 }] }));
        expect(error).toBeInstanceOf(ConcurrencyConflictError);
        expect(error).toMatchObject({ instanceId: 'i-1', expectedVersion: 1, actualVersion: 2 });

        const reloaded = await b.load('i-1');
        await b.save({ record: makeRecord('i-1', { updatedAt: 4 }), expectedVersion: reloaded?.version ?? -1, history: [{ type: 'step.completed', at: 4 }] });
        expect((await a.history('i-1')).map((e) => [e.seq, e.type])).toEqual([
          [1, 'instance.created'],
          [2, 'step.started'],
          [3, 'step.completed'],
        ]);
      } finally {
        await Promise.all([a.close(), b.close()]);
      }
    });

    it('of writers racing on one version exactly one wins, and history stays gapless', async () => {
      const schema = nextSchema();
      const stores = Array.from({ length: 4 }, () => new PostgresStore({ connectionString: database.url, schema }));
      try {
        await stores[0]?.init();
        const race = (expectedVersion: number, at: number) =>
          Promise.allSettled(
            stores.flatMap((store, i) =>
              [0, 1].map((j) => store.save({ record: makeRecord('i-1', { updatedAt: at, snapshot: { writer: `${i}.${j}` } }), expectedVersion, history: [{ type: 'step.started', at }, { type: 'step.completed', at }] })),
            ),
          );
        for (const [expectedVersion, at] of [[0, 10], [1, 20], [2, 30]] as const) {
          const results = await race(expectedVersion, at);
          expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
          for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(ConcurrencyConflictError);
        }
        expect((await stores[3]?.load('i-1'))?.version).toBe(3);
        expect((await stores[2]?.history('i-1'))?.map((e) => [e.seq, e.at])).toEqual([
          [1, 10], [2, 10], [3, 20], [4, 20], [5, 30], [6, 30],
        ]);
      } finally {
        await Promise.all(stores.map((store) => store.close()));
      }
    });
  });

  describe('PostgreSQL specifics', () => {
    it('keeps key order and \\u0000 in JSON exactly (json columns, not jsonb)', async () => {
      const store = new PostgresStore({ connectionString: database.url, schema: nextSchema() });
      try {
        const snapshot = { z: 1, a: { y: 'nul \u0000 inside', b: 2 }, m: [{ k: 1, c: 2 }] };
        await store.save({ record: makeRecord('i-1', { snapshot }), expectedVersion: 0, history: [{ type: 'event.received', at: 1, data: { z: '\u0000', a: 1 } }] });
        expect(JSON.stringify((await store.load('i-1'))?.snapshot)).toBe(JSON.stringify(snapshot));
        expect(JSON.stringify((await store.history('i-1'))[0]?.data)).toBe('{"z":"\\u0000","a":1}');
      } finally {
        await store.close();
      }
    });

    it('fails a statement that waits past statementTimeoutMs with STORE_UNAVAILABLE', async () => {
      const schema = nextSchema();
      const store = new PostgresStore({ connectionString: database.url, schema, statementTimeoutMs: 200 });
      const locker = await connect(database.url);
      try {
        await store.save({ record: makeRecord('i-1'), expectedVersion: 0, history: [] });
        await locker.query('BEGIN');
        await locker.query(`SELECT 1 FROM "${schema}".instances WHERE instance_id = 'i-1' FOR UPDATE`);
        const started = Date.now();
        const error = await rejection(store.save({ record: makeRecord('i-1'), expectedVersion: 1, history: [] }));
        expect(Date.now() - started).toBeLessThan(2_000);
        expect(error).toMatchObject({ code: 'STORE_UNAVAILABLE', instanceId: 'i-1', message: expect.stringContaining('timed out') });
        await locker.query('ROLLBACK');
        await store.save({ record: makeRecord('i-1'), expectedVersion: 1, history: [] });
        expect((await store.load('i-1'))?.version).toBe(2);
      } finally {
        await locker.end();
        await store.close();
      }
    });

    it('uses a pool it is given and leaves it open on close', async () => {
      const pool = new pg.Pool({ connectionString: database.url });
      const store = new PostgresStore({ pool, schema: nextSchema() });
      try {
        await store.save({ record: makeRecord('i-1'), expectedVersion: 0, history: [] });
        await store.close();
        expect((await pool.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
        expect(pool.listenerCount('error')).toBe(0);
      } finally {
        await pool.end();
      }
    });

    it('describes the server without the credentials', () => {
      const store = new PostgresStore({ connectionString: 'postgres://alice:s3cret@db.example:6543/orders' });
      expect(store.description).toBe('postgres://db.example:6543/orders');
      void store.close();
    });

    it('rejects a schema name that is not a plain identifier', () => {
      expect(() => new PostgresStore({ connectionString: database.url, schema: 'a"; DROP TABLE x; --' })).toThrow(/options\.schema must be a plain identifier/);
    });
  });
});

describe.skipIf(!canStartClusters)('PostgresStore when the server goes away', () => {
  let cluster: PostgresCluster;
  let database: TestDatabase;

  beforeAll(async () => {
    cluster = await startPostgresCluster();
    database = await createTestDatabase(cluster.url, 'rc_fault');
  }, 60_000);
  afterAll(async () => {
    await cluster?.destroy();
  }, 60_000);

  it('rejects quickly with STORE_UNAVAILABLE while it is down, loses nothing, and works again once it is back', { timeout: 60_000 }, async () => {
    const store = new PostgresStore({ connectionString: database.url, connectionTimeoutMs: 1_000 });
    try {
      for (let i = 1; i <= 3; i++) await store.save({ record: makeRecord(`i-${i}`), expectedVersion: 0, history: [{ type: 'instance.created', at: i }] });
      await store.save({ record: makeRecord('i-1', { updatedAt: 2_000 }), expectedVersion: 1, history: [{ type: 'step.started', at: 2_000 }] });

      // Idle pooled connections are cut by the shutdown: their 'error' must not crash the process.
      await cluster.stop();
      for (const call of [
        () => store.save({ record: makeRecord('i-1', { updatedAt: 3_000 }), expectedVersion: 2, history: [] }),
        () => store.load('i-2'),
        () => store.list(),
      ]) {
        const started = Date.now();
        const error = await rejection(call());
        expect(Date.now() - started).toBeLessThan(1_500);
        expect(error).toBeInstanceOf(PersistenceError);
        expect(error).toMatchObject({ code: 'STORE_UNAVAILABLE' });
        const message = (error as Error).message;
        expect(message).toContain(`127.0.0.1:${cluster.port}/${database.name}`);
        expect(message).not.toContain(cluster.password);
        expect(message).toMatch(/cannot be reached/);
      }
      expect(await rejection(store.load('i-2'))).toMatchObject({ instanceId: 'i-2', message: expect.stringContaining('load of instance "i-2"') });
      // A runtime starting while the server is down cannot create the schema; it retries on its next call.
      const late = new PostgresStore({ connectionString: database.url, connectionTimeoutMs: 1_000 });
      expect(await rejection(late.save({ record: makeRecord('i-9'), expectedVersion: 0, history: [] }))).toMatchObject({
        code: 'STORE_UNAVAILABLE',
        instanceId: 'i-9',
        message: expect.stringContaining('save of instance "i-9" failed: the server cannot be reached'),
      });

      await cluster.start();
      expect(await late.load('i-3')).toMatchObject({ instanceId: 'i-3', version: 1 });
      await late.close();
      expect((await store.load('i-1'))?.version).toBe(2);
      expect((await store.loadUnfinished()).records.map((r) => r.instanceId)).toEqual(['i-1', 'i-2', 'i-3']);
      expect((await store.history('i-1')).map((e) => e.type)).toEqual(['instance.created', 'step.started']);
      await store.save({ record: makeRecord('i-1', { updatedAt: 3_000 }), expectedVersion: 2, history: [{ type: 'step.completed', at: 3_000 }] });
      expect((await store.load('i-1'))?.version).toBe(3);
    } finally {
      await store.close();
    }
  });

  it('rolls back a save that was waiting when the server stopped', { timeout: 60_000 }, async () => {
    const store = new PostgresStore({ connectionString: database.url, schema: 'in_flight', connectionTimeoutMs: 1_000 });
    const locker = await connect(database.url);
    try {
      await store.save({ record: makeRecord('i-1'), expectedVersion: 0, history: [{ type: 'instance.created', at: 1 }] });
      await locker.query('BEGIN');
      await locker.query(`SELECT 1 FROM in_flight.instances WHERE instance_id = 'i-1' FOR UPDATE`);
      const waiting = rejection(store.save({ record: makeRecord('i-1', { updatedAt: 5 }), expectedVersion: 1, history: [{ type: 'step.started', at: 5 }] }));
      await new Promise((resolve) => setTimeout(resolve, 100));
      await cluster.stop();
      expect(await waiting).toMatchObject({ code: 'STORE_UNAVAILABLE', instanceId: 'i-1' });

      await cluster.start();
      expect((await store.load('i-1'))?.version).toBe(1);
      expect(await store.history('i-1')).toHaveLength(1);
    } finally {
      await locker.end().catch(() => {});
      await store.close();
    }
  });

  it('fails fast when nothing listens on the port', async () => {
    const url = new URL(database.url);
    url.port = '1';
    const store = new PostgresStore({ connectionString: url.toString(), connectionTimeoutMs: 1_000 });
    try {
      const error = await rejection(store.init());
      expect(error).toMatchObject({ code: 'STORE_UNAVAILABLE', message: expect.stringContaining(`127.0.0.1:1/${database.name}`) });
      expect((error as Error).message).toMatch(/init failed: the server cannot be reached .*ECONNREFUSED/);
      expect((error as Error).message).not.toContain(cluster.password);
    } finally {
      await store.close();
    }
  });
});

describe('PostgresStore and a server that never answers', () => {
  it('gives up after connectionTimeoutMs with STORE_UNAVAILABLE', async () => {
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    const store = new PostgresStore({ connectionString: `postgres://u:hunter2@127.0.0.1:${port}/db`, connectionTimeoutMs: 300 });
    try {
      const started = Date.now();
      const error = await rejection(store.load('i-1'));
      expect(Date.now() - started).toBeGreaterThanOrEqual(250);
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(error).toMatchObject({ code: 'STORE_UNAVAILABLE', instanceId: 'i-1' });
      expect((error as Error).message).toMatch(new RegExp(`^PostgreSQL store postgres://127\\.0\\.0\\.1:${port}/db: load of instance "i-1" failed: the server cannot be reached \\(.*timeout`));
      expect((error as Error).message).not.toContain('hunter2');
    } finally {
      await store.close();
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});
