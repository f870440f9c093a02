import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { PostgresStore, ReactiveSystemRuntime, SqliteStore, defineSystem, type SnapshotStore } from '../../src/index.js';
import { postgresClusterUnavailable, requirePostgres, startPostgresCluster } from '../support/postgres.js';
import { createClock, settle } from '../support/time.js';

// The database goes away under a running runtime: clear errors, no instance advances past what is stored,
// nothing is lost, and everything continues when the database is back.

const system = defineSystem({
  id: 'shop',
  tasks: { pack: {}, ship: {} },
  events: { 'parcel.scanned': {} },
  flows: {
    delivery: {
      steps: [
        { id: 'pack', type: 'task', task: 'pack' },
        { id: 'cool', type: 'wait', duration: '1m' },
        { id: 'ship', type: 'task', task: 'ship' },
        { id: 'scanned', type: 'event', event: 'parcel.scanned' },
      ],
    },
  },
});

async function outage(store: SnapshotStore, breakIt: () => Promise<void>, repair: () => Promise<void>) {
  const clock = createClock();
  const calls: string[] = [];
  const lifecycle: Array<{ type: string; code?: unknown }> = [];
  const runtime = new ReactiveSystemRuntime(system, { store, clock, storeRetry: { initialDelay: 20, maxDelay: 100 }, logger: { error: () => undefined, info: () => undefined } });
  runtime.registerTaskImplementations({ pack: () => (calls.push('pack'), { box: 1 }), ship: () => (calls.push('ship'), { tracking: 'T1' }) });
  runtime.registerEventHandler('store.unavailable', (payload) => void lifecycle.push({ type: 'store.unavailable', code: (payload.error as { code?: unknown }).code }));
  runtime.registerEventHandler('store.restored', () => void lifecycle.push({ type: 'store.restored' }));
  await runtime.start();
  runtime.startFlow('delivery', {}, { instanceId: 'd1' });
  await vi.waitFor(async () => expect(await store.load('d1')).toMatchObject({ snapshot: { value: { running: 'cool' } } }));

  await breakIt();
  await clock.advance(60_000);
  // The wait fired in memory, but the state after it cannot be stored: the next task must not start.
  await vi.waitFor(() => expect(lifecycle).toContainEqual({ type: 'store.unavailable', code: 'STORE_UNAVAILABLE' }));
  await settle(20);
  expect(calls).toEqual(['pack']);
  expect(() => runtime.sendEvent('parcel.scanned', { instanceId: 'd1' })).toThrow(expect.objectContaining({ code: 'STORE_UNAVAILABLE', message: expect.stringContaining('"d1"') }));

  await repair();
  await vi.waitFor(() => expect(calls).toEqual(['pack', 'ship']), { timeout: 10_000, interval: 20 });
  expect(lifecycle.at(-1)).toEqual({ type: 'store.restored' });
  runtime.sendEvent('parcel.scanned', { instanceId: 'd1' });
  expect(await runtime.flowResult('d1')).toMatchObject({ success: true });
  const history = (await runtime.getHistory('d1')).map((entry) => `${entry.type}${entry.data?.step ? ` ${String(entry.data.step)}` : ''}`);
  expect(history).toEqual([
    'instance.created',
    'step.started pack',
    'step.completed pack',
    'step.started cool',
    'timer.fired',
    'step.completed cool',
    'step.started ship',
    'step.completed ship',
    'step.started scanned',
    'event.received',
    'step.completed scanned',
    'instance.completed',
  ]);
  await runtime.close();
}

describe('the database goes away', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('SQLite locked by another process: writes wait, the instance does not advance, then it goes on', { timeout: 30_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rc-faults-'));
    dirs.push(dir);
    const path = join(dir, 'runtime.db');
    const store = new SqliteStore(path, { busyTimeoutMs: 10 });
    const other = new Database(path);
    await outage(
      store,
      async () => void other.exec('BEGIN EXCLUSIVE'),
      async () => void other.exec('ROLLBACK'),
    );
    other.close();
  });

  it('a row that cannot be read is reported by instance id and skipped; the others are recovered', { timeout: 30_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rc-faults-'));
    dirs.push(dir);
    const path = join(dir, 'runtime.db');
    const clock = createClock();
    const first = new ReactiveSystemRuntime(system, { store: new SqliteStore(path), clock });
    first.registerTaskImplementations({ pack: () => ({ box: 1 }), ship: () => ({ tracking: 'T1' }) });
    await first.start();
    first.startFlow('delivery', {}, { instanceId: 'good' });
    first.startFlow('delivery', {}, { instanceId: 'bad' });
    await first.close();
    const db = new Database(path);
    db.prepare('UPDATE instances SET snapshot = ? WHERE instance_id = ?').run('{"status": "active", "value": ', 'bad');
    db.close();

    const errors: string[] = [];
    const unreadable: unknown[] = [];
    const second = new ReactiveSystemRuntime(system, { store: new SqliteStore(path), clock, logger: { error: (message) => void errors.push(message) } });
    second.registerTaskImplementations({ pack: () => ({ box: 1 }), ship: () => ({ tracking: 'T1' }) });
    second.registerEventHandler('instance.unreadable', (payload) => void unreadable.push(payload));
    const report = await second.start();
    expect(report.recovered).toEqual(['good']);
    expect(report.unreadable).toEqual([{ instanceId: 'bad', error: expect.objectContaining({ code: 'STORE_CORRUPT', message: expect.stringMatching(/instance "bad": column snapshot is not valid JSON/) }) }]);
    expect(unreadable).toEqual([expect.objectContaining({ instanceId: 'bad' })]);
    expect(errors).toEqual([expect.stringContaining('Instance "bad" cannot be read from the store and was skipped')]);
    await clock.advance(60_000);
    second.sendEvent('parcel.scanned', { instanceId: 'good' });
    expect(await second.flowResult('good')).toMatchObject({ success: true });
    await second.close();
  });

  it('PostgreSQL stopped mid-run: writes fail with STORE_UNAVAILABLE, then continue when the server is back', { timeout: 60_000 }, async () => {
    if (!requirePostgres(postgresClusterUnavailable(), 'the PostgreSQL outage test')) return;
    const cluster = await startPostgresCluster();
    try {
      const store = new PostgresStore({ connectionString: cluster.url, connectionTimeoutMs: 500 });
      await outage(
        store,
        () => cluster.stop(),
        () => cluster.start(),
      );
    } finally {
      await cluster.destroy();
    }
  });
});
