// convertDslToFlow on flows in the older DSL shape (decisions with branches of step ids, task steps with taskId),
// and name and description kept through the conversions.
import { describe, expect, it } from 'vitest';
import { FlowStepType, ReactiveSystemRuntime, UsageError, convertDslToFlow, convertFlowToDsl, defineSystem } from '../../src/index.js';
import { createClock } from '../support/time.js';

const high = (input: unknown) => (input as { value: number }).value > 10;

const older = {
  id: 'review',
  name: 'Review flow',
  description: 'Checks a value and takes one of two paths',
  steps: [
    { id: 'step1', name: 'First', type: 'task', taskId: 'task1' },
    {
      id: 'decide',
      name: 'Is it high?',
      type: 'decision',
      condition: high,
      branches: [
        { id: 'yes', name: 'High', steps: ['step2', 'step3'] },
        { id: 'no', name: 'Low', steps: ['step4'] },
      ],
    },
    { id: 'step2', type: 'task', taskId: 'task2', input: { level: 'high' } },
    { id: 'step3', type: 'task', taskId: 'task3' },
    { id: 'step4', type: 'task', taskId: 'task4' },
    { id: 'last', type: 'task', taskId: 'task1' },
  ],
};

describe('convertDslToFlow with the older DSL shape', () => {
  it('turns a decision into a condition whose branches hold the steps they name, moved out of the top level', () => {
    expect(convertDslToFlow(older)).toEqual({
      id: 'review',
      name: 'Review flow',
      description: 'Checks a value and takes one of two paths',
      steps: [
        { id: 'step1', name: 'First', type: FlowStepType.TASK, taskId: 'task1' },
        {
          id: 'decide',
          name: 'Is it high?',
          type: FlowStepType.CONDITION,
          condition: high,
          thenSteps: [
            { id: 'step2', type: FlowStepType.TASK, taskId: 'task2', input: { level: 'high' } },
            { id: 'step3', type: FlowStepType.TASK, taskId: 'task3' },
          ],
          elseSteps: [{ id: 'step4', type: FlowStepType.TASK, taskId: 'task4' }],
        },
        { id: 'last', type: FlowStepType.TASK, taskId: 'task1' },
      ],
    });
  });

  it('gives a decision with one branch no else steps, and keeps an expression condition as it is', () => {
    const flow = convertDslToFlow({
      id: 'f',
      steps: [
        { id: 'd', type: 'decision', condition: 'input.value > 10', branches: [{ id: 'b', name: 'B', steps: ['t'] }] },
        { id: 't', type: 'task', taskId: 'task1' },
      ],
    });
    expect(flow.steps).toEqual([{ id: 'd', type: 'condition', condition: 'input.value > 10', thenSteps: [{ id: 't', type: 'task', taskId: 'task1' }], elseSteps: [] }]);
  });

  it('runs as the older flow meant: the first branch when the condition holds, the second when not', async () => {
    const system = defineSystem({ id: 's', tasks: { task1: {}, task2: {}, task3: {}, task4: {} } });
    const rt = new ReactiveSystemRuntime(system, { clock: createClock() });
    const calls: string[] = [];
    for (const id of ['task1', 'task2', 'task3', 'task4']) {
      rt.registerTaskImplementation(id, async () => {
        calls.push(id);
        return { ran: id };
      });
    }
    rt.registerFlow(convertDslToFlow(older));
    const highRun = await rt.executeFlow('review', { value: 20 });
    expect(calls.splice(0)).toEqual(['task1', 'task2', 'task3', 'task1']);
    const lowRun = await rt.executeFlow('review', { value: 1 });
    expect(calls).toEqual(['task1', 'task4', 'task1']);
    expect(highRun).toMatchObject({ success: true, output: { ran: 'task1' } });
    expect(Object.keys(lowRun.steps).sort()).toEqual(['decide', 'last', 'step1', 'step4']);
    rt.stop();
  });

  it.each([
    ['a branch names a step the flow does not have', [{ id: 'd', type: 'decision', condition: 'true', branches: [{ id: 'b', steps: ['ghost'] }] }], /flow "f" steps\[0\] \(decision "d"\) branches\[0\] names step "ghost", which is no step of the flow; its steps are d/],
    ['two branches share a step', [{ id: 'd', type: 'decision', condition: 'true', branches: [{ steps: ['t'] }, { steps: ['t'] }] }, { id: 't', type: 'task', taskId: 'x' }], /Step "t" of flow "f" is in two branches of decision "d"; a step belongs to one branch/],
    ['a decision has three branches', [{ id: 'd', type: 'decision', condition: 'true', branches: [{ steps: [] }, { steps: [] }, { steps: [] }] }], /has 3 branches; a decision converts to a condition, which has two \(then, else\)/],
    ['a branch is not { steps: [...] }', [{ id: 'd', type: 'decision', condition: 'true', branches: ['t'] }], /branches\[0\] is not a branch of the older shape: expected \{ id, name, steps: \[stepId…\] \}, got "t"/],
    ['a decision is in its own branch', [{ id: 'd', type: 'decision', condition: 'true', branches: [{ steps: ['d'] }] }], /Steps "d" of flow "f" are only in branches of decisions that are inside their own branches/],
  ])('refuses an older flow in which %s, with a UsageError that says where', (_case, steps, message) => {
    let error: unknown;
    try {
      convertDslToFlow({ id: 'f', steps });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect(error).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(message) });
  });
});

describe('name and description through the conversions', () => {
  it('convertDslToFlow keeps a DSL flow’s name and description', () => {
    const flow = convertDslToFlow({ id: 'f', name: 'The flow', description: 'What it does', steps: [{ id: 'a', type: 'task', task: 't' }] });
    expect(flow).toEqual({ id: 'f', name: 'The flow', description: 'What it does', steps: [{ id: 'a', type: 'task', taskId: 't' }] });
  });

  it('convertFlowToDsl keeps the description and each step’s name and description', () => {
    const dsl = convertFlowToDsl({ id: 'f', name: 'The flow', description: 'What it does', steps: [{ id: 'a', name: 'A', description: 'Step a', type: FlowStepType.TASK, taskId: 't' }] });
    expect(dsl.description).toBe('What it does');
    expect(dsl.steps).toEqual([{ id: 'a', name: 'A', description: 'Step a', type: 'task', task: 't' }]);
  });
});
