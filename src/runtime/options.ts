import type { InspectionEvent, Observer } from 'xstate';
import { systemClock, type Clock } from '../../machines/clock.js';
import { parseDuration } from '../dsl/duration.js';
import type { Duration } from '../dsl/schema.js';
import type { SnapshotStore } from '../persistence/store.js';
import { UsageError } from '../errors.js';

export type { Clock };

export interface RuntimeLogger {
  debug(message: string, meta?: Record<string, unknown>): void;
  info(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
  error(message: string, meta?: Record<string, unknown>): void;
}

export interface RuntimeOptions {
  /** Drives every timer (waits, backoff, timeouts, `after`). Pass XState's `SimulatedClock` in tests. @default the real clock */
  clock?: Clock;
  /** Handed to every actor the runtime creates, as XState's `inspect` option. @default none */
  inspect?: Observer<InspectionEvent> | ((event: InspectionEvent) => void);
  /** @default warnings and errors to the console */
  logger?: Partial<RuntimeLogger>;
  /** Randomness for backoff jitter. @default Math.random */
  random?: () => number;
  /**
   * Makes every flow and process instance durable: persisted after every macrostep, recovered by `start()`.
   * @default none: instances live in memory only
   */
  store?: SnapshotStore;
  /**
   * How long finished instances stay readable. With a store, rows older than `age` are removed by `start()` and
   * `purgeFinished()` (`count` does not apply: the rows are the record). Without a store, a finished instance's
   * actor is let go and a small summary stays (status, final state, context or result, finish time): at most
   * `count` of them, none older than `age`. A Duration alone is `{ age }`.
   * @default with a store: rows kept forever; without: `{ count: 10_000, age: '7d' }`
   */
  retention?: Duration | { age?: Duration; count?: number };
  /** With a store: waits between attempts to write while the store is unavailable. @default { initialDelay: 100, maxDelay: 5000 } */
  storeRetry?: { initialDelay?: Duration; maxDelay?: Duration };
  /** With a store: writes in flight at once; keep it under the database pool's size. @default 8 */
  storeConcurrency?: number;
}

export interface ResolvedRuntimeOptions {
  clock: Clock;
  inspect: RuntimeOptions['inspect'];
  logger: RuntimeLogger;
  random: () => number;
  store: SnapshotStore | undefined;
  /** With a store: the age of finished rows that `start()` and `purgeFinished()` remove. */
  retentionMs: number | undefined;
  /** Summaries of finished instances kept in memory (without a store, and for a store host's finished processes). */
  finished: { count: number; ageMs: number | undefined };
  storeRetry: { initialDelayMs: number; maxDelayMs: number };
  storeConcurrency: number;
}

const silent = () => undefined;

/** Applies the defaults, in one place. */
export function resolveRuntimeOptions(options: RuntimeOptions = {}): ResolvedRuntimeOptions {
  const logger = options.logger ?? {};
  return {
    clock: options.clock ?? systemClock,
    inspect: options.inspect,
    logger: {
      debug: logger.debug ?? silent,
      info: logger.info ?? silent,
      warn: logger.warn ?? ((message, meta) => console.warn(`[runtime-core] ${message}`, meta ?? '')),
      error: logger.error ?? ((message, meta) => console.error(`[runtime-core] ${message}`, meta ?? '')),
    },
    random: options.random ?? Math.random,
    store: options.store,
    ...resolveRetention(options),
    storeConcurrency: positiveInteger(options.storeConcurrency ?? 8, 'options.storeConcurrency'),
    storeRetry: {
      initialDelayMs: options.storeRetry?.initialDelay === undefined ? 100 : parseDuration(options.storeRetry.initialDelay, 'options.storeRetry.initialDelay'),
      maxDelayMs: options.storeRetry?.maxDelay === undefined ? 5000 : parseDuration(options.storeRetry.maxDelay, 'options.storeRetry.maxDelay'),
    },
  };
}

const DEFAULT_FINISHED_COUNT = 10_000;
const DEFAULT_FINISHED_AGE_MS = 7 * 24 * 60 * 60_000;

/** `retention` as a Duration or `{ age, count }`; the defaults differ with and without a store. */
function resolveRetention(options: RuntimeOptions): Pick<ResolvedRuntimeOptions, 'retentionMs' | 'finished'> {
  const given = options.retention;
  const { age, count } = given !== undefined && typeof given === 'object' ? given : { age: given, count: undefined };
  const where = given !== undefined && typeof given === 'object' ? 'options.retention.age' : 'options.retention';
  const ageMs = age === undefined ? undefined : parseDuration(age, where);
  if (count !== undefined && (!Number.isInteger(count) || count < 0)) throw new UsageError(`options.retention.count must be a non-negative integer, got ${String(count)}`, 'INVALID_OPTION');
  if (options.store) return { retentionMs: ageMs, finished: { count: count ?? DEFAULT_FINISHED_COUNT, ageMs } };
  return { retentionMs: ageMs, finished: { count: count ?? DEFAULT_FINISHED_COUNT, ageMs: ageMs ?? DEFAULT_FINISHED_AGE_MS } };
}

function positiveInteger(value: number, path: string): number {
  if (!Number.isInteger(value) || value < 1) throw new UsageError(`${path} must be a positive integer, got ${String(value)}`, 'INVALID_OPTION');
  return value;
}
