import { ambientContext } from './ambient-context.js';

/** What an event handler can learn besides the payload it is called with. */
export interface EventContext {
  /** The event's type: the handler's own, or the one that reached a `'*'` handler. */
  readonly type: string;
  /** The process instance whose `emit` sent the event; absent for events sent from outside and lifecycle events. */
  readonly source?: string;
}

const context = ambientContext<EventContext>('runtime-core.eventContext', 'getEventContext() was called outside an event handler');

/** Runs `fn(arg)` with `eventContext` as the current event context. */
export function runWithEventContext<A, T>(eventContext: EventContext, fn: (arg: A) => T, arg: A): T {
  return context.run(eventContext, fn, arg);
}

/**
 * The event the running handler was called for: inside a function given to `registerEventHandler`, and in
 * whatever it awaits. Handlers are called with the payload alone, as in the original Runtime Core.
 * @throws UsageError when called outside an event handler.
 */
export function getEventContext(): EventContext {
  return context.current();
}
