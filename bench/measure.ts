// Timing and heap primitives of the benchmark: warm-up, a fixed time budget, medians, forced GC.
import { performance } from 'node:perf_hooks';

/** One timed run: how many operations fitted in the budget. */
export interface Sample {
  ops: number;
  elapsedMs: number;
  perSecond: number;
}

const sample = (ops: number, elapsedMs: number): Sample => ({ ops, elapsedMs, perSecond: (ops * 1000) / elapsedMs });

/**
 * Runs `run` sequentially (each call awaited before the next starts) until `budgetMs` has passed.
 * The clock is read after every call, so the overshoot is at most one operation.
 */
export async function measureAsync(run: (i: number) => Promise<unknown>, budgetMs: number): Promise<Sample> {
  forceGc();
  let ops = 0;
  const start = performance.now();
  let now = start;
  while (now - start < budgetMs) {
    await run(ops++);
    now = performance.now();
  }
  return sample(ops, now - start);
}

/**
 * Keeps `inFlight` calls of `run` going at once until `budgetMs` has passed: whenever one settles, the next
 * starts. Then it starts no more and waits for those still running, which count (and so does the wait), so
 * every operation started is timed to its end. A rejection ends the measurement with that error.
 */
export async function measureInFlight(run: (i: number) => Promise<unknown>, budgetMs: number, inFlight: number): Promise<Sample> {
  forceGc();
  let ops = 0;
  const start = performance.now();
  // One lane per flow in flight: each lane runs its flows one after the other, so `inFlight` are running at any time.
  const lane = async () => {
    while (performance.now() - start < budgetMs) await run(ops++);
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
  return sample(ops, performance.now() - start);
}

/** Like `measureAsync` for synchronous operations, reading the clock once per `batch` calls. */
export function measureSync(run: (i: number) => void, budgetMs: number, batch = 1000): Sample {
  forceGc();
  let ops = 0;
  const start = performance.now();
  let now = start;
  while (now - start < budgetMs) {
    for (let end = ops + batch; ops < end; ops++) run(ops);
    now = performance.now();
  }
  return sample(ops, now - start);
}

/**
 * Measures several implementations against one another: each gets `budgetMs` in all, in slices of
 * `sliceMs` taken in turn (A B C A B C …), so a burst of load from elsewhere on the machine falls on all of
 * them alike. `measure(key, ms)` times one slice (and may collect garbage first, untimed).
 */
export async function measureInterleaved<K extends string>(
  keys: readonly K[],
  measure: (key: K, sliceMs: number) => Sample | Promise<Sample>,
  budgetMs: number,
  sliceMs: number,
): Promise<Record<K, Sample>> {
  const totals = Object.fromEntries(keys.map((key) => [key, { ops: 0, elapsedMs: 0 }])) as Record<K, { ops: number; elapsedMs: number }>;
  const slices = Math.max(1, Math.round(budgetMs / sliceMs));
  for (let i = 0; i < slices; i++) {
    for (const key of rotate(keys, i)) {
      const slice = await measure(key, budgetMs / slices);
      totals[key].ops += slice.ops;
      totals[key].elapsedMs += slice.elapsedMs;
    }
  }
  return Object.fromEntries(keys.map((key) => [key, sample(totals[key].ops, totals[key].elapsedMs)])) as Record<K, Sample>;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** `[a, b, c]` rotated by `by`: repetition r starts with a different implementation, so none always goes first. */
export function rotate<T>(items: readonly T[], by: number): T[] {
  const k = items.length === 0 ? 0 : by % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

type Gc = () => void;
const gc = (globalThis as { gc?: Gc }).gc;

/** Whether `node --expose-gc` is on: heap figures are only trustworthy when it is. */
export const gcExposed = typeof gc === 'function';

/** Collects garbage (twice: the second pass frees what finalisers of the first released). No-op without --expose-gc. */
export function forceGc(): void {
  if (!gc) return;
  gc();
  gc();
}

/** Heap in use after a forced collection. */
export function settledHeapUsed(): number {
  forceGc();
  return process.memoryUsage().heapUsed;
}
