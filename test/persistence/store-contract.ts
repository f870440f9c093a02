import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConcurrencyConflictError, PersistenceError, UsageError } from '../../src/errors.js';
import type { HistoryEntry, InstanceRecord, InstanceStatus, NewHistoryEntry, SnapshotStore } from '../../src/persistence/store.js';

/** What a store under test provides. */
export interface StoreUnderTest {
  store: SnapshotStore;
  /** Damages the stored row of `instanceId` so it cannot be read back (bad JSON, a broken column), keeping its id and status. */
  corrupt(instanceId: string): Promise<void>;
  /** Closes the store and removes what it created. */
  cleanup(): Promise<void>;
}

/** A record with every field set; `overrides` replaces any of them. */
export function makeRecord(instanceId: string, overrides: Partial<InstanceRecord> = {}): InstanceRecord {
  return {
    instanceId,
    kind: 'flow',
    definitionId: 'checkout',
    status: 'running',
    systemId: 'orders',
    systemVersion: '1.0.0',
    machineHash: 'a'.repeat(64),
    version: 0,
    createdAt: 1_000,
    updatedAt: 1_000,
    snapshot: { status: 'active', value: 'charging', context: { orderId: instanceId } },
    ...overrides,
  };
}

const entry = (type: NewHistoryEntry['type'], at: number, data?: Record<string, unknown>): NewHistoryEntry =>
  data === undefined ? { type, at } : { type, at, data };

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject, it resolved');
}

/** Runs the behaviour every `SnapshotStore` shares; `setup` gives a fresh, empty store for each test. */
export function describeSnapshotStore(name: string, setup: () => Promise<StoreUnderTest>): void {
  describe(`SnapshotStore contract: ${name}`, () => {
    let subject: StoreUnderTest;
    let store: SnapshotStore;

    beforeEach(async () => {
      subject = await setup();
      store = subject.store;
      await store.init();
    });
    afterEach(async () => {
      await subject.cleanup();
    });

    /** Creates an instance and returns the stored record. */
    async function create(record: InstanceRecord, history: NewHistoryEntry[] = []): Promise<InstanceRecord> {
      await store.save({ record, expectedVersion: 0, history });
      const stored = await store.load(record.instanceId);
      if (stored === undefined) throw new Error(`instance ${record.instanceId} was not stored`);
      return stored;
    }

    describe('save and load', () => {
      it('creates an instance at version 1 and advances it by one per write', async () => {
        expect(await store.load('i-1')).toBeUndefined();
        const created = await create(makeRecord('i-1'), [entry('instance.created', 1_000)]);
        expect(created).toEqual({ ...makeRecord('i-1'), version: 1 });

        const advanced = makeRecord('i-1', { updatedAt: 2_000, snapshot: { value: 'shipping' }, version: 2 });
        await store.save({ record: advanced, expectedVersion: 1, history: [] });
        expect(await store.load('i-1')).toEqual({ ...advanced, version: 2 });

        const finished = makeRecord('i-1', { status: 'completed', updatedAt: 3_000, finishedAt: 3_000, snapshot: { value: 'done' } });
        await store.save({ record: finished, expectedVersion: 2, history: [entry('instance.completed', 3_000)] });
        expect(await store.load('i-1')).toEqual({ ...finished, version: 3 });
      });

      it('rejects a stale expectedVersion and leaves the record and history as they were', async () => {
        await create(makeRecord('i-1'), [entry('instance.created', 1_000)]);
        await store.save({ record: makeRecord('i-1', { updatedAt: 2_000, snapshot: { n: 2 } }), expectedVersion: 1, history: [entry('step.started', 2_000)] });
        const before = { record: await store.load('i-1'), history: await store.history('i-1') };

        const error = await rejection(
          store.save({ record: makeRecord('i-1', { updatedAt: 9_000, snapshot: { n: 'stale' } }), expectedVersion: 1, history: [entry('step.failed', 9_000)] }),
        );
        expect(error).toBeInstanceOf(ConcurrencyConflictError);
        expect(error).toMatchObject({ code: 'CONCURRENCY_CONFLICT', instanceId: 'i-1', expectedVersion: 1, actualVersion: 2 });
        expect({ record: await store.load('i-1'), history: await store.history('i-1') }).toEqual(before);
      });

      it('rejects creating an instance that exists, leaving it untouched', async () => {
        const first = await create(makeRecord('i-1'), [entry('instance.created', 1_000)]);
        const error = await rejection(
          store.save({ record: makeRecord('i-1', { definitionId: 'other', snapshot: null }), expectedVersion: 0, history: [entry('instance.created', 5_000)] }),
        );
        expect(error).toBeInstanceOf(ConcurrencyConflictError);
        expect(error).toMatchObject({ instanceId: 'i-1', expectedVersion: 0, actualVersion: 1 });
        expect(await store.load('i-1')).toEqual(first);
        expect(await store.history('i-1')).toEqual([{ instanceId: 'i-1', seq: 1, at: 1_000, type: 'instance.created' }]);
      });

      it('rejects updating an instance that is not there', async () => {
        const error = await rejection(store.save({ record: makeRecord('ghost'), expectedVersion: 3, history: [entry('timer.fired', 1)] }));
        expect(error).toBeInstanceOf(ConcurrencyConflictError);
        expect(error).toMatchObject({ instanceId: 'ghost', expectedVersion: 3, actualVersion: undefined });
        expect(await store.load('ghost')).toBeUndefined();
        expect(await store.history('ghost')).toEqual([]);
      });

      it('never shares objects with the caller', async () => {
        const record = makeRecord('i-1', { snapshot: { context: { items: [1, 2] } } });
        const history = [entry('event.received', 1_000, { payload: { n: 1 } })];
        await store.save({ record, expectedVersion: 0, history });
        (record.snapshot as { context: { items: number[] } }).context.items.push(3);
        (history[0]?.data as { payload: { n: number } }).payload.n = 99;

        const loaded = await store.load('i-1');
        expect(loaded?.snapshot).toEqual({ context: { items: [1, 2] } });
        (loaded?.snapshot as { context: { items: number[] } }).context.items.length = 0;
        expect((await store.load('i-1'))?.snapshot).toEqual({ context: { items: [1, 2] } });

        const [first] = await store.history('i-1');
        (first?.data as { payload: { n: number } }).payload.n = 7;
        expect((await store.history('i-1'))[0]?.data).toEqual({ payload: { n: 1 } });
      });
    });

    describe('history', () => {
      it('numbers entries 1, 2, 3… per instance across saves, in order', async () => {
        await create(makeRecord('i-1'), [entry('instance.created', 1), entry('step.started', 2, { step: 'charge', attempt: 1 })]);
        await create(makeRecord('i-2'), [entry('instance.created', 3)]);
        await store.save({ record: makeRecord('i-1'), expectedVersion: 1, history: [] });
        await store.save({
          record: makeRecord('i-1'),
          expectedVersion: 2,
          history: [entry('step.failed', 4, { step: 'charge', error: { name: 'Error', message: 'boom' } }), entry('step.retrying', 5, { delayMs: 1000 }), entry('step.completed', 6)],
        });

        const all = await store.history('i-1');
        expect(all.map((e) => [e.seq, e.type, e.at])).toEqual([
          [1, 'instance.created', 1],
          [2, 'step.started', 2],
          [3, 'step.failed', 4],
          [4, 'step.retrying', 5],
          [5, 'step.completed', 6],
        ]);
        expect(all[1]).toEqual({ instanceId: 'i-1', seq: 2, at: 2, type: 'step.started', data: { step: 'charge', attempt: 1 } });
        expect(all[4]).toEqual({ instanceId: 'i-1', seq: 5, at: 6, type: 'step.completed' } satisfies HistoryEntry);
        expect(await store.history('i-2')).toEqual([{ instanceId: 'i-2', seq: 1, at: 3, type: 'instance.created' }]);

        expect((await store.history('i-1', { afterSeq: 2 })).map((e) => e.seq)).toEqual([3, 4, 5]);
        expect((await store.history('i-1', { limit: 2 })).map((e) => e.seq)).toEqual([1, 2]);
        expect((await store.history('i-1', { afterSeq: 1, limit: 3 })).map((e) => e.seq)).toEqual([2, 3, 4]);
        expect(await store.history('i-1', { afterSeq: 5 })).toEqual([]);
        expect(await store.history('nobody')).toEqual([]);
      });
    });

    describe('list', () => {
      async function seed(): Promise<void> {
        const rows: [string, Partial<InstanceRecord>][] = [
          ['f-run', { kind: 'flow', definitionId: 'checkout', status: 'running', updatedAt: 5_000 }],
          ['f-done', { kind: 'flow', definitionId: 'checkout', status: 'completed', updatedAt: 4_000, finishedAt: 4_000 }],
          ['f-other', { kind: 'flow', definitionId: 'shipping', status: 'failed', updatedAt: 3_000, finishedAt: 3_000, error: { name: 'Error', message: 'no' } }],
          ['p-run', { kind: 'process', definitionId: 'order', status: 'running', updatedAt: 3_000 }],
          ['p-mig', { kind: 'process', definitionId: 'order', status: 'needs-migration', updatedAt: 2_000 }],
          ['p-checkout', { kind: 'process', definitionId: 'checkout', status: 'running', updatedAt: 1_000 }],
        ];
        for (const [id, overrides] of rows) await create(makeRecord(id, { createdAt: 500, ...overrides }));
      }
      const ids = (page: { instances: { instanceId: string }[] }): string[] => page.instances.map((i) => i.instanceId);

      it('lists newest first by updatedAt, then by id, without snapshots', async () => {
        await seed();
        const page = await store.list();
        expect(ids(page)).toEqual(['f-run', 'f-done', 'f-other', 'p-run', 'p-mig', 'p-checkout']);
        expect(page.nextCursor).toBeUndefined();
        for (const summary of page.instances) expect(summary).not.toHaveProperty('snapshot');
        expect(page.instances[2]).toEqual({
          instanceId: 'f-other',
          kind: 'flow',
          definitionId: 'shipping',
          status: 'failed',
          systemId: 'orders',
          systemVersion: '1.0.0',
          machineHash: 'a'.repeat(64),
          version: 1,
          createdAt: 500,
          updatedAt: 3_000,
          finishedAt: 3_000,
          error: { name: 'Error', message: 'no' },
        });
      });

      it('filters by one status, several statuses, flow and process', async () => {
        await seed();
        expect(ids(await store.list({ status: 'running' }))).toEqual(['f-run', 'p-run', 'p-checkout']);
        expect(ids(await store.list({ status: ['completed', 'needs-migration'] }))).toEqual(['f-done', 'p-mig']);
        expect(ids(await store.list({ status: [] }))).toEqual([]);
        expect(ids(await store.list({ flowId: 'checkout' }))).toEqual(['f-run', 'f-done']);
        expect(ids(await store.list({ flowId: 'checkout', status: 'running' }))).toEqual(['f-run']);
        expect(ids(await store.list({ processId: 'order' }))).toEqual(['p-run', 'p-mig']);
        expect(ids(await store.list({ processId: 'checkout' }))).toEqual(['p-checkout']);
        expect(ids(await store.list({ processId: 'order', status: ['running', 'completed'] }))).toEqual(['p-run']);
        expect(ids(await store.list({ flowId: 'nothing' }))).toEqual([]);
      });

      it('filters by system, for stores that several systems share', async () => {
        await store.save({ record: makeRecord('mine', { updatedAt: 2_000 }), expectedVersion: 0, history: [] });
        await store.save({ record: makeRecord('theirs', { systemId: 'billing', updatedAt: 3_000 }), expectedVersion: 0, history: [] });
        expect(ids(await store.list({ systemId: 'orders' }))).toEqual(['mine']);
        expect(ids(await store.list({ systemId: 'billing', flowId: 'checkout' }))).toEqual(['theirs']);
        expect(ids(await store.list({}))).toEqual(['theirs', 'mine']);
      });

      it('pages through 250 instances, 100 at a time, each exactly once in order', async () => {
        const expected: { id: string; updatedAt: number }[] = [];
        for (let i = 0; i < 250; i++) {
          // Many equal updatedAt values, so pages end inside a run of ties.
          const id = `inst-${String((i * 7919) % 1000).padStart(4, '0')}`;
          const updatedAt = 10_000 + (i % 9);
          expected.push({ id, updatedAt });
          await store.save({ record: makeRecord(id, { updatedAt, kind: i % 2 === 0 ? 'flow' : 'process' }), expectedVersion: 0, history: [] });
        }
        expected.sort((a, b) => b.updatedAt - a.updatedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

        const seen: string[] = [];
        const sizes: number[] = [];
        let cursor: string | undefined;
        do {
          const page = await store.list(cursor === undefined ? { limit: 100 } : { limit: 100, cursor });
          sizes.push(page.instances.length);
          seen.push(...ids(page));
          cursor = page.nextCursor;
        } while (cursor !== undefined);
        expect(sizes).toEqual([100, 100, 50]);
        expect(seen).toEqual(expected.map((e) => e.id));

        const defaultPage = await store.list();
        expect(defaultPage.instances).toHaveLength(100);
        expect(typeof defaultPage.nextCursor).toBe('string');

        const flows: string[] = [];
        cursor = undefined;
        do {
          const page = await store.list(cursor === undefined ? { limit: 30, status: 'running' } : { limit: 30, status: 'running', cursor });
          flows.push(...page.instances.filter((i) => i.kind === 'flow').map((i) => i.instanceId));
          cursor = page.nextCursor;
        } while (cursor !== undefined);
        expect(new Set(flows).size).toBe(125);
      });
    });

    describe('loadUnfinished', () => {
      it('returns running and needs-migration instances, oldest first, and reports a damaged row by id', async () => {
        const statuses: [string, InstanceStatus, number][] = [
          ['late', 'running', 3_000],
          ['early', 'running', 1_000],
          ['migrate', 'needs-migration', 2_000],
          ['broken', 'running', 1_500],
          ['done', 'completed', 500],
          ['failed', 'failed', 500],
          ['cancelled', 'cancelled', 500],
          ['terminated', 'terminated', 500],
        ];
        for (const [id, status, createdAt] of statuses) {
          await create(makeRecord(id, { status, createdAt, updatedAt: createdAt, ...(status === 'running' || status === 'needs-migration' ? {} : { finishedAt: createdAt }) }));
        }
        await subject.corrupt('broken');

        const { records, unreadable } = await store.loadUnfinished();
        expect(records.map((r) => [r.instanceId, r.status])).toEqual([
          ['early', 'running'],
          ['migrate', 'needs-migration'],
          ['late', 'running'],
        ]);
        expect(records[0]).toEqual({ ...makeRecord('early', { createdAt: 1_000, updatedAt: 1_000 }), version: 1 });
        expect(unreadable).toHaveLength(1);
        expect(unreadable[0]?.instanceId).toBe('broken');
        expect(unreadable[0]?.error).toMatchObject({ code: 'STORE_CORRUPT', message: expect.stringContaining('broken') });

        const error = await rejection(store.load('broken'));
        expect(error).toBeInstanceOf(PersistenceError);
        expect(error).toMatchObject({ code: 'STORE_CORRUPT', instanceId: 'broken' });
      });
    });

    describe('deleteFinished', () => {
      it('removes finished instances older than the cutoff, with their history, and nothing else', async () => {
        const rows: [string, InstanceStatus, number | undefined][] = [
          ['completed-old', 'completed', 100],
          ['failed-old', 'failed', 200],
          ['cancelled-at-cutoff', 'cancelled', 250],
          ['terminated-new', 'terminated', 500],
          ['running', 'running', undefined],
          ['migrating', 'needs-migration', undefined],
          ['running-odd', 'running', 50],
        ];
        for (const [id, status, finishedAt] of rows) {
          await create(makeRecord(id, { status, ...(finishedAt === undefined ? {} : { finishedAt }) }), [entry('instance.created', 1), entry('state.entered', 2)]);
        }

        expect(await store.deleteFinished(250)).toBe(2);
        for (const id of ['completed-old', 'failed-old']) {
          expect(await store.load(id)).toBeUndefined();
          expect(await store.history(id)).toEqual([]);
        }
        for (const id of ['cancelled-at-cutoff', 'terminated-new', 'running', 'migrating', 'running-odd']) {
          expect((await store.load(id))?.instanceId).toBe(id);
          expect(await store.history(id)).toHaveLength(2);
        }
        expect(await store.deleteFinished(250)).toBe(0);
        expect(await store.deleteFinished(10_000)).toBe(2);
        expect((await store.list()).instances.map((i) => i.instanceId).sort()).toEqual(['migrating', 'running', 'running-odd']);
      });
    });

    describe('lifecycle', () => {
      it('init twice is harmless and keeps the data', async () => {
        await create(makeRecord('i-1'), [entry('instance.created', 1)]);
        await store.init();
        await store.init();
        expect((await store.load('i-1'))?.version).toBe(1);
        expect(await store.history('i-1')).toHaveLength(1);
      });

      it('close is idempotent; a closed store rejects with PersistenceError', async () => {
        await store.close();
        await store.close();
        const error = await rejection(store.load('i-1'));
        expect(error).toBeInstanceOf(PersistenceError);
        expect(error).toMatchObject({ code: 'STORE_UNAVAILABLE' });
      });

      it('has a description', () => {
        expect(store.description).toMatch(/\S/);
      });

      it('refuses bad arguments with UsageError INVALID_ARGUMENT, and a value that is not JSON with STORE_CORRUPT, storing nothing', async () => {
        const refusals = [
          rejection(store.list({ limit: 0 })),
          rejection(store.list({ cursor: 'not-a-cursor' })),
          rejection(store.save({ record: makeRecord('i-1'), expectedVersion: -1, history: [] })),
        ];
        for (const error of await Promise.all(refusals)) {
          expect(error).toBeInstanceOf(UsageError);
          expect(error).toMatchObject({ code: 'INVALID_ARGUMENT' });
        }
        const notJson = await rejection(store.save({ record: makeRecord('i-1', { snapshot: { n: 1n } }), expectedVersion: 0, history: [] }));
        expect(notJson).toBeInstanceOf(PersistenceError);
        expect(notJson).toMatchObject({ code: 'STORE_CORRUPT', instanceId: 'i-1', message: expect.stringContaining('Snapshot of instance "i-1" is not JSON-serialisable') });
        expect(await store.load('i-1')).toBeUndefined();
      });
    });

    describe('round trip', () => {
      it('keeps nested JSON, unicode and special characters exactly', async () => {
        const snapshot = {
          status: 'active',
          value: { checkout: { charging: 'attempt' } },
          context: {
            text: 'héllo wörld — 日本語 — עברית — 🎉👩‍👩‍👧 — e\u0301',
            quotes: 'a "quoted" \'string\' with \\ backslashes\nnewlines\ttabs and \u2028',
            numbers: [0, -1, 1.5, -2.25e-7, 1e300, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER],
            flags: [true, false, null],
            empty: { object: {}, array: [], string: '' },
            deep: { a: { b: { c: { d: { e: { f: [{ g: ['h'] }] } } } } } },
            '🔑 key with spaces': 'value',
          },
          children: {},
          historyValue: {},
        };
        const record = makeRecord('ünïcødé-🎉', {
          snapshot,
          status: 'failed',
          finishedAt: 2_000,
          error: { name: 'TaskFailed', message: 'could not — ✗', code: 'E_TASK', nonRetryable: true, missing: ['a', 'b'] },
        });
        await store.save({ record, expectedVersion: 0, history: [entry('instance.failed', 2_000, { error: { message: '✗' }, list: [1, { x: null }] })] });
        expect(await store.load('ünïcødé-🎉')).toEqual({ ...record, version: 1 });
        expect(await store.history('ünïcødé-🎉')).toEqual([
          { instanceId: 'ünïcødé-🎉', seq: 1, at: 2_000, type: 'instance.failed', data: { error: { message: '✗' }, list: [1, { x: null }] } },
        ]);
      });

      it('stores a snapshot of about 1 MB', async () => {
        const lines = Array.from({ length: 10_000 }, (_, i) => ({ i, text: `line ${i} ${'x'.repeat(80)} ✓` }));
        const record = makeRecord('big', { snapshot: { context: { lines } } });
        expect(JSON.stringify(record.snapshot).length).toBeGreaterThan(1_000_000);
        await store.save({ record, expectedVersion: 0, history: [] });
        expect(await store.load('big')).toEqual({ ...record, version: 1 });
        const { records } = await store.loadUnfinished();
        expect(records.map((r) => r.instanceId)).toEqual(['big']);
      });
    });
  });
}
