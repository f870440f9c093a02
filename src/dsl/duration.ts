import { SystemValidationError, type ValidationIssue } from '../errors.js';
import { DURATION_PATTERN, type Duration } from './duration-syntax.js';

/** A delay key of `after` may also be plain milliseconds, since object keys are strings (`'1000'`). */
const MILLISECONDS_KEY = /^\d+(\.\d+)?$/;

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const satisfies Record<string, number>;
type Unit = keyof typeof UNIT_MS;

const EXPECTED = 'expected milliseconds as a number, or a string such as 250ms, 30s, 5m, 2h or 1d';

/** Milliseconds of a duration, or a sentence that says what is wrong with it. */
function measure(value: unknown): number | string {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return `Invalid duration ${String(value)}: ${EXPECTED}`;
    if (value < 0) return `Invalid duration ${value}: a duration cannot be negative`;
    return value;
  }
  if (typeof value === 'string') {
    const match = DURATION_PATTERN.exec(value);
    if (!match) return `Invalid duration ${JSON.stringify(value)}: ${EXPECTED}`;
    const unit = match[2] as Unit;
    return Number.parseFloat(value.slice(0, value.length - unit.length)) * UNIT_MS[unit];
  }
  const found = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
  return `Invalid duration: ${EXPECTED}; found ${found}`;
}

/**
 * Milliseconds of a duration: a number of milliseconds, or `'250ms' | '30s' | '5m' | '2h' | '1d'`
 * (decimals allowed: `'1.5s'` is 1500).
 * @throws SystemValidationError (code `SYSTEM_INVALID`, one issue `invalid_duration`) when it is not a duration.
 */
export function parseDuration(d: Duration, path = ''): number {
  const result = measure(d);
  if (typeof result === 'string') throw new SystemValidationError([{ path, code: 'invalid_duration', message: result }], 'The duration');
  return result;
}

/** The problem of a value that should be a duration, or undefined when it is one. */
export function durationIssue(value: unknown, path: string): ValidationIssue | undefined {
  const result = measure(value);
  return typeof result === 'string' ? { path, code: 'invalid_duration', message: result } : undefined;
}

/** Milliseconds of a delay key of `after`: a duration string, or plain milliseconds (`'1000'`). */
export function parseDelayKey(key: string, path = ''): number {
  return MILLISECONDS_KEY.test(key) ? Number.parseFloat(key) : parseDuration(key, path);
}

/** The problem of a delay key of `after`, or undefined when it is one. */
export function delayKeyIssue(key: string, path: string): ValidationIssue | undefined {
  return MILLISECONDS_KEY.test(key) ? undefined : durationIssue(key, path);
}
