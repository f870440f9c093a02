// A failed flow's result names the failing step's error (issue 15): result.error.message is the task's own message,
// wherever the step is; the error stays data ({ name, message, code?, step }).
import { describe, expect, it } from 'vitest';
import { FlowStepType, ReactiveSystemRuntime, TaskFailure, defineSystem } from '../../src/index.js';
import { createClock } from '../support/time.js';

const system = defineSystem({ id: 's', tasks: { task1: {}, task2: { retry: { maxAttempts: 3, initialDelay: 0 } }, coded: {} } });

function start() {
  const runtime = new ReactiveSystemRuntime(system, { clock: createClock() });
  runtime.registerTaskImplementations({
    task1: async () => ({ result: 'task1' }),
    task2: async () => {
      throw new Error('Task 2 failed');
    },
    coded: async () => {
      throw new TaskFailure('CardDeclined', 'The card was declined', { code: 'card_declined', nonRetryable: true });
    },
  });
  return runtime;
}

describe('a failed flow', () => {
  it("has the failing task's message in result.error.message, after its retries", async () => {
    const runtime = start();
    runtime.registerFlow({
      id: 'myFlow',
      steps: [
        { id: 'step1', type: FlowStepType.TASK, taskId: 'task1' },
        { id: 'step2', type: FlowStepType.TASK, taskId: 'task2' },
      ],
    });
    const result = await runtime.executeFlow('myFlow', { data: 'input' });
    expect(result.success).toBe(false);
    expect(result.error?.message).toContain('Task 2 failed');
    expect(result.error).toEqual({ name: 'Error', message: 'Task 2 failed', step: 'step2' });
    expect(result.steps.step2).toEqual({ status: 'failed', attempts: 3, error: { name: 'Error', message: 'Task 2 failed' } });
    runtime.stop();
  });

  it('names the step inside a parallel branch or a condition, with its message', async () => {
    const runtime = start();
    runtime.registerFlow({
      id: 'deep',
      steps: [
        {
          id: 'both',
          type: FlowStepType.PARALLEL,
          parallelSteps: [
            { id: 'ok', type: FlowStepType.TASK, taskId: 'task1' },
            { id: 'check', type: FlowStepType.CONDITION, condition: () => true, thenSteps: [{ id: 'inner', type: FlowStepType.TASK, taskId: 'task2' }], elseSteps: [] },
          ],
        },
      ],
    });
    const result = await runtime.executeFlow('deep', {});
    expect(result).toMatchObject({ success: false, error: { name: 'Error', message: 'Task 2 failed', step: 'inner' } });
    runtime.stop();
  });

  it("keeps a task's own error name and code", async () => {
    const runtime = start();
    runtime.registerFlow({ id: 'pay', steps: [{ id: 'charge', type: FlowStepType.TASK, taskId: 'coded' }] });
    const result = await runtime.executeFlow('pay', {});
    expect(result.error).toEqual({ name: 'CardDeclined', message: 'The card was declined', code: 'card_declined', nonRetryable: true, step: 'charge' });
    runtime.stop();
  });
});
