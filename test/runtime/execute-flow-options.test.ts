// executeFlow(flowId, input, { continueOnError, taskExecutionOptions: { timeout, maxRetries } }) as the original Runtime
// Core takes it (issue 15): options for every step of one run, on a variant of the flow compiled once per distinct options.
import { describe, expect, it, vi } from 'vitest';
import { FlowStepType, MemoryStore, ReactiveSystemRuntime, UsageError, defineSystem } from '../../src/index.js';
import { createClock, settle } from '../support/time.js';

const quiet = { warn: () => undefined, error: () => undefined };
const system = defineSystem({
  id: 's',
  tasks: { task1: {}, task2: {}, task3: {}, flaky: { retry: { maxAttempts: 5, initialDelay: 0 } }, slow: {} },
  flows: {
    three: {
      steps: [
        { id: 'step1', type: 'task', task: 'task1' },
        { id: 'step2', type: 'task', task: 'task2' },
        { id: 'step3', type: 'task', task: 'task3' },
      ],
    },
    lastFails: {
      steps: [
        { id: 'step1', type: 'task', task: 'task1' },
        { id: 'step2', type: 'task', task: 'task2' },
      ],
    },
    nested: {
      steps: [
        { id: 'check', type: 'condition', if: 'true', then: [{ id: 'inner', type: 'task', task: 'task2', onError: 'fail' }] },
        { id: 'after', type: 'task', task: 'task3' },
      ],
    },
    retrying: { steps: [{ id: 'f', type: 'task', task: 'flaky' }] },
    slowly: { steps: [{ id: 'w', type: 'task', task: 'slow' }] },
    later: {
      steps: [
        { id: 'step2', type: 'task', task: 'task2' },
        { id: 'cool', type: 'wait', duration: '1h' },
        { id: 'step3', type: 'task', task: 'task3' },
      ],
    },
  },
});

function start(store?: MemoryStore, clock = createClock()) {
  const runtime = new ReactiveSystemRuntime(system, { clock, logger: quiet, ...(store ? { store } : {}) });
  const flaky = vi.fn(async () => {
    throw new Error('flaky failed');
  });
  runtime.registerTaskImplementations({
    task1: async () => ({ result: 'task1' }),
    task2: async () => {
      throw new Error('Task 2 failed');
    },
    task3: async () => ({ result: 'task3' }),
    flaky,
    slow: () => new Promise(() => undefined),
  });
  return { runtime, clock, flaky };
}

describe('executeFlow with continueOnError', () => {
  it('records a failed step and goes on; the flow succeeds with the last step output', async () => {
    const { runtime } = start();
    const result = await runtime.executeFlow('three', {}, { continueOnError: true });
    expect(result).toEqual({
      success: true,
      output: { result: 'task3' },
      steps: {
        step1: { status: 'completed', attempts: 1, output: { result: 'task1' } },
        step2: { status: 'failed', attempts: 1, error: { name: 'Error', message: 'Task 2 failed' } },
        step3: { status: 'completed', attempts: 1, output: { result: 'task3' } },
      },
      instanceId: 'three-1',
    });
    runtime.stop();
  });

  it('outputs the last successful step output when the last step fails', async () => {
    const { runtime } = start();
    const result = await runtime.executeFlow('lastFails', {}, { continueOnError: true });
    expect(result).toMatchObject({ success: true, output: { result: 'task1' }, steps: { step2: { status: 'failed' } } });
    runtime.stop();
  });

  it('applies to nested steps, over their own onError', async () => {
    const { runtime } = start();
    expect(await runtime.executeFlow('nested', {})).toMatchObject({ success: false, error: { message: 'Task 2 failed', step: 'inner' } });
    const result = await runtime.executeFlow('nested', {}, { continueOnError: true });
    expect(result).toMatchObject({ success: true, output: { result: 'task3' }, steps: { inner: { status: 'failed' }, after: { status: 'completed' } } });
    runtime.stop();
  });

  it('holds for that run only: the flow itself still fails, and continueOnError: false changes nothing', async () => {
    const { runtime } = start();
    await runtime.executeFlow('three', {}, { continueOnError: true });
    for (const options of [undefined, { continueOnError: false }]) {
      const result = await runtime.executeFlow('three', {}, options);
      expect(result).toMatchObject({ success: false, error: { name: 'Error', message: 'Task 2 failed', step: 'step2' } });
      expect(result.steps.step3).toBeUndefined();
    }
    runtime.stop();
  });

  it('keeps StartFlowOptions: an instanceId given with run options names the instance', async () => {
    const { runtime } = start();
    const result = await runtime.executeFlow('three', {}, { instanceId: 'mine', continueOnError: true });
    expect(result).toMatchObject({ success: true, instanceId: 'mine' });
    runtime.stop();
  });

  it('works on a programmatic flow', async () => {
    const { runtime } = start();
    runtime.registerFlow({
      id: 'myFlow',
      steps: [
        { id: 'step1', type: FlowStepType.TASK, taskId: 'task1' },
        { id: 'step2', type: FlowStepType.TASK, taskId: 'task2' },
      ],
    });
    expect(await runtime.executeFlow('myFlow', { data: 'input' }, { continueOnError: true })).toMatchObject({ success: true, output: { result: 'task1' } });
    runtime.stop();
  });
});

describe('executeFlow with taskExecutionOptions', () => {
  it('maxRetries replaces the task retry count for every step: 0 means one attempt', async () => {
    for (const [options, attempts] of [[undefined, 5], [{ maxRetries: 0 }, 1], [{ maxRetries: 2 }, 3]] as const) {
      const { runtime, flaky } = start();
      const result = await runtime.executeFlow('retrying', {}, options ? { taskExecutionOptions: options } : undefined);
      expect(result).toMatchObject({ success: false, steps: { f: { status: 'failed', attempts } } });
      expect(flaky).toHaveBeenCalledTimes(attempts);
      runtime.stop();
    }
  });

  it("a step's own executionOptions win over the run's", async () => {
    const { runtime, flaky } = start();
    runtime.registerFlow({ id: 'own', steps: [{ id: 'f', type: FlowStepType.TASK, taskId: 'flaky', executionOptions: { maxRetries: 1 } }] });
    const result = await runtime.executeFlow('own', {}, { taskExecutionOptions: { maxRetries: 3 } });
    expect(result).toMatchObject({ steps: { f: { attempts: 2 } } });
    expect(flaky).toHaveBeenCalledTimes(2);
    runtime.stop();
  });

  it('timeout gives every attempt a timeout', async () => {
    const { runtime, clock } = start();
    const pending = runtime.executeFlow('slowly', {}, { taskExecutionOptions: { timeout: '10ms' } });
    await clock.advance(10);
    expect(await pending).toMatchObject({ success: false, error: { name: 'TimeoutError', message: 'Step "w" timed out after 10ms', step: 'w' } });
    runtime.stop();
  });

  it('combines with continueOnError', async () => {
    const { runtime, flaky } = start();
    runtime.registerFlow({ id: 'both', steps: [{ id: 'a', type: FlowStepType.TASK, taskId: 'task1' }, { id: 'f', type: FlowStepType.TASK, taskId: 'flaky' }] });
    const result = await runtime.executeFlow('both', {}, { continueOnError: true, taskExecutionOptions: { maxRetries: 1 } });
    expect(result).toMatchObject({ success: true, output: { result: 'task1' }, steps: { f: { status: 'failed', attempts: 2 } } });
    expect(flaky).toHaveBeenCalledTimes(2);
    runtime.stop();
  });
});

describe('run options', () => {
  it('are refused when of the wrong type or out of range (INVALID_ARGUMENT), and for an unknown flow the flow is named', async () => {
    const { runtime } = start();
    const refused = (options: object) => runtime.executeFlow('three', {}, options as never);
    await expect(refused({ continueOnError: 'yes' })).rejects.toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', message: 'executeFlow(flowId, input, options): options.continueOnError must be a boolean, found "yes"' }),
    );
    await expect(refused({ taskExecutionOptions: { maxRetries: -1 } })).rejects.toThrow(
      'options.taskExecutionOptions.maxRetries must be an integer ≥ 0 (retries after the first attempt), found -1',
    );
    await expect(refused({ taskExecutionOptions: { timeout: 'soon' } })).rejects.toThrow(UsageError);
    await expect(refused({ taskExecutionOptions: 5 })).rejects.toThrow('options.taskExecutionOptions must be an object { timeout?, maxRetries? }, found 5');
    await expect(runtime.executeFlow('thre', {}, { continueOnError: true })).rejects.toMatchObject({ code: 'UNKNOWN_FLOW' });
    runtime.stop();
  });

  it('run a variant of the flow, compiled once per distinct options; its instances report the variant id', async () => {
    const { runtime } = start();
    const started: unknown[] = [];
    runtime.registerEventHandler('flow.started', (payload) => void started.push(payload.flowId));
    const first = runtime.startFlow('three', {}, { continueOnError: true });
    const second = runtime.startFlow('three', {}, { continueOnError: true });
    const third = runtime.startFlow('three', {}, { continueOnError: true, taskExecutionOptions: { timeout: 100, maxRetries: 0 } });
    expect(first.actor.logic).toBe(second.actor.logic);
    expect(third.actor.logic).not.toBe(first.actor.logic);
    expect(first.flowId).toBe('three');
    expect(first.instanceId).toBe('three-1');
    // Lifecycle events name the flow; listings name the definition the host started (the variant), which a
    // store needs to compile it again after a restart.
    expect(started).toEqual(['three', 'three', 'three']);
    const { instances } = await runtime.listInstances();
    expect(instances.filter((i) => i.kind === 'flow').map((i) => i.definitionId)).toEqual(expect.arrayContaining(['three~continue', 'three~continue,timeout=100,retries=0']));
    runtime.stop();
  });

  it('survive a restart with a store: the variant is compiled again from its id', async () => {
    const store = new MemoryStore();
    const clock = createClock();
    const { runtime } = start(store, clock);
    await runtime.start();
    runtime.startFlow('later', {}, { instanceId: 'l1', continueOnError: true });
    await settle();
    await runtime.whenStored('l1');
    runtime.stop();

    const { runtime: next } = start(store, clock);
    expect((await next.start()).recovered).toEqual(['l1']);
    await clock.advance(3_600_000);
    expect(await next.flowResult('l1')).toMatchObject({ success: true, output: { result: 'task3' }, steps: { step2: { status: 'failed' } } });
    next.stop();
  });
});
