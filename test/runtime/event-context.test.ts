// Event handlers get the payload alone, as in the original Runtime Core (issue 15); the event's type and source
// are read with getEventContext() inside the handler.
import { describe, expect, it, vi } from 'vitest';
import { ReactiveSystemRuntime, UsageError, defineSystem, getEventContext, type EventContext } from '../../src/index.js';
import { createClock, settle } from '../support/time.js';

const system = defineSystem({
  id: 'shop',
  tasks: { work: {} },
  processes: {
    order: {
      initial: 'open',
      states: {
        open: { on: { 'order.close': 'closed' } },
        closed: { entry: [{ type: 'emit', event: 'order.closed', payload: '{ "reason": "done" }' }] },
      },
    },
  },
  flows: { job: { steps: [{ id: 'w', type: 'task', task: 'work' }] } },
});

const start = () => {
  const runtime = new ReactiveSystemRuntime(system, { clock: createClock(), logger: { warn: () => undefined, error: () => undefined } });
  runtime.registerTaskImplementation('work', async () => ({ ok: true }));
  return runtime;
};

describe('event handlers', () => {
  it('are called with the payload as their one argument', async () => {
    const runtime = start();
    const handler = vi.fn();
    runtime.registerEventHandler('e', handler);
    runtime.sendEvent('e', { data: 'test' });
    await settle();
    expect(handler).toHaveBeenCalledWith({ data: 'test' });
    expect(handler.mock.calls).toEqual([[{ data: 'test' }]]);
    runtime.stop();
  });

  it('read the event type with getEventContext(), in a "*" handler too, and after an await', async () => {
    const runtime = start();
    const seen: Array<{ direct: EventContext; later: EventContext; payload: unknown }> = [];
    runtime.registerEventHandler('*', async (payload) => {
      const direct = getEventContext();
      await Promise.resolve();
      seen.push({ direct, later: getEventContext(), payload });
    });
    runtime.sendEvent('e', { n: 1 });
    await settle();
    expect(seen).toEqual([{ direct: { type: 'e' }, later: { type: 'e' }, payload: { n: 1 } }]);
    runtime.stop();
  });

  it('learn the process instance that emitted an event as its source; lifecycle events have none', async () => {
    const runtime = start();
    const contexts: EventContext[] = [];
    runtime.registerEventHandler('order.closed', () => void contexts.push(getEventContext()));
    runtime.registerEventHandler('flow.completed', () => void contexts.push(getEventContext()));
    runtime.sendEvent('order.close', { processId: 'order' });
    await settle();
    await runtime.executeFlow('job', {});
    await settle();
    expect(contexts).toEqual([{ type: 'order.closed', source: 'order' }, { type: 'flow.completed' }]);
    runtime.stop();
  });

  it('each see their own event when one handler sends another event', async () => {
    const runtime = start();
    const types: string[] = [];
    runtime.registerEventHandler('first', () => {
      runtime.sendEvent('second', {});
      types.push(getEventContext().type);
    });
    runtime.registerEventHandler('second', () => void types.push(getEventContext().type));
    runtime.sendEvent('first', {});
    await settle();
    expect(types).toEqual(['second', 'first']);
    runtime.stop();
  });

  it('getEventContext() outside a handler is a usage error', () => {
    expect(() => getEventContext()).toThrow(UsageError);
    expect(() => getEventContext()).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', message: 'getEventContext() was called outside an event handler' }));
  });
});
