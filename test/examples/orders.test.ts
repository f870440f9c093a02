import { describe, expect, it } from 'vitest';
import { ReactiveSystemRuntime, getEventContext, validateSystem, type FlowExecutionResult } from '../../src/index.js';
import system from '../../examples/orders/system.js';
import { createOrderServices } from '../../examples/orders/tasks.js';
import { createClock, recordStates } from '../support/time.js';

const hour = 3_600_000;

function order(overrides: Record<string, unknown> = {}) {
  return {
    orderId: 'o-1',
    total: 250,
    card: '4242424242424242',
    address: { street: '1 Teapot Lane', city: 'Leeds', country: 'GB' },
    lines: [{ sku: 'tea', qty: 2 }, { sku: 'cup', qty: 1 }, { sku: 'pot', qty: 1 }],
    ...overrides,
  };
}

function setup() {
  const clock = createClock();
  const runtime = new ReactiveSystemRuntime(system, { clock });
  const services = createOrderServices();
  runtime.registerTaskImplementations(services.tasks);
  const processStates = recordStates(runtime.getActor('order'));
  const events: string[] = [];
  runtime.registerEventHandler('*', () => {
    const { type } = getEventContext();
    if (!type.startsWith('task.')) events.push(type);
  });
  return { clock, runtime, processStates, events, ...services };
}

/** Places an order the way the shop does (the trigger event) and watches the checkout flow it starts. */
function placeOrder(runtime: ReactiveSystemRuntime, payload: Record<string, unknown>) {
  const watched: { states: string[]; result?: Promise<FlowExecutionResult> } = { states: [] };
  const stop = runtime.registerEventHandler('flow.started', ({ flowId, instanceId }) => {
    if (flowId !== 'checkout') return;
    const actor = runtime.getActor(String(instanceId));
    watched.states = recordStates(actor);
    // A flow actor's output is its result.
    watched.result = new Promise((resolve) => actor.subscribe({ complete: () => resolve(actor.getSnapshot().output as FlowExecutionResult) }));
  });
  runtime.sendEvent('order.placed', payload);
  stop();
  if (!watched.result) throw new Error('order.placed started no checkout flow');
  return watched as { states: string[]; result: Promise<FlowExecutionResult> };
}

describe('examples/orders: order fulfilment', () => {
  it('is a valid document', () => {
    expect(validateSystem(system)).toEqual({ valid: true, errors: [] });
  });

  it('charges (retrying a busy gateway), reviews, reserves, notifies and ships', async () => {
    const { clock, runtime, processStates, events, gateway, warehouse, carrier, outbox } = setup();
    const retries: unknown[] = [];
    runtime.registerEventHandler('task.retrying', (p) => void retries.push(p));
    const checkout = placeOrder(runtime, order());
    runtime.sendEvent('order.paid', { processId: 'order', orderId: 'o-1', amount: 250 });
    await clock.advance(100);
    expect(carrier.parcels.get('o-1')).toBe('trk_o-1');
    await clock.advance(hour);
    runtime.sendEvent('order.shipped', { orderId: 'o-1' });
    const result = await checkout.result;

    expect(checkout.states).toEqual([
      'running.charge.$attempt',
      'running.charge.$backoff',
      'running.charge.$attempt',
      'running.big.$then.review',
      'running.reserve',
      'running.notify.$branch0.email, running.notify.$branch1.sms',
      'running.notify.$branch0.$done, running.notify.$branch1.sms',
      'running.ship.$run',
      'succeeded',
    ]);
    expect(result).toMatchObject({ success: true, output: { orderId: 'o-1', chargeId: 'ch_o-1', reserved: 3 } });
    expect(result.steps.charge).toMatchObject({ status: 'completed', attempts: 2 });
    expect(result.steps.ship?.output).toEqual({ trackingId: 'trk_o-1' });
    expect(retries).toEqual([expect.objectContaining({ taskId: 'chargeCard', nextAttempt: 2, delayMs: 100, error: expect.objectContaining({ name: 'GatewayBusy', code: 'BUSY' }) })]);
    expect(processStates).toEqual(['pending', 'paid', 'shipped']);
    expect(gateway.charges.size).toBe(1);
    expect(warehouse.reservations.get('o-1')).toEqual([{ sku: 'tea', qty: 2 }, { sku: 'cup', qty: 1 }, { sku: 'pot', qty: 1 }]);
    expect(Object.fromEntries(warehouse.stock)).toEqual({ tea: 8, cup: 4, pot: 1, kettle: 0 });
    expect(outbox).toEqual([
      { channel: 'email', orderId: 'o-1', template: 'order-confirmed' },
      { channel: 'sms', orderId: 'o-1', text: 'Order o-1 confirmed' },
    ]);
    expect(events).toEqual(['order.placed', 'flow.started', 'order.paid', 'order.shipped', 'flow.completed']);
  });

  it('skips the review of small orders', async () => {
    const { clock, runtime } = setup();
    const checkout = placeOrder(runtime, order({ total: 40, lines: [{ sku: 'cup', qty: 2 }] }));
    await clock.advance(100);
    runtime.sendEvent('order.shipped', { orderId: 'o-1' });
    const result = await checkout.result;
    expect(checkout.states).not.toContain('running.big.$then.review');
    expect(result.steps.big).toMatchObject({ status: 'completed' });
    expect(result.steps.review).toBeUndefined();
    expect(result.output).toMatchObject({ reserved: 1 });
  });

  it('does not retry a declined card: the checkout fails at the charge and the order is declined', async () => {
    const { clock, runtime, processStates, warehouse, outbox, gateway } = setup();
    const checkout = placeOrder(runtime, order({ card: '4000000000000002' }));
    await clock.advance(100);
    await clock.advance(10_000);
    const result = await checkout.result;

    // The first attempt meets the busy gateway (retried); the second is declined, and nothing more is tried.
    expect(checkout.states).toEqual(['running.charge.$attempt', 'running.charge.$backoff', 'running.charge.$attempt', 'failed']);
    expect(result.success).toBe(false);
    expect(result.error).toEqual({ name: 'CardDeclined', message: 'card ending 0002 was declined', step: 'charge' });
    expect(result.steps.charge).toMatchObject({ status: 'failed', attempts: 2 });
    expect(gateway.charges.size).toBe(0);
    expect(warehouse.reservations.size).toBe(0);
    expect(outbox).toEqual([]);
    expect(processStates).toEqual(['pending', 'declined']);
    expect(runtime.getProcessContext('order')).toMatchObject({ paid: false, reason: 'card ending 0002 was declined' });
  });

  it('back-orders a line that is out of stock and goes on', async () => {
    const { clock, runtime, warehouse } = setup();
    const checkout = placeOrder(runtime, order({ lines: [{ sku: 'tea', qty: 1 }, { sku: 'kettle', qty: 1 }, { sku: 'pot', qty: 5 }] }));
    await clock.advance(100);
    runtime.sendEvent('order.shipped', { orderId: 'o-1' });
    const result = await checkout.result;

    expect(result).toMatchObject({ success: true, output: { reserved: 3 } });
    expect(warehouse.backorders).toEqual([
      { orderId: 'o-1', sku: 'kettle', qty: 1 },
      { orderId: 'o-1', sku: 'pot', qty: 5 },
    ]);
    expect(warehouse.reservations.get('o-1')).toEqual([{ sku: 'tea', qty: 1 }]);
    expect((result.steps.reserve?.output as unknown[])[0]).toEqual({ sku: 'tea', reserved: 1 });
  });

  // Engine issue (reported): a forEach item whose body step failed and was caught yields `undefined`,
  // while docs/dsl.md says an item's result is "the output of the last body step that ran for it".
  it("a back-ordered line's result is its back-order", async () => {
    const { clock, runtime } = setup();
    const checkout = placeOrder(runtime, order({ lines: [{ sku: 'kettle', qty: 1 }] }));
    await clock.advance(100);
    runtime.sendEvent('order.shipped', { orderId: 'o-1' });
    const result = await checkout.result;
    expect(result.steps.reserve?.output).toEqual([{ sku: 'kettle', backordered: 1, reason: 'only 0 of kettle left, 1 wanted' }]);
  });

  it('compensates when the carrier rejects the address: refunds the charge, releases the stock, says sorry', async () => {
    const { clock, runtime, processStates, gateway, warehouse, outbox } = setup();
    const checkout = placeOrder(runtime, order({ address: { city: 'Boston', country: 'US' } }));
    runtime.sendEvent('order.paid', { processId: 'order', orderId: 'o-1', amount: 250 });
    await clock.advance(100);
    const result = await checkout.result;

    expect(checkout.states.slice(-5)).toEqual([
      'running.ship.$run',
      'running.ship.$catch.refund.$attempt',
      'running.ship.$catch.release',
      'running.ship.$catch.apologise',
      'succeeded',
    ]);
    expect(result.output).toEqual({ orderId: 'o-1', status: 'refunded', refundId: 're_o-1', reason: 'we do not deliver to US' });
    // AddressRejected is not retryable: one attempt of bookShipment, the shipping sub-flow failed at its label step.
    expect(result.steps.ship).toMatchObject({ status: 'failed', error: { name: 'AddressRejected', step: 'label' } });
    expect(result.steps.release?.output).toEqual({ released: [{ sku: 'tea', qty: 2 }, { sku: 'cup', qty: 1 }, { sku: 'pot', qty: 1 }] });
    expect([...gateway.charges.values()]).toEqual([{ chargeId: 'ch_o-1', orderId: 'o-1', amount: 250, refundId: 're_o-1' }]);
    expect(Object.fromEntries(warehouse.stock)).toEqual({ tea: 10, cup: 5, pot: 2, kettle: 0 });
    expect(warehouse.reservations.size).toBe(0);
    expect(outbox.map((m) => m.template ?? m.text)).toEqual(['order-confirmed', 'Order o-1 confirmed', 'order-cancelled']);
    // The refund task's webhook event moved the order process.
    expect(processStates).toEqual(['pending', 'paid', 'refunded']);
    expect(runtime.getProcessContext('order')).toEqual({ paid: false, amount: 250, refundId: 're_o-1' });
  });

  it('compensates when the carrier does not pick the parcel up within 2 days', async () => {
    const { clock, runtime, warehouse } = setup();
    const checkout = placeOrder(runtime, order());
    await clock.advance(100);
    await clock.advance(48 * hour - 1);
    expect(checkout.states.at(-1)).toBe('running.ship.$run');
    await clock.advance(1);
    const result = await checkout.result;

    expect(result.steps.ship).toMatchObject({ status: 'failed', error: { name: 'TimeoutError', step: 'pickup' } });
    expect(result.output).toMatchObject({ status: 'refunded', reason: 'Step "pickup" timed out after 172800000ms' });
    expect(warehouse.reservations.size).toBe(0);
  });

  it('rejects an order.placed payload without lines, and starts nothing', () => {
    const { runtime, events } = setup();
    expect(() => runtime.sendEvent('order.placed', { orderId: 'o-1', total: 5 })).toThrow(expect.objectContaining({ code: 'INVALID_PAYLOAD' }));
    expect(events).toEqual([]);
  });
});
