import { describe, expect, it, vi } from 'vitest';
import { ReactiveSystemRuntime, defineSystem, getTaskContext, type TaskContext } from '../../src/index.js';
import { createClock, recordStates, settle } from '../support/time.js';

const system = defineSystem({
  id: 'tasks',
  tasks: {
    plain: {},
    typed: {
      input: { type: 'object', required: ['amount'], properties: { amount: { type: 'number' } } },
      output: { type: 'object', required: ['chargeId'], properties: { chargeId: { type: 'string' } } },
    },
    flaky: { retry: { maxAttempts: 3, initialDelay: '1s', backoff: 'exponential', multiplier: 2 } },
    strict: { retry: { maxAttempts: 5, initialDelay: '1s', nonRetryable: ['CardDeclined', 'E_FRAUD'] } },
    slow: { timeout: '10s', retry: { maxAttempts: 2, initialDelay: '1s' } },
    hang: { timeout: '5s' },
    instant: { retry: { maxAttempts: 3, initialDelay: 0 } },
  },
});

function setup() {
  const clock = createClock();
  const rt = new ReactiveSystemRuntime(system, { clock });
  return { clock, rt };
}

describe('executeTask', () => {
  it('calls the implementation with its input alone and resolves the output', async () => {
    const { rt } = setup();
    const impl = vi.fn(async () => ({ result: 'success' }));
    rt.registerTaskImplementation('plain', impl);
    const result = await rt.executeTask('plain', { data: 'test' });
    expect(impl).toHaveBeenCalledWith({ data: 'test' });
    expect(result).toEqual({ success: true, output: { result: 'success' }, attempts: 1 });
  });

  it('retries with exponential backoff, each delay a state driven by the clock', async () => {
    const { rt, clock } = setup();
    let calls = 0;
    rt.registerTaskImplementation('flaky', async () => {
      calls++;
      if (calls < 3) throw new Error(`boom ${calls}`);
      return 'ok';
    });
    const retrying: unknown[] = [];
    rt.registerEventHandler('task.retrying', (payload) => void retrying.push(payload));
    const pending = rt.executeTask('flaky', {});
    await settle();
    expect(calls).toBe(1);
    await clock.advance(999);
    expect(calls).toBe(1);
    await clock.advance(1);
    expect(calls).toBe(2);
    await clock.advance(1999);
    expect(calls).toBe(2);
    await clock.advance(1);
    const result = await pending;
    expect(calls).toBe(3);
    expect(result).toEqual({ success: true, output: 'ok', attempts: 3 });
    expect(retrying).toMatchObject([
      { taskId: 'flaky', attempt: 1, nextAttempt: 2, delayMs: 1000, error: { message: 'boom 1' } },
      { taskId: 'flaky', attempt: 2, nextAttempt: 3, delayMs: 2000, error: { message: 'boom 2' } },
    ]);
  });

  it('gives up after maxAttempts and reports the last error as data', async () => {
    const { rt, clock } = setup();
    rt.registerTaskImplementation('flaky', async () => {
      throw Object.assign(new Error('down'), { code: 'E_DOWN' });
    });
    const pending = rt.executeTask('flaky', {});
    await clock.advance(1000);
    await clock.advance(2000);
    expect(await pending).toEqual({ success: false, error: { name: 'Error', message: 'down', code: 'E_DOWN' }, attempts: 3 });
  });

  it('never retries an error whose name or code is non-retryable, or that says so', async () => {
    const { rt } = setup();
    rt.registerTaskImplementation('strict', async (input: { kind: string }) => {
      if (input.kind === 'name') throw Object.assign(new Error('declined'), { name: 'CardDeclined' });
      if (input.kind === 'code') throw Object.assign(new Error('fraud'), { code: 'E_FRAUD' });
      throw Object.assign(new Error('bad request'), { nonRetryable: true });
    });
    expect(await rt.executeTask('strict', { kind: 'name' })).toMatchObject({ success: false, attempts: 1, error: { name: 'CardDeclined' } });
    expect(await rt.executeTask('strict', { kind: 'code' })).toMatchObject({ success: false, attempts: 1, error: { code: 'E_FRAUD' } });
    expect(await rt.executeTask('strict', { kind: 'flag' })).toMatchObject({ success: false, attempts: 1, error: { nonRetryable: true } });
  });

  it('times out an attempt, aborts its signal, and retries it like any error', async () => {
    const { rt, clock } = setup();
    const contexts: TaskContext[] = [];
    rt.registerTaskImplementation('slow', () => {
      const context = getTaskContext();
      contexts.push(context);
      if (context.attempt === 2) return 'second time lucky';
      return new Promise(() => undefined);
    });
    const handle = rt.executeTask('slow', {});
    await clock.advance(10_000);
    expect(contexts[0]?.signal.aborted).toBe(true);
    await clock.advance(1000);
    expect(await handle).toEqual({ success: true, output: 'second time lucky', attempts: 2 });
    expect(contexts.map((c) => [c.attempt, c.taskId, c.idempotencyKey.endsWith(`/slow/${c.attempt}`)])).toEqual([
      [1, 'slow', true],
      [2, 'slow', true],
    ]);
  });

  it('a task that never settles gets a TimeoutError', async () => {
    const { rt, clock } = setup();
    rt.registerTaskImplementation('hang', () => new Promise(() => undefined));
    const pending = rt.executeTask('hang', {});
    await clock.advance(5000);
    expect(await pending).toEqual({
      success: false,
      attempts: 1,
      error: { name: 'TimeoutError', message: 'Step "hang" timed out after 5000ms' },
    });
  });

  it('turns a thrown string, a synchronous throw and a non-JSON value into clear failures', async () => {
    const { rt } = setup();
    rt.registerTaskImplementation('plain', (input: { kind: string }) => {
      if (input.kind === 'string') throw 'just a string';
      if (input.kind === 'sync') throw new RangeError('sync');
      if (input.kind === 'object') throw { reason: 42 };
      if (input.kind === 'fn') return { f: () => 1 };
      if (input.kind === 'bigint') return Promise.resolve(10n);
      return new Map();
    });
    expect(await rt.executeTask('plain', { kind: 'string' })).toEqual({ success: false, attempts: 1, error: { name: 'Error', message: 'just a string' } });
    expect(await rt.executeTask('plain', { kind: 'sync' })).toEqual({ success: false, attempts: 1, error: { name: 'RangeError', message: 'sync' } });
    expect((await rt.executeTask('plain', { kind: 'object' })).error).toEqual({ name: 'Error', message: '{"reason":42}' });
    expect((await rt.executeTask('plain', { kind: 'fn' })).error).toMatchObject({ name: 'OutputValidationError', code: 'NON_JSON_OUTPUT', message: expect.stringContaining('output.f is a function') });
    expect((await rt.executeTask('plain', { kind: 'bigint' })).error).toMatchObject({ code: 'NON_JSON_OUTPUT' });
    expect((await rt.executeTask('plain', { kind: 'map' })).error?.message).toContain('output is a Map');
  });

  it('checks input and output against the task schemas', async () => {
    const { rt } = setup();
    rt.registerTaskImplementation('typed', async (input: { amount: number }) => (input.amount > 10 ? { chargeId: 'ch_1' } : { chargeId: 7 }));
    await expect(rt.executeTask('typed', { amount: 'five' })).rejects.toMatchObject({
      name: 'InputValidationError',
      code: 'INVALID_INPUT',
      issues: [{ path: 'input.amount', code: 'invalid_type' }],
    });
    expect(await rt.executeTask('typed', { amount: 50 })).toEqual({ success: true, output: { chargeId: 'ch_1' }, attempts: 1 });
    expect((await rt.executeTask('typed', { amount: 5 })).error).toMatchObject({ name: 'OutputValidationError', code: 'INVALID_OUTPUT' });
  });

  it('rejects for an unknown task or one without implementation, naming what exists', async () => {
    const { rt } = setup();
    rt.registerTaskImplementation('plain', async () => 1);
    await expect(rt.executeTask('nope', {})).rejects.toMatchObject({ code: 'UNKNOWN_TASK', message: expect.stringContaining('known tasks: plain, typed, flaky') });
    await expect(rt.executeTask('typed', { amount: 1 })).rejects.toMatchObject({ code: 'NO_IMPLEMENTATION', message: expect.stringContaining('implemented: plain') });
    expect(() => rt.registerTaskImplementation('plain', 'nope' as never)).toThrow(/expects a function, got string/);
  });

  it('runs a task the document does not declare when it has an implementation, on a system that declares no tasks', async () => {
    const rt = new ReactiveSystemRuntime(defineSystem({ id: 'bare' }));
    rt.registerTaskImplementation('adHoc', async (input: { x: number }) => input.x + 1);
    expect(await rt.executeTask('adHoc', { x: 1 })).toEqual({ success: true, output: 2, attempts: 1 });
    // A system that declares its tasks refuses an implementation for one it does not declare (issue 15).
    const { rt: declared } = setup();
    expect(() => declared.registerTaskImplementation('adHoc', async () => 1)).toThrow(expect.objectContaining({ code: 'UNKNOWN_TASK' }));
  });

  it('shows attempts and backoff as states of the machine', async () => {
    const { rt, clock } = setup();
    let calls = 0;
    rt.registerTaskImplementation('flaky', async () => {
      if (++calls < 2) throw new Error('once');
      return 'ok';
    });
    const pending = rt.executeTask('flaky', {});
    const states = recordStates(rt.getActor('flaky-1'));
    await clock.advance(1000);
    await pending;
    expect(states).toEqual(['running.flaky.$attempt', 'running.flaky.$backoff', 'running.flaky.$attempt', 'succeeded']);
  });

  it('with a zero initial delay, a retry passes through $backoff within the same step, without a timer', async () => {
    const { rt, clock } = setup();
    let calls = 0;
    rt.registerTaskImplementation('instant', async () => {
      if (++calls < 3) throw new Error('not yet');
      return 'third';
    });
    const retries: unknown[] = [];
    rt.registerEventHandler('task.retrying', (payload) => void retries.push(payload.delayMs));
    const pending = rt.executeTask('instant', {});
    const actor = rt.getActor('instant-1');
    const backoff = actor.logic.root.states.running?.states.instant?.states.$backoff;
    expect(backoff?.invoke).toEqual([]);
    expect((clock as unknown as { timeouts: Map<unknown, unknown> }).timeouts.size).toBe(0);
    expect(await pending).toEqual({ success: true, output: 'third', attempts: 3 });
    expect(retries).toEqual([0, 0]);
  });
});
