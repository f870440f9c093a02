import { describe, expect, it } from 'vitest';
import { SystemValidationError } from '../../src/errors.js';
import { delayKeyIssue, durationIssue, parseDelayKey, parseDuration } from '../../src/dsl/duration.js';
import { durationSchema } from '../../src/dsl/schema.js';

describe('parseDuration', () => {
  it('takes a number as milliseconds', () => {
    expect(parseDuration(0)).toBe(0);
    expect(parseDuration(250)).toBe(250);
    expect(parseDuration(0.5)).toBe(0.5);
  });

  it.each([
    ['250ms', 250],
    ['30s', 30_000],
    ['5m', 300_000],
    ['2h', 7_200_000],
    ['1d', 86_400_000],
    ['1.5s', 1_500],
    ['0.25m', 15_000],
    ['0s', 0],
  ])('reads %s as %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it('throws a SystemValidationError that names the path and what is expected', () => {
    const error = (() => {
      try {
        parseDuration('5 min', 'tasks.charge.timeout');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(SystemValidationError);
    expect((error as SystemValidationError).issues).toEqual([
      {
        path: 'tasks.charge.timeout',
        code: 'invalid_duration',
        message: 'Invalid duration "5 min": expected milliseconds as a number, or a string such as 250ms, 30s, 5m, 2h or 1d',
      },
    ]);
    expect((error as Error).message).toContain('tasks.charge.timeout');
  });

  it.each([['5x'], ['s'], ['1.s'], ['-1s'], [' 1s'], ['1S'], ['1000'], ['']])('rejects the string %j', (text) => {
    expect(() => parseDuration(text)).toThrow(SystemValidationError);
  });

  it.each([[-1], [Number.NaN], [Number.POSITIVE_INFINITY]])('rejects the number %d', (value) => {
    expect(() => parseDuration(value)).toThrow(/Invalid duration/);
  });
});

describe('durationIssue', () => {
  it('returns undefined for a duration', () => {
    expect(durationIssue('30s', 'a')).toBeUndefined();
    expect(durationIssue(30, 'a')).toBeUndefined();
  });

  it('describes what was found', () => {
    expect(durationIssue(-5, 'flows.f.steps[0].duration')).toEqual({
      path: 'flows.f.steps[0].duration',
      code: 'invalid_duration',
      message: 'Invalid duration -5: a duration cannot be negative',
    });
    expect(durationIssue(true, 'x')?.message).toBe(
      'Invalid duration: expected milliseconds as a number, or a string such as 250ms, 30s, 5m, 2h or 1d; found a boolean',
    );
    expect(durationIssue(null, 'x')?.message).toMatch(/found null$/);
  });

  it('agrees with the meta-schema on every sample', () => {
    const samples: unknown[] = [0, 10, -1, '1ms', '2.5h', '3 s', '3', 'abc', '1.5d', '.5s', true, null];
    for (const sample of samples) {
      expect(durationSchema.safeParse(sample).success, String(sample)).toBe(durationIssue(sample, '') === undefined);
    }
  });
});

describe('delay keys of after', () => {
  it('accept plain milliseconds as well as durations', () => {
    expect(parseDelayKey('1000')).toBe(1000);
    expect(parseDelayKey('5m')).toBe(300_000);
    expect(delayKeyIssue('1000', 'x')).toBeUndefined();
    expect(delayKeyIssue('2.5s', 'x')).toBeUndefined();
  });

  it('reject anything else', () => {
    expect(delayKeyIssue('soon', 'processes.p.states.a.after.soon')).toMatchObject({
      path: 'processes.p.states.a.after.soon',
      code: 'invalid_duration',
    });
    expect(() => parseDelayKey('soon')).toThrow(SystemValidationError);
  });
});
