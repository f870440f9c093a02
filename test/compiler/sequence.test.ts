import { describe, expect, it } from 'vitest';
import { ReactiveSystemRuntime, defineSystem } from '../../src/index.js';
import { createClock, recordStates } from '../support/time.js';

const system = defineSystem({
  id: 'seq',
  tasks: { a: {}, b: {}, c: {} },
  flows: {
    seq: {
      steps: [
        { id: 'a', type: 'task', task: 'a' },
        { id: 'b', type: 'task', task: 'b', input: '{ "n": steps.a.n + 1 }' },
        { id: 'c', type: 'task', task: 'c', input: 'steps.b' },
      ],
    },
    withOutput: {
      output: '{ "total": steps.a.n + steps.b.n }',
      steps: [
        { id: 'a', type: 'task', task: 'a' },
        { id: 'b', type: 'task', task: 'b', input: '{ "n": 10 }' },
      ],
    },
    empty: { steps: [] },
  },
});

function runtime() {
  const rt = new ReactiveSystemRuntime(system, { clock: createClock() });
  rt.registerTaskImplementations({
    a: async (input: { n?: number }) => ({ n: input?.n ?? 1 }),
    b: async (input: { n: number }) => ({ n: input.n * 2 }),
    c: async (input: { n: number }) => ({ done: input.n }),
  });
  return rt;
}

describe('sequence', () => {
  it('runs steps in order as nested states, each output in context.steps', async () => {
    const rt = runtime();
    const handle = rt.startFlow('seq', { n: 3 });
    const states = recordStates(handle.actor);
    const result = await handle.result();
    expect(states).toEqual(['running.a', 'running.b', 'running.c', 'succeeded']);
    expect(result.success).toBe(true);
    expect(result.output).toEqual({ done: 8 });
    expect(result.steps).toEqual({
      a: { status: 'completed', output: { n: 3 }, attempts: 1 },
      b: { status: 'completed', output: { n: 8 }, attempts: 1 },
      c: { status: 'completed', output: { done: 8 }, attempts: 1 },
    });
    expect(result.instanceId).toBe(handle.instanceId);
  });

  it('a task step without an input mapping receives the flow input', async () => {
    const rt = runtime();
    const seen: unknown[] = [];
    rt.registerTaskImplementation('a', async (input: unknown) => (seen.push(input), { n: 1 }));
    await rt.executeFlow('seq', { data: 'input' });
    expect(seen).toEqual([{ data: 'input' }]);
  });

  it('uses the flow output expression when there is one', async () => {
    const result = await runtime().executeFlow('withOutput', {});
    expect(result.output).toEqual({ total: 21 });
  });

  it('an empty flow succeeds at once with no output', async () => {
    const result = await runtime().executeFlow('empty', {});
    expect(result).toMatchObject({ success: true, output: undefined, steps: {} });
  });

  it('the compiled machine has one state per step, named by step id', () => {
    const rt = runtime();
    const actor = rt.startFlow('seq', {}).actor;
    const states = actor.logic.root.states.running?.states ?? {};
    expect(Object.keys(states)).toEqual(['a', 'b', 'c', '$done']);
  });
});
