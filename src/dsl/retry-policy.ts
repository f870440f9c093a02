import { SystemValidationError, type ValidationIssue } from '../errors.js';
import { durationIssue, parseDuration } from './duration.js';
import type { BackoffKind, Duration, RetryPolicy } from './schema.js';

/** A retry policy with every default applied and durations in milliseconds. JSON-serialisable. */
export interface CompiledRetryPolicy {
  /** Attempts in all, the first included. @default 1 */
  maxAttempts: number;
  /** @default 1000 */
  initialDelayMs: number;
  /** @default 'exponential' */
  backoff: BackoffKind;
  /** @default 2 */
  multiplier: number;
  /** Upper bound of any one delay; absent when there is none (not `Infinity`, which JSON turns into null). @default absent */
  maxDelayMs?: number;
  /** @default 'none' */
  jitter: 'none' | 'full';
  /** @default [] */
  nonRetryable: string[];
}

/** The defaults of every retry policy, in one place. */
export const RETRY_DEFAULTS: Readonly<Required<Omit<RetryPolicy, 'maxDelay'>>> = Object.freeze({
  maxAttempts: 1,
  initialDelay: '1s',
  backoff: 'exponential',
  multiplier: 2,
  jitter: 'none',
  nonRetryable: [],
});

/** Beyond this, a policy is a mistake rather than a plan. */
export const MAX_RETRY_ATTEMPTS = 1000;

/** Fields that only matter when there is a retry. */
const RETRY_OPTIONS = ['initialDelay', 'backoff', 'multiplier', 'maxDelay', 'jitter', 'nonRetryable'] as const;

/** The fields `policy` sets, without the keys whose value is undefined. */
function definedFields(policy: RetryPolicy | undefined): RetryPolicy {
  if (!policy) return {};
  return Object.fromEntries(Object.entries(policy).filter(([, value]) => value !== undefined)) as RetryPolicy;
}

/**
 * Applies the defaults and turns durations into milliseconds. `override` (a step's retry) replaces the fields of
 * `policy` (its task's retry) one by one.
 * @throws SystemValidationError when a merged field cannot be used (a bad duration, maxAttempts below 1, multiplier below 1).
 */
export function compileRetryPolicy(policy?: RetryPolicy, override?: RetryPolicy, path = 'retry'): CompiledRetryPolicy {
  const merged = { ...RETRY_DEFAULTS, ...definedFields(policy), ...definedFields(override) };
  const unusable = retryPolicyIssues(merged, path).filter((issue) => UNUSABLE_CODES.has(issue.code));
  if (unusable.length > 0) throw new SystemValidationError(unusable, 'The retry policy');
  const compiled = {
    maxAttempts: merged.maxAttempts,
    initialDelayMs: parseDuration(merged.initialDelay, `${path}.initialDelay`),
    backoff: merged.backoff,
    multiplier: merged.multiplier,
    jitter: merged.jitter,
    nonRetryable: [...merged.nonRetryable],
  };
  return merged.maxDelay === undefined
    ? compiled
    : { ...compiled, maxDelayMs: parseDuration(merged.maxDelay, `${path}.maxDelay`) };
}

/** Codes of problems that make a policy impossible to run, not merely pointless. */
const UNUSABLE_CODES = new Set(['invalid_duration', 'invalid_max_attempts', 'invalid_multiplier']);

/**
 * Problems of a retry policy that parses but makes no sense. When `policy` overrides `inherited` (a task step's
 * retry over its task's), the merged policy is judged, and only what `policy` itself sets is blamed.
 *
 * Codes: `invalid_duration`, `invalid_max_attempts` (not an integer ≥ 1), `too_many_attempts` (> 1000),
 * `invalid_multiplier` (< 1), `multiplier_without_exponential`, `max_delay_below_initial_delay`,
 * `retry_without_attempts` (retry options while maxAttempts is 1).
 */
export function retryPolicyIssues(policy: RetryPolicy, path: string, inherited?: RetryPolicy): ValidationIssue[] {
  const own = definedFields(policy);
  const merged: RetryPolicy = { ...definedFields(inherited), ...own };
  const issues: ValidationIssue[] = [];
  const at = (field: keyof RetryPolicy) => `${path}.${field}`;
  const report = (field: keyof RetryPolicy, code: string, message: string) => issues.push({ path: at(field), code, message });

  for (const field of ['initialDelay', 'maxDelay'] as const) {
    const issue = own[field] === undefined ? undefined : durationIssue(own[field], at(field));
    if (issue) issues.push(issue);
  }
  const { maxAttempts } = own;
  if (maxAttempts !== undefined && !(Number.isInteger(maxAttempts) && maxAttempts >= 1)) {
    report('maxAttempts', 'invalid_max_attempts', `maxAttempts counts the first attempt and must be an integer ≥ 1, found ${maxAttempts}`);
  } else if (maxAttempts !== undefined && maxAttempts > MAX_RETRY_ATTEMPTS) {
    report('maxAttempts', 'too_many_attempts', `maxAttempts may be at most ${MAX_RETRY_ATTEMPTS}, found ${maxAttempts}; retrying for ever is better done with a flow`);
  }
  if (own.multiplier !== undefined && !(own.multiplier >= 1 && Number.isFinite(own.multiplier))) {
    report('multiplier', 'invalid_multiplier', `multiplier must be a finite number ≥ 1 (delays must not shrink), found ${own.multiplier}`);
  }

  const backoff = merged.backoff ?? RETRY_DEFAULTS.backoff;
  if (merged.multiplier !== undefined && backoff !== 'exponential' && (own.multiplier !== undefined || own.backoff !== undefined)) {
    report(
      own.multiplier !== undefined ? 'multiplier' : 'backoff',
      'multiplier_without_exponential',
      `multiplier only applies to exponential backoff, but backoff is '${backoff}'; remove multiplier or use backoff 'exponential'`,
    );
  }

  const initial = millisecondsOrUndefined(merged.initialDelay ?? RETRY_DEFAULTS.initialDelay);
  const max = millisecondsOrUndefined(merged.maxDelay);
  if (initial !== undefined && max !== undefined && max < initial && (own.maxDelay !== undefined || own.initialDelay !== undefined)) {
    const initialText = merged.initialDelay === undefined ? `the default initialDelay ${RETRY_DEFAULTS.initialDelay}` : `initialDelay ${String(merged.initialDelay)}`;
    report(
      own.maxDelay !== undefined ? 'maxDelay' : 'initialDelay',
      'max_delay_below_initial_delay',
      `maxDelay ${String(merged.maxDelay)} is shorter than ${initialText}, so no delay could respect both`,
    );
  }

  const options = RETRY_OPTIONS.filter((field) => own[field] !== undefined);
  if ((merged.maxAttempts ?? RETRY_DEFAULTS.maxAttempts) === 1 && options.length > 0) {
    const why = merged.maxAttempts === undefined ? 'maxAttempts is 1 by default' : 'maxAttempts is 1';
    issues.push({
      path,
      code: 'retry_without_attempts',
      message: `${options.join(', ')} ${options.length === 1 ? 'has' : 'have'} no effect: ${why}, so nothing is ever retried; set maxAttempts above 1 or remove ${options.length === 1 ? 'it' : 'them'}`,
    });
  }
  return issues;
}

function millisecondsOrUndefined(value: Duration | undefined): number | undefined {
  return value === undefined || durationIssue(value, '') ? undefined : parseDuration(value);
}

/** Delays are clamped here so that the result is always a finite number a timer can use. */
const LONGEST_DELAY_MS = Number.MAX_SAFE_INTEGER;

/**
 * Milliseconds to wait before retry `retryNumber` (1 for the first retry, i.e. the second attempt):
 * `initialDelay × multiplier^(k−1)` for exponential backoff, `initialDelay` for fixed, `initialDelay × k` for
 * linear, capped by `maxDelayMs`; with `jitter: 'full'`, a uniform random time in [0, that].
 */
export function retryDelayMs(policy: CompiledRetryPolicy, retryNumber: number, random: () => number = Math.random): number {
  if (!Number.isInteger(retryNumber) || retryNumber < 1) {
    throw new RangeError(`retryNumber counts retries from 1 (the second attempt), found ${retryNumber}`);
  }
  const uncapped = DELAY_BY_BACKOFF[policy.backoff](policy, retryNumber);
  const delay = Math.min(uncapped, policy.maxDelayMs ?? LONGEST_DELAY_MS, LONGEST_DELAY_MS);
  return policy.jitter === 'full' ? random() * delay : delay;
}

const DELAY_BY_BACKOFF: Record<BackoffKind, (policy: CompiledRetryPolicy, retryNumber: number) => number> = {
  exponential: (policy, k) => policy.initialDelayMs * policy.multiplier ** (k - 1),
  fixed: (policy) => policy.initialDelayMs,
  linear: (policy, k) => policy.initialDelayMs * k,
};
