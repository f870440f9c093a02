// Durable workload 8: instances recovered per second after a restart. N flows wait a day on a durable timer in a
// store; the runtime is closed; a new runtime is created on the same data and `start()` brings them all back.
import { performance } from 'node:perf_hooks';
import type { ReactiveSystemRuntime } from '../../src/index.js';
import { median, rotate, settledHeapUsed } from '../measure.js';
import type { CountingStore } from '../workloads/counting-store.js';
import { createDurableRuntime, openStore, startDurableRuntime, WAITING_STATE, waitingSystem, type DurableKind, type StoreSetup } from '../workloads/durable.js';

/** One recovery: the time to a resolved `start()`, the time until its writes are stored too, heap per instance. */
export interface RecoveryRun {
  /** `new ReactiveSystemRuntime(system, { store })`, task registration and `await runtime.start()`. */
  startMs: number;
  /** After start(): until every instance's recovery write is stored, retries of failed ones included. */
  drainMs: number;
  bytesPerInstance: number;
  /** `save` calls per instance, failed ones included. */
  writesPerInstance: number;
  /** Errors the runtime logged: writes that failed (and were retried). */
  errors: number;
  firstError?: string;
}

export interface RecoveryResult {
  kind: DurableKind;
  instances: number;
  /** Creating the waiting instances and storing them (the store's own setting; not a figure of the benchmark). */
  populateMs: number;
  runs: RecoveryRun[];
  recoveredPerSecond: number;
  /** Including the time until recovery's writes are stored. */
  recoveredAndStoredPerSecond: number;
  bytesPerInstance: number;
  writesPerInstance: number;
  /** Over all restarts. */
  errors: number;
  firstError?: string;
}

export interface RecoverySuiteResult {
  instances: number;
  /** Heap per waiting instance of the same flow started in a runtime without a store: what a recovered one is compared with. */
  inMemoryBytesPerInstance: number;
  stores: RecoveryResult[];
}

const ids = (n: number) => Array.from({ length: n }, (_, i) => `waiting-${i}`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Instances started (or copied) at a time when storing the data set. */
const POPULATE_BATCH = 250;

/** Waits until every instance is in the wait step; throws if one is elsewhere after `timeoutMs`. */
async function allWaiting(runtime: ReactiveSystemRuntime, instanceIds: readonly string[], timeoutMs = 120_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const away = instanceIds.find((id) => JSON.stringify(runtime.getActor(id).getSnapshot().value) !== WAITING_STATE);
    if (away === undefined) return;
    if (performance.now() > deadline) throw new Error(`recovery: instance ${away} is in ${JSON.stringify(runtime.getActor(away).getSnapshot().value)}, not waiting`);
    await sleep(20);
  }
}

/**
 * Waits until `n` writes succeeded: every recovered instance writes once (its `instance.recovered` entry). A write
 * that failed is retried by the runtime; `listInstances` alone would not wait for those.
 */
async function allStored(store: CountingStore, n: number, timeoutMs = 120_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (store.stored < n) {
    if (performance.now() > deadline) throw new Error(`recovery: ${store.stored} of ${n} writes stored after ${timeoutMs} ms`);
    await sleep(5);
  }
}

/** Heap per waiting instance without a store. */
async function inMemoryBytes(n: number): Promise<number> {
  const runtime = await startDurableRuntime(waitingSystem, openStore('in-memory', { dir: '', postgres: undefined, schemaPrefix: '', schemas: new Set() }, ''));
  runtime.startFlow('waiting', { i: -1 }, { instanceId: 'warm' });
  const list = ids(n);
  const before = settledHeapUsed();
  for (const [i, instanceId] of list.entries()) runtime.startFlow('waiting', { i }, { instanceId });
  await allWaiting(runtime, list);
  const bytes = (settledHeapUsed() - before) / n;
  runtime.stop();
  return bytes;
}

/**
 * Creates `n` waiting instances in the data `name` through a runtime with a `kind` store, and closes it. In
 * batches: thousands of flows started at once queue thousands of writes for a pool of ten PostgreSQL
 * connections, and those that wait longer than the store's connection timeout fail (to be retried).
 */
export async function populate(kind: DurableKind, setup: StoreSetup, name: string, n: number): Promise<number> {
  const started = performance.now();
  const opened = openStore(kind, setup, name);
  const runtime = await startDurableRuntime(waitingSystem, opened);
  const list = ids(n);
  for (let from = 0; from < n; from += POPULATE_BATCH) {
    const batch = list.slice(from, from + POPULATE_BATCH);
    for (const [i, instanceId] of batch.entries()) runtime.startFlow('waiting', { i: from + i }, { instanceId });
    await allWaiting(runtime, batch);
    await runtime.listInstances({ limit: 1 });
  }
  await runtime.close();
  await opened.dispose();
  if (opened.errors.length > 0) throw new Error(`recovery: storing the waiting instances (${kind}) logged ${opened.errors.length} errors, the first: ${opened.errors[0]}`);
  return performance.now() - started;
}

/**
 * Stores the first `n` waiting instances of `source` in `kind`'s data `name` as they are (snapshot, version 1, no
 * history), without a runtime: much faster than running them there, and recovery reads nothing else.
 */
async function copyInstances(source: { kind: DurableKind; name: string }, kind: DurableKind, setup: StoreSetup, name: string, n: number): Promise<number> {
  const started = performance.now();
  const from = openStore(source.kind, setup, source.name);
  const to = openStore(kind, setup, name);
  const { records } = await (from.store as CountingStore).loadUnfinished();
  await from.store?.close();
  const target = to.store as CountingStore;
  await target.init();
  const copied = records.slice(0, n);
  for (let i = 0; i < copied.length; i += POPULATE_BATCH) {
    await Promise.all(copied.slice(i, i + POPULATE_BATCH).map((record) => target.save({ record, expectedVersion: 0, history: [] })));
  }
  await target.close();
  await to.dispose();
  if (copied.length !== n) throw new Error(`recovery: ${source.kind} holds ${copied.length} waiting instances, ${n} wanted`);
  return performance.now() - started;
}

/** One restart: a new runtime on the data, timed until `start()` resolves and until its writes are stored. */
async function recover(kind: DurableKind, setup: StoreSetup, name: string, n: number): Promise<RecoveryRun> {
  const opened = openStore(kind, setup, name);
  settledHeapUsed();
  const t0 = performance.now();
  const runtime = createDurableRuntime(waitingSystem, opened);
  const constructMs = performance.now() - t0;
  // Heap after construction (compiled machines are per runtime, not per instance); the collection is not timed.
  const heapBefore = settledHeapUsed();
  const t1 = performance.now();
  const report = await runtime.start();
  const startMs = constructMs + performance.now() - t1;
  const t2 = performance.now();
  await allStored(opened.store as CountingStore, n);
  await runtime.listInstances({ limit: 1 });
  const drainMs = performance.now() - t2;
  const bytesPerInstance = (settledHeapUsed() - heapBefore) / n;
  if (report.recovered.length !== n || report.unreadable.length > 0 || report.needsMigration.length > 0) {
    throw new Error(`recovery ${kind}: recovered ${report.recovered.length} of ${n}, ${report.unreadable.length} unreadable, ${report.needsMigration.length} need migration`);
  }
  await allWaiting(runtime, ids(n), 0);
  const writesPerInstance = (opened.store?.saves ?? 0) / n;
  await runtime.close();
  await opened.dispose();
  const [firstError] = opened.errors;
  return { startMs, drainMs, bytesPerInstance, writesPerInstance, errors: opened.errors.length, ...(firstError === undefined ? {} : { firstError }) };
}

/** One data set and the kinds that recover from it; `copyFrom` fills it from an earlier group's data instead of a runtime. */
export interface RecoveryGroup {
  name: string;
  kinds: readonly DurableKind[];
  instances: number;
  copyFrom?: { kind: DurableKind; name: string };
}

/**
 * For each data set (a SQLite file, a PostgreSQL schema): populates it once, then restarts on it `repeats`
 * times per kind that reads it (SQLite NORMAL and FULL on the same file), kinds in rotated order.
 */
export async function runRecoverySuite(
  groups: ReadonlyArray<RecoveryGroup>,
  setup: StoreSetup,
  repeats: number,
  instances: number,
  log: (line: string) => void,
): Promise<RecoverySuiteResult> {
  const inMemoryBytesPerInstance = await inMemoryBytes(instances);
  log(`  recovery: in-memory waiting instance ${Math.round(inMemoryBytesPerInstance).toLocaleString('en-US')} B`);
  const stores: RecoveryResult[] = [];
  for (const group of groups) {
    const [first] = group.kinds;
    if (first === undefined) continue;
    const populateMs = group.copyFrom
      ? await copyInstances(group.copyFrom, first, setup, group.name, group.instances)
      : await populate(first, setup, group.name, group.instances);
    const how = group.copyFrom ? `copied from ${group.copyFrom.kind} into ${first}` : `stored through ${first}`;
    log(`  recovery: ${group.instances.toLocaleString('en-US')} waiting instances ${how} in ${(populateMs / 1000).toFixed(1)} s`);
    const runs = new Map<DurableKind, RecoveryRun[]>(group.kinds.map((kind) => [kind, []]));
    for (let rep = 0; rep < repeats; rep++) {
      for (const kind of rotate(group.kinds, rep)) {
        const run = await recover(kind, setup, group.name, group.instances);
        runs.get(kind)?.push(run);
        const rate = (group.instances * 1000) / run.startMs;
        const errors = run.errors === 0 ? '' : `; ${run.errors} errors logged, the first: ${run.firstError ?? ''}`;
        log(`  [${rep + 1}/${repeats}] recovery ${kind.padEnd(14)} ${Math.round(rate).toLocaleString('en-US')} instances/s (start ${Math.round(run.startMs)} ms, then writes ${Math.round(run.drainMs)} ms), ${Math.round(run.bytesPerInstance).toLocaleString('en-US')} B/instance${errors}`);
      }
    }
    for (const kind of group.kinds) {
      const list = runs.get(kind) ?? [];
      const firstError = list.find((run) => run.firstError !== undefined)?.firstError;
      stores.push({
        kind,
        instances: group.instances,
        populateMs,
        runs: list,
        recoveredPerSecond: median(list.map((run) => (group.instances * 1000) / run.startMs)),
        recoveredAndStoredPerSecond: median(list.map((run) => (group.instances * 1000) / (run.startMs + run.drainMs))),
        bytesPerInstance: median(list.map((run) => run.bytesPerInstance)),
        writesPerInstance: median(list.map((run) => run.writesPerInstance)),
        errors: list.reduce((sum, run) => sum + run.errors, 0),
        ...(firstError === undefined ? {} : { firstError }),
      });
    }
  }
  return { instances, inMemoryBytesPerInstance, stores };
}
