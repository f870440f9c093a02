// A store's time option, given as a `Duration` (`busyTimeout: '5s'`) or in milliseconds (`busyTimeoutMs: 5000`).
import { durationIssue, parseDuration } from '../dsl/duration.js';
import type { Duration } from '../dsl/duration-syntax.js';
import { UsageError } from '../errors.js';

/** The two spellings of one time option, as the caller gave them. */
export interface TimeOptionInput {
  /** The `Duration` form: `name`. */
  readonly duration: Duration | undefined;
  /** The milliseconds form: `${name}Ms`. */
  readonly ms: number | undefined;
}

/** How a store checks one time option. */
export interface TimeOptionRule {
  /** The class whose option it is, for messages: `SqliteStore`. */
  readonly owner: string;
  /** The option's name in its `Duration` form: `busyTimeout` (the milliseconds form is `busyTimeoutMs`). */
  readonly name: string;
  readonly defaultMs: number;
  /** Whether 0 is allowed (it means "do not wait"). */
  readonly allowZero: boolean;
}

/**
 * Milliseconds of a time option, checked once: a whole number of milliseconds, positive unless `allowZero`.
 * @throws UsageError (`INVALID_OPTION`) naming the option, when both forms are given or the value is not one.
 */
export function resolveTimeOption(given: TimeOptionInput, rule: TimeOptionRule): number {
  const { owner, name, allowZero } = rule;
  const expected = allowZero ? 'non-negative' : 'positive';
  if (given.duration !== undefined && given.ms !== undefined) {
    throw new UsageError(`${owner}: give options.${name} or options.${name}Ms, not both`, 'INVALID_OPTION');
  }
  if (given.ms !== undefined) {
    if (!isWholeMs(given.ms, allowZero)) throw new UsageError(`${owner}: options.${name}Ms must be a ${expected} integer, got ${String(given.ms)}`, 'INVALID_OPTION');
    return given.ms;
  }
  if (given.duration === undefined) return rule.defaultMs;
  const issue = durationIssue(given.duration, `options.${name}`);
  if (issue !== undefined) throw new UsageError(`${owner}: options.${name}: ${issue.message}`, 'INVALID_OPTION');
  const ms = parseDuration(given.duration);
  if (!isWholeMs(ms, allowZero)) {
    throw new UsageError(`${owner}: options.${name} must be a ${expected} whole number of milliseconds, got ${JSON.stringify(given.duration)} (${ms}ms)`, 'INVALID_OPTION');
  }
  return ms;
}

const isWholeMs = (value: unknown, allowZero: boolean): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && (allowZero ? value >= 0 : value > 0);
