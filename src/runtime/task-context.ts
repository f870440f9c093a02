import { AsyncLocalStorage } from 'node:async_hooks';
import { UsageError } from '../errors.js';
import type { EventAddress } from './host/instance-host.js';

/** What a task implementation can learn about the attempt it runs in. */
export interface TaskContext {
  /** Fires when the attempt times out, or its flow is cancelled or stopped. */
  readonly signal: AbortSignal;
  /** 1 for the first attempt. */
  readonly attempt: number;
  /** Stable across retries of the same attempt after a restart: `instanceId/stepId/attempt`. */
  readonly idempotencyKey: string;
  readonly taskId: string;
  readonly instanceId: string;
  /** Sends an event into the system, as `runtime.sendEvent` does (`target` addresses one instance). */
  emit(type: string, payload?: Record<string, unknown>, target?: EventAddress): void;
}

// One store per process, not per copy of this module: a tasks module loaded through another loader (the
// CLI's --tasks, a second install of the package) must see the context of the attempt that calls it.
const STORE = Symbol.for('runtime-core.taskContext');
const holder = globalThis as { [STORE]?: AsyncLocalStorage<TaskContext> };
const storage = (holder[STORE] ??= new AsyncLocalStorage<TaskContext>());

/** Runs `fn(arg)` with `context` as the current task context. */
export function runWithTaskContext<A, T>(context: TaskContext, fn: (arg: A) => T, arg: A): T {
  return storage.run(context, fn, arg);
}

/**
 * The context of the task attempt this code runs in (as Temporal's `Context.current()` for activities).
 * Throws when called outside a task implementation.
 */
export function getTaskContext(): TaskContext {
  const context = storage.getStore();
  if (!context) throw new UsageError('getTaskContext() was called outside a task implementation');
  return context;
}
