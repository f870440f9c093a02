import { describe, expect, it } from 'vitest';
import { FlowStepType, ReactiveSystemRuntime, convertDslToFlow, convertFlowToDsl, defineSystem, type RuntimeFlow } from '../../src/index.js';
import { createClock } from '../support/time.js';

const condition = (input: unknown, previous: Record<string, unknown>) => (input as { n: number }).n > 1 && previous.a !== undefined;

const programmatic: RuntimeFlow = {
  id: 'f',
  steps: [
    { id: 'a', type: FlowStepType.TASK, taskId: 'double', input: { n: 21 } },
    { id: 'c', type: FlowStepType.CONDITION, condition, thenSteps: [{ id: 't', type: FlowStepType.TASK, taskId: 'double' }], elseSteps: [] },
    { id: 'p', type: FlowStepType.PARALLEL, parallelSteps: [{ id: 'x', type: FlowStepType.TASK, taskId: 'double' }, [{ id: 'y', type: FlowStepType.WAIT, waitTime: 0 }]] },
  ],
};

describe('programmatic flows', () => {
  it('convert to DSL form: fixed inputs become JSON expressions, conditions stay functions', () => {
    const dsl = convertFlowToDsl(programmatic);
    expect(dsl).toEqual({
      id: 'f',
      steps: [
        { id: 'a', type: 'task', task: 'double', input: '{"n":21}' },
        { id: 'c', type: 'condition', if: condition, then: [{ id: 't', type: 'task', task: 'double' }], else: [] },
        { id: 'p', type: 'parallel', branches: [[{ id: 'x', type: 'task', task: 'double' }], [{ id: 'y', type: 'wait', duration: 0 }]] },
      ],
    });
  });

  it('convertDslToFlow(convertFlowToDsl(f)) behaves like f', async () => {
    const system = defineSystem({ id: 's', tasks: { double: {} } });
    const run = async (flow: RuntimeFlow) => {
      const rt = new ReactiveSystemRuntime(system, { clock: createClock() });
      rt.registerTaskImplementation('double', async (input: { n: number }) => ({ n: input.n * 2 }));
      rt.registerFlow(flow);
      return rt.executeFlow('f', { n: 2 });
    };
    const original = await run(programmatic);
    const roundTripped = await run(convertDslToFlow(convertFlowToDsl(programmatic)));
    expect(roundTripped).toEqual({ ...original, instanceId: roundTripped.instanceId });
    expect(original.steps.a?.output).toEqual({ n: 42 });
    expect(original.steps.t?.output).toEqual({ n: 4 });
  });

  it('registerFlow accepts a flow in DSL form and keeps its expressions', async () => {
    const rt = new ReactiveSystemRuntime(defineSystem({ id: 's', tasks: { double: {} }, flows: { inner: { steps: [{ id: 'i', type: 'task', task: 'double' }] } } }), {
      clock: createClock(),
    });
    rt.registerTaskImplementation('double', async (input: { n: number }) => ({ n: input.n * 2 }));
    rt.registerFlow({
      id: 'dsl',
      steps: [
        { id: 'a', type: 'task', task: 'double', input: '{ "n": input.n + 1 }' },
        { id: 'c', type: 'condition', if: 'steps.a.n > 5', then: [{ id: 'big', type: 'task', task: 'double', input: 'steps.a' }], else: [] },
        { id: 'sub', type: 'flow', flow: 'inner', input: 'steps.big' },
      ],
    });
    const result = await rt.executeFlow('dsl', { n: 2 });
    expect(result.steps.a?.output).toEqual({ n: 6 });
    expect(result.steps.big?.output).toEqual({ n: 12 });
    expect(result.output).toEqual({ n: 24 });
  });
});
