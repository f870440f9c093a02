import { describe, expect, it } from 'vitest';
import { ReactiveSystemRuntime, defineSystem } from '../../src/index.js';
import { createClock, recordStates } from '../support/time.js';

const system = defineSystem({
  id: 'cond',
  tasks: { charge: {}, review: {}, ship: {} },
  flows: {
    checkout: {
      steps: [
        { id: 'charge', type: 'task', task: 'charge' },
        {
          id: 'big',
          type: 'condition',
          if: 'steps.charge.amount > 100',
          then: [{ id: 'review', type: 'task', task: 'review' }],
          else: [],
        },
        { id: 'ship', type: 'task', task: 'ship' },
      ],
    },
  },
});

function runtime() {
  const rt = new ReactiveSystemRuntime(system, { clock: createClock() });
  rt.registerTaskImplementations({
    charge: async (input: { total: number }) => ({ amount: input.total }),
    review: async () => ({ reviewed: true }),
    ship: async () => ({ shipped: true }),
  });
  return rt;
}

describe('condition', () => {
  it('takes the then branch when the expression holds', async () => {
    const handle = runtime().startFlow('checkout', { total: 500 });
    const states = recordStates(handle.actor);
    const result = await handle.result();
    expect(states).toEqual(['running.charge', 'running.big.$then.review', 'running.ship', 'succeeded']);
    expect(result.steps.big).toEqual({ status: 'completed', output: { reviewed: true }, attempts: 0 });
    expect(result.steps.review?.status).toBe('completed');
  });

  it('takes the else branch (here empty) when it does not', async () => {
    const handle = runtime().startFlow('checkout', { total: 5 });
    const states = recordStates(handle.actor);
    const result = await handle.result();
    expect(states).toEqual(['running.charge', 'running.ship', 'succeeded']);
    expect(result.steps.review).toBeUndefined();
    expect(result.steps.big).toEqual({ status: 'completed', output: undefined, attempts: 0 });
  });

  it('a condition that fails to evaluate fails the flow with an ExpressionError, other flows go on', async () => {
    const rt = new ReactiveSystemRuntime(
      defineSystem({
        id: 'bad',
        tasks: { t: {} },
        flows: {
          broken: { steps: [{ id: 'c', type: 'condition', if: 'input.n * 2 > 1', then: [] }] },
          fine: { steps: [{ id: 't', type: 'task', task: 't' }] },
        },
      }),
      { clock: createClock(), logger: { error: () => undefined } },
    );
    rt.registerTaskImplementation('t', async () => 'ok');
    const broken = await rt.executeFlow('broken', { n: 'not a number' });
    expect(broken.success).toBe(false);
    expect(broken.error?.name).toBe('ExpressionError');
    expect(broken.error?.message).toContain('input.n * 2 > 1');
    expect((await rt.executeFlow('fine', {})).output).toBe('ok');
  });
});
