import { describe, expect, it } from 'vitest';
import { ReactiveSystemRuntime, defineSystem } from '../../src/index.js';
import { thrownCode } from '../support/errors.js';

const quiet = { warn: () => undefined, error: () => undefined };

/** An event whose payload schema allows nothing but `amount`: the payload form of addressing cannot fit in it. */
const system = defineSystem({
  id: 'addressing',
  version: '1.0.0',
  events: {
    'order.paid': { payload: { type: 'object', additionalProperties: false, required: ['amount'], properties: { amount: { type: 'number' } } } },
    'order.noted': { payload: { type: 'object', properties: { instanceId: { type: 'string' }, note: { type: 'string' } } } },
  },
  processes: {
    order: {
      initial: 'pending',
      context: { paid: 0, seen: null },
      states: {
        pending: {
          on: {
            'order.paid': { target: 'paid', actions: [{ type: 'assign', values: { paid: 'event.amount', seen: 'event' } }] },
            'order.noted': { actions: [{ type: 'assign', values: { seen: 'event' } }] },
          },
        },
        paid: {},
      },
    },
  },
});

function boot() {
  const runtime = new ReactiveSystemRuntime(system, { logger: quiet });
  const handled: unknown[] = [];
  runtime.registerEventHandler('order.paid', (payload) => void handled.push(payload));
  return { runtime, handled };
}

describe('sendEvent(type, payload, target)', () => {
  it('addresses one instance without the target entering the payload or its schema check', () => {
    const { runtime, handled } = boot();
    runtime.createProcess('order', { instanceId: 'o-2' });
    runtime.sendEvent('order.paid', { amount: 5 }, { instanceId: 'o-2' });
    expect(runtime.getProcessState('order', 'o-2')).toBe('paid');
    expect(runtime.getProcessContext('order', 'o-2')).toEqual({ paid: 5, seen: { amount: 5 } });
    expect(runtime.getProcessState('order')).toBe('pending');
    expect(handled).toEqual([{ amount: 5 }]);
    runtime.sendEvent('order.paid', { amount: 7 }, { processId: 'order' });
    expect(runtime.getProcessContext('order')).toEqual({ paid: 7, seen: { amount: 7 } });
  });

  it('keeps the payload form of the original README: the addressing field is taken out before the schema and the machine', () => {
    const { runtime, handled } = boot();
    runtime.createProcess('order', { instanceId: 'o-3' });
    runtime.sendEvent('order.paid', { instanceId: 'o-3', amount: 2 });
    expect(runtime.getProcessContext('order', 'o-3')).toEqual({ paid: 2, seen: { amount: 2 } });
    runtime.sendEvent('order.paid', { processId: 'order', amount: 4 });
    expect(runtime.getProcessContext('order')).toEqual({ paid: 4, seen: { amount: 4 } });
    // Handlers get the payload as it was sent.
    expect(handled).toEqual([
      { instanceId: 'o-3', amount: 2 },
      { processId: 'order', amount: 4 },
    ]);
  });

  it('leaves a field the schema declares as its own in the payload, and still addresses with it', () => {
    const { runtime } = boot();
    runtime.createProcess('order', { instanceId: 'o-4' });
    runtime.sendEvent('order.noted', { instanceId: 'o-4', note: 'hi' });
    expect(runtime.getProcessContext('order', 'o-4').seen).toEqual({ instanceId: 'o-4', note: 'hi' });
    expect(runtime.getProcessContext('order').seen).toBeNull();
  });

  it('checks the payload without the target, and refuses a malformed target or an unknown one', () => {
    const { runtime } = boot();
    expect(thrownCode(() => runtime.sendEvent('order.paid', { amount: 'five' }, { instanceId: 'order' }))).toBe('INVALID_PAYLOAD');
    expect(thrownCode(() => runtime.sendEvent('order.paid', { amount: 1 }, { instanceId: 'nope' }))).toBe('UNKNOWN_INSTANCE');
    expect(thrownCode(() => runtime.sendEvent('order.paid', { amount: 1 }, { processId: 'nope' }))).toBe('UNKNOWN_PROCESS');
    expect(thrownCode(() => runtime.sendEvent('order.paid', { amount: 1 }, { instanceId: 'order', processId: 'order' } as never))).toBe('INVALID_ARGUMENT');
    expect(thrownCode(() => runtime.sendEvent('order.paid', { amount: 1 }, { instanceId: '' }))).toBe('INVALID_ARGUMENT');
    expect(runtime.getProcessState('order')).toBe('pending');
  });
});
