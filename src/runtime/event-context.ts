import { AsyncLocalStorage } from 'node:async_hooks';
import { UsageError } from '../errors.js';

/** What an event handler can learn besides the payload it is called with. */
export interface EventContext {
  /** The event's type: the handler's own, or the one that reached a `'*'` handler. */
  readonly type: string;
  /** The process instance whose `emit` sent the event; absent for events sent from outside and lifecycle events. */
  readonly source?: string;
}

// One store per process, not per copy of this module, as for task contexts (see task-context.ts).
const STORE = Symbol.for('runtime-core.eventContext');
const holder = globalThis as { [STORE]?: AsyncLocalStorage<EventContext> };
const storage = (holder[STORE] ??= new AsyncLocalStorage<EventContext>());

/** Runs `fn(arg)` with `context` as the current event context. */
export function runWithEventContext<A, T>(context: EventContext, fn: (arg: A) => T, arg: A): T {
  return storage.run(context, fn, arg);
}

/**
 * The event the running handler was called for: inside a function given to `registerEventHandler`, and in
 * whatever it awaits. Handlers are called with the payload alone, as in the original Runtime Core.
 * @throws UsageError when called outside an event handler.
 */
export function getEventContext(): EventContext {
  const context = storage.getStore();
  if (!context) throw new UsageError('getEventContext() was called outside an event handler');
  return context;
}
