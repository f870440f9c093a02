import { describe, expect, it } from 'vitest';
import { ReactiveSystemRuntime, defineSystem, getTaskContext } from '../../src/index.js';
import { createClock, recordStates, settle } from '../support/time.js';

const system = defineSystem({
  id: 'orders',
  tasks: {
    reserveStock: { retry: { maxAttempts: 2, initialDelay: '1s' } },
  },
  processes: {
    order: {
      initial: 'pending',
      context: { paid: false, total: 0 },
      states: {
        pending: {
          on: {
            'order.paid': {
              target: 'paid',
              guard: 'event.amount > 0',
              actions: [{ type: 'assign', values: { paid: 'true', total: 'event.amount' } }],
            },
            'order.cancelled': 'cancelled',
          },
          after: { '1h': 'expired' },
        },
        paid: {
          invoke: {
            task: 'reserveStock',
            input: '{ "amount": context.total }',
            onDone: { target: 'ready', actions: [{ type: 'assign', values: { reservation: 'event.id' } }] },
            onError: { target: 'failed', actions: [{ type: 'assign', values: { reason: 'event.message' } }] },
          },
          on: { 'order.abandon': 'failed' },
        },
        ready: { entry: [{ type: 'emit', event: 'order.ready', payload: '{ "total": context.total }' }] },
        failed: {},
        expired: { type: 'final' },
        cancelled: { type: 'final' },
      },
    },
    ticket: {
      initial: 'open',
      on: { 'ticket.reset': 'open' },
      states: { open: { on: { 'ticket.close': 'closed' } }, closed: {} },
    },
    light: {
      states: ['off', 'on'],
      transitions: [
        { from: 'off', to: 'on', on: 'toggle' },
        { from: 'on', to: 'off', on: 'toggle' },
      ],
    },
    machine: {
      type: 'parallel',
      states: {
        power: { initial: 'off', states: { off: { on: { 'power.on': 'on' } }, on: {} } },
        door: { initial: 'closed', states: { closed: { on: { 'door.open': 'open' } }, open: {} } },
      },
    },
  },
});

function setup() {
  const clock = createClock();
  const rt = new ReactiveSystemRuntime(system, { clock });
  return { rt, clock };
}

describe('processes', () => {
  it('every process has a default instance that events move, guarded, with assign actions', async () => {
    const { rt } = setup();
    rt.registerTaskImplementation('reserveStock', async (input: { amount: number }) => ({ id: `r-${input.amount}` }));
    const ready: unknown[] = [];
    rt.registerEventHandler('order.ready', (payload) => void ready.push(payload));
    expect(rt.getProcessState('order')).toBe('pending');
    rt.sendEvent('order.paid', { processId: 'order', amount: 0 });
    expect(rt.getProcessState('order')).toBe('pending');
    rt.sendEvent('order.paid', { processId: 'order', amount: 5 });
    expect(rt.getProcessState('order')).toBe('paid');
    await settle();
    expect(rt.getProcessState('order')).toBe('ready');
    expect(rt.getProcessContext('order')).toEqual({ paid: true, total: 5, reservation: 'r-5' });
    expect(ready).toEqual([{ total: 5 }]);
  });

  it('an invoked task that fails after its retries takes onError with the error as event', async () => {
    const { rt, clock } = setup();
    rt.registerTaskImplementation('reserveStock', async () => {
      throw new Error('no stock');
    });
    const actor = rt.getActor('order');
    const states = recordStates(actor);
    rt.sendEvent('order.paid', { processId: 'order', amount: 5 });
    await clock.advance(1000);
    expect(states).toEqual(['pending', 'paid', 'failed']);
    expect(rt.getProcessContext('order')).toMatchObject({ reason: 'no stock' });
  });

  it('createProcess spawns more instances, each addressed by instanceId', () => {
    const { rt } = setup();
    const id = rt.createProcess('order', { instanceId: 'o-42', context: { total: 9 } });
    expect(id).toBe('o-42');
    rt.sendEvent('order.cancelled', { instanceId: 'o-42' });
    expect(rt.getProcessState('order', 'o-42')).toBe('cancelled');
    expect(rt.getProcessState('order')).toBe('pending');
    expect(rt.getProcessContext('order', 'o-42')).toEqual({ paid: false, total: 9 });
  });

  it('after delays are durable timers driven by the clock', async () => {
    const { rt, clock } = setup();
    await clock.advance(3_599_999);
    expect(rt.getProcessState('order')).toBe('pending');
    await clock.advance(1);
    expect(rt.getProcessState('order')).toBe('expired');
  });

  it('an event without an address goes to every instance that listens for it', () => {
    const { rt } = setup();
    rt.createProcess('light', { instanceId: 'hall' });
    rt.sendEvent('toggle');
    expect(rt.getProcessState('light')).toBe('on');
    expect(rt.getProcessState('light', 'hall')).toBe('on');
  });

  it('the flat shape (states list + transitions) behaves as a statechart, the first state initial', () => {
    const { rt } = setup();
    expect(rt.getProcessState('light')).toBe('off');
    rt.sendEvent('toggle', { processId: 'light' });
    rt.sendEvent('toggle', { processId: 'light' });
    expect(rt.getProcessState('light')).toBe('off');
  });

  it('process-level transitions are taken from any state and name top-level states', () => {
    const { rt } = setup();
    rt.sendEvent('ticket.close', { processId: 'ticket' });
    expect(rt.getProcessState('ticket')).toBe('closed');
    rt.sendEvent('ticket.reset', { processId: 'ticket' });
    expect(rt.getProcessState('ticket')).toBe('open');
  });

  it('leaving a state stops its invoked task, whose signal fires', async () => {
    const { rt } = setup();
    let signal: AbortSignal | undefined;
    rt.registerTaskImplementation('reserveStock', () => {
      signal = getTaskContext().signal;
      return new Promise(() => undefined);
    });
    rt.sendEvent('order.paid', { processId: 'order', amount: 5 });
    await settle();
    expect(signal?.aborted).toBe(false);
    rt.sendEvent('order.abandon', { processId: 'order' });
    expect(rt.getProcessState('order')).toBe('failed');
    expect(signal?.aborted).toBe(true);
  });

  it('parallel states move independently', () => {
    const { rt } = setup();
    rt.sendEvent('door.open', { processId: 'machine' });
    expect(rt.getProcessState('machine')).toEqual({ power: 'off', door: 'open' });
    rt.sendEvent('power.on', { processId: 'machine' });
    expect(rt.getProcessState('machine')).toEqual({ power: 'on', door: 'open' });
  });

  it('unknown processes and instances are errors that name what exists', () => {
    const { rt } = setup();
    expect(() => rt.getProcessState('nope')).toThrow(expect.objectContaining({ code: 'UNKNOWN_PROCESS', message: expect.stringContaining('known processes: order, ticket, light, machine') }));
    expect(() => rt.getProcessState('order', 'o-1')).toThrow(expect.objectContaining({ code: 'UNKNOWN_INSTANCE' }));
    expect(() => rt.sendEvent('order.paid', { instanceId: 'ghost' })).toThrow(expect.objectContaining({ code: 'UNKNOWN_INSTANCE' }));
    expect(() => rt.createProcess('order', { instanceId: 'order' })).toThrow(expect.objectContaining({ code: 'DUPLICATE_INSTANCE' }));
    expect(() => rt.createProcess('order', { context: [] as never })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(rt.getProcessState('order')).toBe('pending');
  });
});
