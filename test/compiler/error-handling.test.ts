import { describe, expect, it } from 'vitest';
import { ReactiveSystemRuntime, defineSystem, getTaskContext } from '../../src/index.js';
import { createClock, recordStates, settle } from '../support/time.js';

const system = defineSystem({
  id: 'errors',
  tasks: { risky: {}, after: {}, cleanup: {} },
  flows: {
    failFast: { steps: [{ id: 'risky', type: 'task', task: 'risky' }, { id: 'after', type: 'task', task: 'after' }] },
    carryOn: {
      onError: 'continue',
      steps: [{ id: 'risky', type: 'task', task: 'risky' }, { id: 'after', type: 'task', task: 'after' }],
    },
    stepOverride: {
      onError: 'continue',
      steps: [{ id: 'risky', type: 'task', task: 'risky', onError: 'fail' }, { id: 'after', type: 'task', task: 'after' }],
    },
    branchCaught: {
      steps: [
        {
          id: 'both',
          type: 'parallel',
          branches: [[{ id: 'slow', type: 'task', task: 'after' }], [{ id: 'risky', type: 'task', task: 'risky' }]],
          catch: [{ id: 'cleanup', type: 'task', task: 'cleanup', input: 'context.stepStatus.both.error' }],
        },
      ],
    },
    nestedContinue: {
      steps: [
        {
          id: 'check',
          type: 'condition',
          if: 'true',
          onError: 'continue',
          then: [{ id: 'risky', type: 'task', task: 'risky' }, { id: 'skipped', type: 'task', task: 'after' }],
        },
        { id: 'after', type: 'task', task: 'after' },
      ],
    },
    nestedFail: {
      steps: [{ id: 'outer', type: 'condition', if: 'true', then: [{ id: 'inner', type: 'parallel', branches: [[{ id: 'risky', type: 'task', task: 'risky' }]] }] }],
    },
    caught: {
      steps: [
        {
          id: 'risky',
          type: 'task',
          task: 'risky',
          catch: [{ id: 'cleanup', type: 'task', task: 'cleanup', input: 'context.stepStatus.risky.error' }],
        },
        { id: 'after', type: 'task', task: 'after' },
      ],
    },
  },
});

function setup() {
  const rt = new ReactiveSystemRuntime(system, { clock: createClock() });
  const ran: unknown[] = [];
  rt.registerTaskImplementations({
    risky: async () => {
      throw Object.assign(new Error('risky failed'), { code: 'E_RISK' });
    },
    after: async () => (ran.push('after'), 'after done'),
    cleanup: async (error: unknown) => (ran.push(error), 'cleaned'),
  });
  return { rt, ran };
}

describe('error handling', () => {
  it("onError 'fail' (the default) ends the flow in `failed` with the step's error", async () => {
    const { rt, ran } = setup();
    const handle = rt.startFlow('failFast', {});
    const states = recordStates(handle.actor);
    const result = await handle.result();
    expect(states).toEqual(['running.risky', 'failed']);
    expect(result).toMatchObject({ success: false, error: { name: 'Error', message: 'risky failed', code: 'E_RISK', step: 'risky' } });
    expect(ran).toEqual([]);
  });

  it("onError 'continue' records the failure and goes on", async () => {
    const { rt, ran } = setup();
    const result = await rt.executeFlow('carryOn', {});
    expect(result.success).toBe(true);
    expect(result.steps.risky).toMatchObject({ status: 'failed', error: { message: 'risky failed' } });
    expect(result.output).toBe('after done');
    expect(ran).toEqual(['after']);
  });

  it("a step's onError overrides the flow's", async () => {
    const { rt } = setup();
    expect((await rt.executeFlow('stepOverride', {})).success).toBe(false);
  });

  it('catch steps run with the error, then the flow goes on after the step', async () => {
    const { rt, ran } = setup();
    const handle = rt.startFlow('caught', {});
    const states = recordStates(handle.actor);
    const result = await handle.result();
    expect(states).toEqual(['running.risky.$run', 'running.risky.$catch.cleanup', 'running.after', 'succeeded']);
    expect(ran).toEqual([{ name: 'Error', message: 'risky failed', code: 'E_RISK' }, 'after']);
    expect(result.success).toBe(true);
    expect(result.steps.risky?.status).toBe('failed');
  });

  it('a failure inside a parallel branch propagates to the parallel step, whose catch handles it', async () => {
    const { rt, ran } = setup();
    const result = await rt.executeFlow('branchCaught', {});
    expect(result.success).toBe(true);
    expect(result.steps.risky).toMatchObject({ status: 'failed' });
    expect(result.steps.both).toMatchObject({ status: 'failed', error: { message: 'risky failed' } });
    expect(ran).toContainEqual({ name: 'Error', message: 'risky failed', code: 'E_RISK' });
  });

  it("a container's onError 'continue' takes the failure of a step inside it and goes on after the container", async () => {
    const { rt, ran } = setup();
    const result = await rt.executeFlow('nestedContinue', {});
    expect(result.success).toBe(true);
    expect(result.steps.check).toMatchObject({ status: 'failed', error: { code: 'E_RISK' } });
    expect(result.steps.skipped).toBeUndefined();
    expect(ran).toEqual(['after']);
  });

  it('without handlers a failure propagates through every container and names the step that failed first', async () => {
    const { rt } = setup();
    const result = await rt.executeFlow('nestedFail', {});
    expect(result).toMatchObject({ success: false, error: { message: 'risky failed', step: 'risky' } });
    expect(result.steps.inner?.status).toBe('failed');
    expect(result.steps.outer?.status).toBe('failed');
  });

  it('cancel() ends a running flow as cancelled and aborts its task', async () => {
    const rt = new ReactiveSystemRuntime(system, { clock: createClock() });
    let signal: AbortSignal | undefined;
    rt.registerTaskImplementation('risky', async () => {
      signal = getTaskContext().signal;
      return new Promise(() => undefined);
    });
    const handle = rt.startFlow('failFast', {});
    await settle();
    handle.cancel();
    const result = await handle.result();
    expect(result).toMatchObject({ success: false, error: { name: 'CancelledError' } });
    expect(signal?.aborted).toBe(true);
    expect(handle.actor.getSnapshot().value).toBe('cancelled');
  });
});
