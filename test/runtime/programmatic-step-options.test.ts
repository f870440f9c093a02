// Programmatic task steps as the original Runtime Core shapes them (issue 15): `inputMapping(flowInput, previousOutputs)`
// and `executionOptions: { timeout, maxRetries }` over the task's timeout and retry count.
import { describe, expect, it, vi } from 'vitest';
import { FlowStepType, ReactiveSystemRuntime, UsageError, convertFlowToDsl, defineSystem, type RuntimeFlow } from '../../src/index.js';
import { createClock } from '../support/time.js';

const system = defineSystem({
  id: 's',
  tasks: {
    double: {},
    flaky: { retry: { maxAttempts: 4, initialDelay: 0 } },
    plain: {},
    slow: { timeout: '1h' },
  },
});

function start() {
  const clock = createClock();
  const runtime = new ReactiveSystemRuntime(system, { clock });
  const flaky = vi.fn(async () => {
    throw new Error('flaky failed');
  });
  runtime.registerTaskImplementations({
    double: async (input: { n: number }) => ({ n: input.n * 2 }),
    flaky,
    plain: flaky,
    slow: () => new Promise(() => undefined),
  });
  return { runtime, clock, flaky };
}

describe('inputMapping', () => {
  it('maps the flow input and the earlier outputs (previousOutputs.<stepId>) to the task input', async () => {
    const { runtime } = start();
    const mapping = vi.fn((flowInput: unknown, previousOutputs: Record<string, unknown>) => ({
      n: (flowInput as { n: number }).n + (previousOutputs.first as { n: number }).n,
    }));
    runtime.registerFlow({
      id: 'f',
      steps: [
        { id: 'first', type: FlowStepType.TASK, taskId: 'double' },
        { id: 'second', type: FlowStepType.TASK, taskId: 'double', input: { n: 1000 }, inputMapping: mapping },
      ],
    });
    const result = await runtime.executeFlow('f', { n: 3 });
    expect(mapping).toHaveBeenCalledWith({ n: 3 }, { first: { n: 6 } });
    expect(result.steps.second?.output).toEqual({ n: 18 });
    expect(result.output).toEqual({ n: 18 });
    runtime.stop();
  });

  it('becomes the DSL step input, a function whose text is the mapping (what machine hashes read)', () => {
    const mapping = (flowInput: unknown) => flowInput;
    const dsl = convertFlowToDsl({ id: 'f', steps: [{ id: 'a', type: FlowStepType.TASK, taskId: 'double', inputMapping: mapping }] });
    const step = dsl.steps[0] as { input?: unknown };
    expect(typeof step.input).toBe('function');
    expect(String(step.input)).toBe('(scope) => ((flowInput) => flowInput)(scope.input, scope.steps)');
  });

  it('must be a function', () => {
    const { runtime } = start();
    expect(() => runtime.registerFlow({ id: 'f', steps: [{ id: 'a', type: FlowStepType.TASK, taskId: 'double', inputMapping: 'input' as never }] })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', message: 'Step "a": inputMapping must be a function (flowInput, previousOutputs) => input, got string' }),
    );
    runtime.stop();
  });
});

describe('executionOptions', () => {
  const flow = (executionOptions?: RuntimeFlow['steps'][number]['executionOptions'], taskId = 'flaky'): RuntimeFlow => ({
    id: 'f',
    steps: [{ id: 'a', type: FlowStepType.TASK, taskId, ...(executionOptions ? { executionOptions } : {}) }],
  });

  it('become the step timeout and retry.maxAttempts (maxRetries + 1)', () => {
    expect(convertFlowToDsl(flow({ timeout: 50, maxRetries: 2 })).steps).toEqual([{ id: 'a', type: 'task', task: 'flaky', timeout: 50, retry: { maxAttempts: 3 } }]);
    expect(
      convertFlowToDsl({ id: 'f', steps: [{ id: 'a', type: 'task', task: 'flaky', retry: { maxAttempts: 9, initialDelay: '5ms' }, executionOptions: { maxRetries: 0 } }] }).steps,
    ).toEqual([{ id: 'a', type: 'task', task: 'flaky', retry: { maxAttempts: 1, initialDelay: '5ms' } }]);
  });

  it('maxRetries overrides the task retry count: 0 means one attempt', async () => {
    for (const [maxRetries, attempts] of [[undefined, 4], [0, 1], [1, 2]] as const) {
      const { runtime, flaky } = start();
      runtime.registerFlow(flow(maxRetries === undefined ? undefined : { maxRetries }));
      const result = await runtime.executeFlow('f', {});
      expect(result).toMatchObject({ success: false, steps: { a: { status: 'failed', attempts } } });
      expect(flaky).toHaveBeenCalledTimes(attempts);
      runtime.stop();
    }
  });

  it('maxRetries retries a task that has no retry policy of its own', async () => {
    const { runtime, clock, flaky } = start();
    runtime.registerFlow(flow({ maxRetries: 2 }, 'plain'));
    const pending = runtime.executeFlow('f', {});
    // The task's own policy gives the delays: the default initialDelay (1s), exponential.
    await clock.advance(1000);
    await clock.advance(2000);
    expect(await pending).toMatchObject({ success: false, steps: { a: { attempts: 3 } } });
    expect(flaky).toHaveBeenCalledTimes(3);
    runtime.stop();
  });

  it('timeout overrides the task timeout', async () => {
    const { runtime, clock } = start();
    runtime.registerFlow(flow({ timeout: '10ms' }, 'slow'));
    const pending = runtime.executeFlow('f', {});
    await clock.advance(10);
    expect(await pending).toMatchObject({ success: false, error: { name: 'TimeoutError', message: 'Step "a" timed out after 10ms', step: 'a' } });
    runtime.stop();
  });

  it('refuses maxRetries that is not an integer ≥ 0, and a timeout that is not a duration', () => {
    const { runtime } = start();
    expect(() => runtime.registerFlow(flow({ maxRetries: -1 }))).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', message: 'Step "a": maxRetries counts the retries after the first attempt and must be an integer ≥ 0, found -1' }),
    );
    expect(() => runtime.registerFlow(flow({ maxRetries: 1.5 }))).toThrow(UsageError);
    expect(() => runtime.registerFlow(flow({ timeout: 'soon' }))).toThrow(expect.objectContaining({ code: 'SYSTEM_INVALID', message: expect.stringContaining('flows.f.steps[0].timeout') }));
    runtime.stop();
  });
});
