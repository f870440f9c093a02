import { describe, expect, it } from 'vitest';
import { ReactiveSystemRuntime, defineSystem } from '../../src/index.js';
import { createClock, recordStates, settle } from '../support/time.js';

const system = defineSystem({
  id: 'waits',
  events: {
    'payment.confirmed': { payload: { type: 'object', properties: { orderId: { type: 'string' } } } },
    'order.placed': {},
  },
  tasks: { ship: {} },
  flows: {
    cool: { steps: [{ id: 'cool', type: 'wait', duration: '5m' }, { id: 'ship', type: 'task', task: 'ship' }] },
    paid: {
      steps: [
        { id: 'paid', type: 'event', event: 'payment.confirmed', match: 'event.orderId == input.orderId', timeout: '1h' },
        { id: 'ship', type: 'task', task: 'ship', input: 'steps.paid' },
      ],
    },
    triggered: { trigger: 'order.placed', steps: [{ id: 'ship', type: 'task', task: 'ship' }] },
  },
});

function setup() {
  const clock = createClock();
  const rt = new ReactiveSystemRuntime(system, { clock });
  const shipped: unknown[] = [];
  rt.registerTaskImplementation('ship', async (input: unknown) => (shipped.push(input), 'shipped'));
  return { rt, clock, shipped };
}

describe('wait', () => {
  it('holds the flow in a timer state until the clock reaches the deadline', async () => {
    const { rt, clock, shipped } = setup();
    const handle = rt.startFlow('cool', {});
    const states = recordStates(handle.actor);
    await clock.advance(299_999);
    expect(shipped).toEqual([]);
    await clock.advance(1);
    expect((await handle.result()).success).toBe(true);
    expect(states).toEqual(['running.cool', 'running.ship', 'succeeded']);
  });
});

describe('event step', () => {
  it('wakes only on an event whose payload matches, and outputs the payload', async () => {
    const { rt, shipped } = setup();
    const handle = rt.startFlow('paid', { orderId: 'o-1' });
    rt.sendEvent('payment.confirmed', { orderId: 'o-2' });
    await settle();
    expect(handle.actor.getSnapshot().value).toEqual({ running: 'paid' });
    rt.sendEvent('payment.confirmed', { orderId: 'o-1', amount: 5 });
    const result = await handle.result();
    expect(result.success).toBe(true);
    expect(result.steps.paid?.output).toEqual({ orderId: 'o-1', amount: 5 });
    expect(shipped).toEqual([{ orderId: 'o-1', amount: 5 }]);
  });

  it('fails with a TimeoutError when no matching event comes in time', async () => {
    const { rt, clock } = setup();
    const handle = rt.startFlow('paid', { orderId: 'o-1' });
    await clock.advance(3_600_000);
    expect(await handle.result()).toMatchObject({
      success: false,
      error: { name: 'TimeoutError', step: 'paid' },
      steps: { paid: { status: 'failed' } },
    });
  });

  it('rejects a payload that fails the event schema, leaving waiting flows untouched', async () => {
    const { rt } = setup();
    const handle = rt.startFlow('paid', { orderId: 'o-1' });
    expect(() => rt.sendEvent('payment.confirmed', { orderId: 42 })).toThrow(
      expect.objectContaining({ code: 'INVALID_PAYLOAD', message: expect.stringContaining('payload.orderId') }),
    );
    expect(handle.actor.getSnapshot().value).toEqual({ running: 'paid' });
  });
});

describe('trigger', () => {
  it('starts a flow when its trigger event is sent, with the payload as input', async () => {
    const { rt, shipped } = setup();
    const completed: unknown[] = [];
    rt.registerEventHandler('flow.completed', (payload) => void completed.push(payload));
    rt.sendEvent('order.placed', { orderId: 'o-9' });
    await settle();
    expect(shipped).toEqual([{ orderId: 'o-9' }]);
    expect(completed).toMatchObject([{ flowId: 'triggered', output: 'shipped' }]);
  });
});
