// SqliteStore's options: typed input, defaults in one place, durations normalised to milliseconds once.
import type { Duration } from '../dsl/duration-syntax.js';
import { UsageError } from '../errors.js';
import { resolveTimeOption } from './time-option.js';

/** How a `SqliteStore` opens its database. */
export interface SqliteStoreOptions {
  /**
   * SQLite's `synchronous` setting (the journal is always WAL).
   * - `'FULL'`: every commit is synced to disk before `save` resolves; nothing resolved is lost on power failure.
   * - `'NORMAL'`: commits are synced at checkpoints only; a process crash loses nothing, but a power failure or OS
   *   crash may roll back the last commits (the file stays consistent). Faster writes; the runtime re-runs the
   *   lost steps (at-least-once).
   * @default 'FULL'
   */
  synchronous?: 'NORMAL' | 'FULL';
  /**
   * How long an operation waits for another connection's lock before failing with `STORE_UNAVAILABLE`:
   * milliseconds or a duration string (`'5s'`), a whole number of milliseconds, 0 for not at all.
   * @default '5s'
   */
  busyTimeout?: Duration;
  /** `busyTimeout` in milliseconds; give one of the two. @default 5000 */
  busyTimeoutMs?: number;
}

/** `SqliteStoreOptions` with every default applied and durations in milliseconds. */
export interface ResolvedSqliteStoreOptions {
  readonly synchronous: 'NORMAL' | 'FULL';
  readonly busyTimeoutMs: number;
}

/** The defaults of `SqliteStoreOptions`. */
export const SQLITE_STORE_DEFAULTS: ResolvedSqliteStoreOptions = { synchronous: 'FULL', busyTimeoutMs: 5_000 };

/**
 * Applies the defaults and checks the options, in one place.
 * @throws UsageError (`INVALID_OPTION`) naming the option that is wrong.
 */
export function resolveSqliteStoreOptions(options: SqliteStoreOptions = {}): ResolvedSqliteStoreOptions {
  const synchronous = options.synchronous ?? SQLITE_STORE_DEFAULTS.synchronous;
  if (synchronous !== 'FULL' && synchronous !== 'NORMAL') {
    throw new UsageError(`SqliteStore: options.synchronous must be 'FULL' or 'NORMAL', got ${JSON.stringify(synchronous)}`, 'INVALID_OPTION');
  }
  const busyTimeoutMs = resolveTimeOption(
    { duration: options.busyTimeout, ms: options.busyTimeoutMs },
    { owner: 'SqliteStore', name: 'busyTimeout', defaultMs: SQLITE_STORE_DEFAULTS.busyTimeoutMs, allowZero: true },
  );
  return { synchronous, busyTimeoutMs };
}
