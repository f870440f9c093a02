// Durable workload 7: workload 1's 10-step flow through a runtime with each store, flows/s measured interleaved
// with the in-memory runtime (no store), so every store's figure is a ratio to in-memory in the same run.
import { deepStrictEqual } from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import type { BenchConfig } from '../config.js';
import { measureAsync, measureInterleaved, median } from '../measure.js';
import { durableRunner, type DurableKind, type DurableRunner, type OpenedStore } from '../workloads/durable.js';
import { sequentialWorkload } from '../workloads/sequential.js';
import { taskCalls } from '../workloads/tasks.js';

type PerKind<T> = Partial<Record<DurableKind, T>>;

export interface DurableFlowResult {
  /** Kinds measured, in the order of the report. */
  kinds: DurableKind[];
  /** flows/s of each repetition. */
  runs: PerKind<number[]>;
  flowsPerSecond: PerKind<number>;
  /** Median over repetitions of kind / in-memory within the repetition. */
  ratioToInMemory: PerKind<number>;
  ratioToMemoryStore: PerKind<number>;
  /** Store writes (`save` calls) per flow, over every flow run. */
  writesPerFlow: PerKind<number>;
  /** What a write costs over the in-memory runtime: (1 / flows/s − 1 / in-memory flows/s) / writes per flow, in µs. */
  usPerWrite: PerKind<number>;
  /** `usPerWrite` of the store that stores nothing: the runtime's side of a write (snapshot, history, events, scheduling). */
  runtimeUsPerWrite: number;
  /** SQLite file + WAL bytes per flow run, after the run. */
  diskBytesPerFlow: PerKind<number>;
  historyEntriesPerFlow: number;
  /** JSON length of the written snapshots: mean over a flow's writes, and the last (the completed flow's). */
  snapshotBytes: { mean: number; last: number };
  /** What serialising a snapshot costs (the store does it once per write), and a full JSON copy for comparison. */
  jsonRoundTrip: { usPerWrite: number; usPerFlow: number; stringifyUsPerWrite: number };
}

/** Four flows per kind: the output, the task calls, and in the store the instance completed with one version per write. */
async function check(runner: DurableRunner, opened: OpenedStore): Promise<void> {
  const calls = taskCalls();
  for (let i = 0; i < 4; i++) {
    const saves = opened.store?.saves ?? 0;
    deepStrictEqual(await runner.run(i), sequentialWorkload.expected(i), `durable ${opened.kind}: flow ${i} produced an unexpected output`);
    if (!opened.store) continue;
    const written = opened.store.saves - saves;
    // Nothing is kept to read back: the flow must still have been written, at least once per step.
    if (opened.kind === 'discarding') {
      if (written < sequentialWorkload.taskCallsPerFlow) throw new Error(`durable ${opened.kind}: flow ${i} made ${written} writes, expected one per step at least`);
      continue;
    }
    const id = runner.lastInstanceId() as string;
    // getInstance waits for the instance's pending writes, then reads the store.
    const stored = await runner.runtime.getInstance(id);
    if (stored.status !== 'completed' || stored.version !== written) {
      throw new Error(`durable ${opened.kind}: instance ${id} is stored ${stored.status} at version ${stored.version} after ${written} writes`);
    }
  }
  if (opened.errors.length > 0) throw new Error(`durable ${opened.kind}: the runtime logged errors: ${opened.errors[0]}`);
  const made = taskCalls() - calls;
  if (made !== 4 * sequentialWorkload.taskCallsPerFlow) throw new Error(`durable ${opened.kind}: 4 flows made ${made} task calls, expected ${4 * sequentialWorkload.taskCallsPerFlow}`);
}

/** µs per call of `work` over `items`, for about `ms`. */
function timePerItem(items: readonly unknown[], work: (item: unknown) => unknown, ms: number): number {
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < ms) {
    for (const item of items) work(item);
    n += items.length;
  }
  return ((performance.now() - start) * 1000) / n;
}

/** Sizes of the snapshots written during the check, and what copying and serialising one costs. */
function snapshotFigures(opened: readonly OpenedStore[], sampleFlows: number, writesPerFlow: number): Pick<DurableFlowResult, 'snapshotBytes' | 'jsonRoundTrip'> {
  const samples = opened.find((o) => o.store && o.store.sampledSnapshots.length > 0)?.store?.sampledSnapshots ?? [];
  const sizes = samples.map((snapshot) => JSON.stringify(snapshot).length);
  const perFlow = sizes.length / Math.max(1, sampleFlows);
  const usPerWrite = samples.length ? timePerItem(samples, (s) => JSON.parse(JSON.stringify(s)), 300) : Number.NaN;
  return {
    snapshotBytes: { mean: sizes.reduce((a, b) => a + b, 0) / Math.max(1, sizes.length), last: sizes[Math.round(perFlow) - 1] ?? Number.NaN },
    jsonRoundTrip: {
      usPerWrite,
      usPerFlow: usPerWrite * writesPerFlow,
      stringifyUsPerWrite: samples.length ? timePerItem(samples, (s) => JSON.stringify(s), 300) : Number.NaN,
    },
  };
}

/**
 * Checks each kind, warms it up, then measures all kinds interleaved (`measureInterleaved`) `config.repeats`
 * times. The runtimes stay open for the caller to close (`runner.runtime.close()`).
 */
export async function runDurableFlowSuite(opened: readonly OpenedStore[], config: BenchConfig, log: (line: string) => void): Promise<{ result: DurableFlowResult; runners: DurableRunner[] }> {
  const runners: DurableRunner[] = [];
  const sampleFlows = 4;
  for (const store of opened) {
    const runner = await durableRunner(store);
    runners.push(runner);
    if (store.store && !opened.some((o) => o !== store && o.store?.sampling)) store.store.sampling = true;
    await check(runner, store);
    if (store.store) store.store.sampling = false;
    await measureAsync(runner.run, config.warmupMs);
  }
  const kinds = opened.map((o) => o.kind);
  const byKind = new Map(kinds.map((kind, i) => [kind, runners[i] as DurableRunner]));
  const runs: PerKind<number[]> = Object.fromEntries(kinds.map((kind) => [kind, []]));
  for (let rep = 0; rep < config.repeats; rep++) {
    const samples = await measureInterleaved(kinds, (kind, ms) => measureAsync((byKind.get(kind) as DurableRunner).run, ms), config.budgetMs, config.sliceMs);
    for (const kind of kinds) runs[kind]?.push(samples[kind].perSecond);
    log(`  [${rep + 1}/${config.repeats}] durable flows/s: ${kinds.map((kind) => `${kind} ${Math.round(samples[kind].perSecond).toLocaleString('en-US')}`).join(', ')}`);
  }
  const paired = (kind: DurableKind, base: DurableKind) => {
    const a = runs[kind] ?? [];
    const b = runs[base];
    return b ? median(a.map((x, r) => x / (b[r] ?? Number.NaN))) : Number.NaN;
  };
  const result: Omit<DurableFlowResult, 'snapshotBytes' | 'jsonRoundTrip'> = {
    kinds,
    runs,
    flowsPerSecond: {},
    ratioToInMemory: {},
    ratioToMemoryStore: {},
    writesPerFlow: {},
    usPerWrite: {},
    diskBytesPerFlow: {},
    historyEntriesPerFlow: Number.NaN,
    runtimeUsPerWrite: Number.NaN,
  };
  const base = median(runs['in-memory'] ?? []);
  for (const [i, store] of opened.entries()) {
    const { kind } = store;
    const runner = runners[i] as DurableRunner;
    const fps = median(runs[kind] ?? []);
    result.flowsPerSecond[kind] = fps;
    result.ratioToInMemory[kind] = paired(kind, 'in-memory');
    result.ratioToMemoryStore[kind] = paired(kind, 'memory');
    if (!store.store) continue;
    const writes = store.store.saves / runner.flows();
    result.writesPerFlow[kind] = writes;
    result.usPerWrite[kind] = ((1 / fps - 1 / base) * 1e6) / writes;
    if (Number.isNaN(result.historyEntriesPerFlow)) result.historyEntriesPerFlow = store.store.historyEntries / runner.flows();
  }
  result.runtimeUsPerWrite = result.usPerWrite.discarding ?? Number.NaN;
  const writes = result.writesPerFlow.memory ?? Object.values(result.writesPerFlow)[0] ?? Number.NaN;
  return { result: { ...result, ...snapshotFigures(opened, sampleFlows, writes) }, runners };
}

/** Closes the runtimes (pending writes first), then records SQLite bytes on disk per flow run. */
export async function closeDurableRunners(result: DurableFlowResult, opened: readonly OpenedStore[], runners: readonly DurableRunner[]): Promise<void> {
  for (const [i, store] of opened.entries()) {
    const runner = runners[i] as DurableRunner;
    await runner.runtime.close();
    if (store.errors.length > 0) throw new Error(`durable ${store.kind}: the runtime logged ${store.errors.length} errors, the first: ${store.errors[0]}`);
    const bytes = store.diskBytes();
    if (bytes !== undefined) result.diskBytesPerFlow[store.kind] = bytes / runner.flows();
  }
}
