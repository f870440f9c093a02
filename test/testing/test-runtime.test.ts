import type { InspectionEvent } from 'xstate';
import { describe, expect, it } from 'vitest';
import { defineSystem, RuntimeCoreError } from '../../src/index.js';
import { createTestRuntime, installMatchers } from '../../src/testing/index.js';
import orders from '../../examples/orders/system.js';
import { createOrderServices } from '../../examples/orders/tasks.js';

installMatchers();

const placed = {
  orderId: 'o-1',
  total: 20,
  card: '5555',
  address: { country: 'GB' },
  lines: [{ sku: 'tea', qty: 2 }],
};

describe('createTestRuntime: the orders system on a simulated clock', () => {
  it('runs checkout and the order process, recording task calls', async () => {
    const services = createOrderServices();
    const t = createTestRuntime(orders, { tasks: services.tasks });
    const order = t.process('order');
    t.sendEvent('order.placed', placed);
    t.sendEvent('order.paid', { processId: 'order', orderId: 'o-1', amount: 20 });
    // The gateway's first request is busy: the retry waits 100ms, in simulated time.
    await t.advance('100ms');
    expect(order).toBeInState('paid');
    const checkout = t.trace('checkout-1');
    expect(checkout).toBeInState('ship');
    t.sendEvent('order.shipped', { orderId: 'o-1' });
    await t.settle();
    expect(order).toBeInState('shipped');
    expect(order).toHaveVisited(['pending', 'paid', 'shipped']);
    expect(checkout).toHaveVisited(['charge.$attempt', 'charge.$backoff', 'charge.$attempt', 'big', 'reserve', 'notify', 'ship', 'succeeded']);

    expect(t.calls('chargeCard')).toEqual([
      { orderId: 'o-1', amount: 20, card: '5555' },
      { orderId: 'o-1', amount: 20, card: '5555' },
    ]);
    expect(t.taskCalls('chargeCard').map(({ attempt, at, instanceId, outcome }) => ({ attempt, at, instanceId, status: outcome?.status }))).toEqual([
      { attempt: 1, at: 0, instanceId: 'checkout-1', status: 'failed' },
      { attempt: 2, at: 100, instanceId: 'checkout-1', status: 'completed' },
    ]);
    expect(t.taskCalls('chargeCard')[0]?.outcome).toEqual({ status: 'failed', error: { name: 'GatewayBusy', message: 'card processor busy', code: 'BUSY' } });
    expect(t.calls('reserveLine')).toEqual([{ orderId: 'o-1', sku: 'tea', qty: 2 }]);
    expect(t.calls('refundPayment')).toEqual([]);
    expect(t.taskCalls().map((c) => c.taskId)).toEqual(['chargeCard', 'chargeCard', 'reserveLine', 'sendEmail', 'sendSms', 'bookShipment']);
  });

  it('gives handles on process instances, and spawns new ones', async () => {
    const t = createTestRuntime(orders);
    const o42 = t.createProcess('order', { instanceId: 'o-42', context: { paid: false, amount: 0, note: 'vip' } });
    expect(o42.instanceId).toBe('o-42');
    expect(o42.state).toBe('pending');
    o42.send('order.paid', { amount: 9 });
    await t.settle();
    expect(o42.value).toBe('paid');
    expect(o42.context).toEqual({ paid: true, amount: 9, note: 'vip' });
    // The default instance did not hear an event addressed to o-42.
    expect(t.process('order')).toBeInState('pending');
    expect(() => t.process('order', 'o-43')).toThrow('Unknown instance "o-43" of process "order"; known instances: order, o-42');
    expect(() => t.process('nope')).toThrow(expect.objectContaining({ code: 'UNKNOWN_PROCESS', message: 'Unknown process "nope"; known processes: order' }));
  });

  it('runs a task through its retries with executeTask, in simulated time', async () => {
    const t = createTestRuntime(orders, { tasks: createOrderServices().tasks });
    const result = await t.executeTask('chargeCard', { orderId: 'o-9', amount: 3 });
    expect(result).toMatchObject({ success: true, attempts: 2, output: { amount: 3 } });
    expect(t.now()).toBe(100);
  });

  it('collects what the runtime logs instead of printing it, and passes it on when asked', async () => {
    const system = defineSystem({
      id: 'logs',
      processes: { p: { initial: 'a', states: { a: { on: { go: { target: 'b', guard: 'len(event.items) > 0' } } }, b: {} } } },
    });
    const printed: string[] = [];
    const t = createTestRuntime(system, { logger: { error: (message) => void printed.push(message) } });
    t.process('p').send('go', {});
    await t.settle();
    expect(t.process('p')).toBeInState('a');
    expect(t.logs).toEqual([
      {
        level: 'error',
        message: expect.stringMatching(/^Process instance "p": a guard failed on event "go": len\(\) expects/),
        meta: { event: 'go' },
      },
    ]);
    expect(printed).toHaveLength(1);
  });

  it('hands inspection events to an inspect option too', () => {
    const seen: string[] = [];
    const t = createTestRuntime(orders, { inspect: (event: InspectionEvent) => void seen.push(event.type) });
    t.process('order').send('order.paid', { amount: 1 });
    expect(seen).toContain('@xstate.actor');
    expect(seen).toContain('@xstate.microstep');
    const observed: string[] = [];
    createTestRuntime(orders, { inspect: { next: (event) => void observed.push(event.type) } });
    expect(observed).toContain('@xstate.snapshot');
  });

  it('stops like the runtime', () => {
    const t = createTestRuntime(orders);
    t.stop();
    expect(() => t.sendEvent('order.paid', { amount: 1 })).toThrow(RuntimeCoreError);
  });
});
