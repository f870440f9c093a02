import { describe, expect, it } from 'vitest';
import { SystemValidationError } from '../../src/errors.js';
import { compileRetryPolicy, retryDelayMs, retryPolicyIssues, type CompiledRetryPolicy } from '../../src/dsl/retry-policy.js';

const policy = (overrides: Partial<CompiledRetryPolicy>): CompiledRetryPolicy => ({ ...compileRetryPolicy(), ...overrides });
const delays = (p: CompiledRetryPolicy, count: number, random?: () => number) =>
  Array.from({ length: count }, (_, i) => retryDelayMs(p, i + 1, random));

describe('compileRetryPolicy', () => {
  it('applies the defaults, with no maxDelayMs key at all', () => {
    const compiled = compileRetryPolicy();
    expect(compiled).toStrictEqual({
      maxAttempts: 1,
      initialDelayMs: 1000,
      backoff: 'exponential',
      multiplier: 2,
      jitter: 'none',
      nonRetryable: [],
    });
    expect('maxDelayMs' in compiled).toBe(false);
  });

  it('turns durations into milliseconds', () => {
    expect(
      compileRetryPolicy({ maxAttempts: 3, initialDelay: '250ms', maxDelay: '30s', backoff: 'linear', jitter: 'full', nonRetryable: ['CardDeclined'] }),
    ).toStrictEqual({
      maxAttempts: 3,
      initialDelayMs: 250,
      backoff: 'linear',
      multiplier: 2,
      maxDelayMs: 30_000,
      jitter: 'full',
      nonRetryable: ['CardDeclined'],
    });
  });

  it("lets a step's retry override its task's field by field", () => {
    const task = { maxAttempts: 5, initialDelay: '2s', maxDelay: '1m', nonRetryable: ['A', 'B'] };
    const step = { initialDelay: 500, nonRetryable: ['C'] };
    expect(compileRetryPolicy(task, step)).toStrictEqual({
      maxAttempts: 5,
      initialDelayMs: 500,
      backoff: 'exponential',
      multiplier: 2,
      maxDelayMs: 60_000,
      jitter: 'none',
      nonRetryable: ['C'],
    });
  });

  it('ignores fields set to undefined in the override', () => {
    expect(compileRetryPolicy({ maxAttempts: 4 }, { maxAttempts: undefined } as never).maxAttempts).toBe(4);
  });

  it('does not share the defaults array', () => {
    const compiled = compileRetryPolicy();
    compiled.nonRetryable.push('X');
    expect(compileRetryPolicy().nonRetryable).toEqual([]);
  });

  it('is JSON data', () => {
    const compiled = compileRetryPolicy({ maxAttempts: 3, maxDelay: '5s' });
    expect(JSON.parse(JSON.stringify(compiled))).toStrictEqual(compiled);
  });

  it('throws when a merged field cannot be used', () => {
    expect(() => compileRetryPolicy({ maxAttempts: 3, initialDelay: 'soon' })).toThrow(SystemValidationError);
    expect(() => compileRetryPolicy({ maxAttempts: 3, multiplier: 0.5 }, undefined, 'tasks.t.retry')).toThrow(/tasks\.t\.retry\.multiplier/);
    expect(() => compileRetryPolicy({ maxAttempts: 0 })).toThrow(/maxAttempts/);
  });

  it('does not throw for policies that are merely pointless', () => {
    expect(() => compileRetryPolicy({ backoff: 'fixed', multiplier: 3 })).not.toThrow();
  });
});

describe('retryDelayMs', () => {
  it('grows exponentially: initialDelay × multiplier^(k−1), capped by maxDelay', () => {
    expect(delays(policy({ initialDelayMs: 100, multiplier: 3, maxDelayMs: 2000 }), 5)).toEqual([100, 300, 900, 2000, 2000]);
    expect(delays(policy({ initialDelayMs: 1000 }), 4)).toEqual([1000, 2000, 4000, 8000]);
  });

  it('stays at initialDelay with fixed backoff', () => {
    expect(delays(policy({ backoff: 'fixed', initialDelayMs: 500, multiplier: 10 }), 3)).toEqual([500, 500, 500]);
  });

  it('grows by initialDelay with linear backoff, capped by maxDelay', () => {
    expect(delays(policy({ backoff: 'linear', initialDelayMs: 100, maxDelayMs: 250 }), 4)).toEqual([100, 200, 250, 250]);
  });

  it('caps a fixed delay by maxDelay as well', () => {
    expect(retryDelayMs(policy({ backoff: 'fixed', initialDelayMs: 500, maxDelayMs: 200 }), 1)).toBe(200);
  });

  it('waits a uniform time in [0, delay] with full jitter', () => {
    const jittered = policy({ initialDelayMs: 100, multiplier: 2, jitter: 'full' });
    expect(delays(jittered, 3, () => 0.25)).toEqual([25, 50, 100]);
    expect(retryDelayMs(jittered, 2, () => 0)).toBe(0);
    expect(retryDelayMs(jittered, 2, () => 0.999)).toBeCloseTo(199.8);
  });

  it('uses no randomness without jitter', () => {
    expect(retryDelayMs(policy({}), 1, () => {
      throw new Error('random must not be called');
    })).toBe(1000);
  });

  it('always returns a finite delay', () => {
    const delay = retryDelayMs(policy({ initialDelayMs: 1000, multiplier: 10 }), 1000);
    expect(Number.isFinite(delay)).toBe(true);
    expect(delay).toBe(Number.MAX_SAFE_INTEGER);
  });

  it.each([[0], [-1], [1.5]])('rejects retry number %d', (k) => {
    expect(() => retryDelayMs(policy({}), k)).toThrow(RangeError);
  });
});

describe('retryPolicyIssues', () => {
  const issues = (p: Parameters<typeof retryPolicyIssues>[0], inherited?: Parameters<typeof retryPolicyIssues>[2]) =>
    retryPolicyIssues(p, 'tasks.charge.retry', inherited);

  it('accepts sensible policies', () => {
    expect(issues({})).toEqual([]);
    expect(issues({ maxAttempts: 1 })).toEqual([]);
    expect(issues({ maxAttempts: 3, initialDelay: '1s', backoff: 'exponential', multiplier: 2, maxDelay: '30s', jitter: 'full', nonRetryable: ['X'] })).toEqual([]);
    expect(issues({ maxAttempts: 3, backoff: 'fixed' })).toEqual([]);
    expect(issues({ maxAttempts: 1000 })).toEqual([]);
  });

  it('reports a multiplier below 1', () => {
    expect(issues({ maxAttempts: 3, multiplier: 0.5 })).toMatchInlineSnapshot(`
      [
        {
          "code": "invalid_multiplier",
          "message": "multiplier must be a finite number ≥ 1 (delays must not shrink), found 0.5",
          "path": "tasks.charge.retry.multiplier",
        },
      ]
    `);
  });

  it('reports a multiplier with fixed or linear backoff', () => {
    expect(issues({ maxAttempts: 3, backoff: 'linear', multiplier: 3 })).toMatchInlineSnapshot(`
      [
        {
          "code": "multiplier_without_exponential",
          "message": "multiplier only applies to exponential backoff, but backoff is 'linear'; remove multiplier or use backoff 'exponential'",
          "path": "tasks.charge.retry.multiplier",
        },
      ]
    `);
    expect(issues({ maxAttempts: 3, backoff: 'fixed', multiplier: 3 }).map((i) => i.code)).toEqual(['multiplier_without_exponential']);
  });

  it('reports a maxDelay shorter than the initial delay, the default one included', () => {
    expect(issues({ maxAttempts: 3, initialDelay: '10s', maxDelay: '5s' })).toMatchInlineSnapshot(`
      [
        {
          "code": "max_delay_below_initial_delay",
          "message": "maxDelay 5s is shorter than initialDelay 10s, so no delay could respect both",
          "path": "tasks.charge.retry.maxDelay",
        },
      ]
    `);
    expect(issues({ maxAttempts: 3, maxDelay: 500 })[0]?.message).toBe(
      'maxDelay 500 is shorter than the default initialDelay 1s, so no delay could respect both',
    );
  });

  it('reports too many attempts and impossible counts', () => {
    expect(issues({ maxAttempts: 1001 }).map((i) => [i.path, i.code])).toEqual([['tasks.charge.retry.maxAttempts', 'too_many_attempts']]);
    expect(issues({ maxAttempts: 0 }).map((i) => i.code)).toEqual(['invalid_max_attempts']);
    expect(issues({ maxAttempts: 2.5 }).map((i) => i.code)).toEqual(['invalid_max_attempts']);
  });

  it('reports retry options that can never apply because maxAttempts is 1', () => {
    expect(issues({ initialDelay: '2s', backoff: 'fixed' })).toMatchInlineSnapshot(`
      [
        {
          "code": "retry_without_attempts",
          "message": "initialDelay, backoff have no effect: maxAttempts is 1 by default, so nothing is ever retried; set maxAttempts above 1 or remove them",
          "path": "tasks.charge.retry",
        },
      ]
    `);
    expect(issues({ maxAttempts: 1, nonRetryable: ['X'] })[0]?.message).toBe(
      'nonRetryable has no effect: maxAttempts is 1, so nothing is ever retried; set maxAttempts above 1 or remove it',
    );
  });

  it('reports bad durations when used on its own', () => {
    expect(issues({ maxAttempts: 2, initialDelay: 'soon' }).map((i) => [i.path, i.code])).toEqual([
      ['tasks.charge.retry.initialDelay', 'invalid_duration'],
    ]);
  });

  describe('of an override', () => {
    const task = { maxAttempts: 3, initialDelay: '2s', multiplier: 3 };

    it('judges it together with the policy it overrides', () => {
      expect(issues({ initialDelay: '5s' }, task)).toEqual([]);
      expect(issues({ maxAttempts: 1 }, task)).toEqual([]);
      expect(issues({ maxDelay: '1s' }, task).map((i) => [i.path, i.code])).toEqual([
        ['tasks.charge.retry.maxDelay', 'max_delay_below_initial_delay'],
      ]);
      expect(issues({ backoff: 'fixed' }, task).map((i) => [i.path, i.code])).toEqual([
        ['tasks.charge.retry.backoff', 'multiplier_without_exponential'],
      ]);
    });

    it('blames only what the override itself sets', () => {
      expect(issues({ nonRetryable: ['X'] }, { maxAttempts: 3, backoff: 'fixed', multiplier: 3 })).toEqual([]);
      expect(issues({ jitter: 'full' }, { maxAttempts: 1 }).map((i) => i.code)).toEqual(['retry_without_attempts']);
    });
  });
});
