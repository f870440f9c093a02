import { createActor } from 'xstate';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileSystem } from '../../src/index.js';
import { createTestRuntime, installMatchers, runtimeMatchers } from '../../src/testing/index.js';
import orders from '../../examples/orders/system.js';

beforeAll(() => installMatchers());

function paidOrder() {
  const t = createTestRuntime(orders);
  const order = t.process('order');
  order.send('order.paid', { orderId: 'o-1', amount: 5 });
  return { t, order };
}

describe('toHaveVisited', () => {
  it('passes when the instance entered the states in this order', async () => {
    const { t, order } = paidOrder();
    order.send('order.shipped', { orderId: 'o-1' });
    await t.settle();
    expect(t.trace('order')).toHaveVisited(['pending', 'paid', 'shipped']);
    expect(order).toHaveVisited(['pending', 'shipped']);
    expect(order.trace).not.toHaveVisited(['paid', 'pending']);
    expect(order).not.toHaveVisited(['refunded']);
  });

  it('says where the expected sequence broke off, and what was visited', () => {
    const { order } = paidOrder();
    expect(() => expect(order.trace).toHaveVisited(['pending', 'paid', 'shipped'])).toThrowError(
      'expected instance "order" to have visited pending → paid → shipped, but after pending → paid it never entered "shipped".\nStates: pending → paid\nEvents: xstate.init → order.paid',
    );
    expect(() => expect(order).not.toHaveVisited(['paid'])).toThrowError(/expected instance "order" not to have visited paid, but it did/);
  });

  it('needs a trace', () => {
    const { order } = paidOrder();
    expect(() => expect(order.actor).toHaveVisited(['paid'])).toThrowError(TypeError);
    expect(() => expect(order).toHaveVisited('paid' as never)).toThrowError(/an array of state names/);
  });
});

describe('toBeInState', () => {
  it('takes a process handle, a flow handle, an actor, a trace or a snapshot', async () => {
    const { t, order } = paidOrder();
    expect(order).toBeInState('paid');
    expect(order.actor).toBeInState('paid');
    expect(order.trace).toBeInState('paid');
    expect(order.actor.getSnapshot()).toBeInState('paid');
    expect(order).not.toBeInState('pending');

    t.registerTaskImplementation('bookShipment', async () => ({ trackingId: 't-1' }));
    const flow = t.startFlow('shipping', { orderId: 'o-1', address: { country: 'GB' } });
    expect(flow).toBeInState('label');
    await t.settle();
    expect(flow).toBeInState('running.pickup');
    expect(flow).toBeInState('pickup');

    const machine = compileSystem(orders).processes.order;
    if (!machine) throw new Error('orders has an order process');
    const plain = createActor(machine, { input: {} }).start();
    expect(plain).toBeInState('pending');
  });

  it('names the state it is in when it fails', () => {
    const { order } = paidOrder();
    expect(() => expect(order).toBeInState('shipped')).toThrowError('expected instance "order" to be in state "shipped", but it is in paid');
    expect(() => expect(order).not.toBeInState('paid')).toThrowError('expected instance "order" not to be in state "paid", but it is: paid');
    expect(() => expect(42).toBeInState('paid')).toThrowError(TypeError);
  });
});

describe('runtimeMatchers and installMatchers', () => {
  it('are plain matcher functions that return pass and a message', () => {
    const { order } = paidOrder();
    const result = runtimeMatchers.toBeInState.call({}, order, 'paid');
    expect(result.pass).toBe(true);
    expect(result.message()).toContain('not to be in state "paid"');
    expect(runtimeMatchers.toHaveVisited.call({}, order.trace, ['pending', 'paid']).pass).toBe(true);
  });

  it('extend the expect they are given, or say they need one', () => {
    const extended: string[] = [];
    installMatchers({ extend: (matchers) => void extended.push(...Object.keys(matchers)) });
    expect(extended).toEqual(['toHaveVisited', 'toBeInState']);
    const key = Symbol.for('expect-global');
    const global = globalThis as Record<symbol, unknown>;
    const saved = global[key];
    global[key] = undefined;
    try {
      expect(() => installMatchers()).toThrowError(/pass it: installMatchers\(expect\)/);
    } finally {
      global[key] = saved;
    }
  });
});
