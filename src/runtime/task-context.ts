import { ambientContext } from './ambient-context.js';
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

const context = ambientContext<TaskContext>('runtime-core.taskContext', 'getTaskContext() was called outside a task implementation');

/** Runs `fn(arg)` with `context` as the current task context. */
export function runWithTaskContext<A, T>(taskContext: TaskContext, fn: (arg: A) => T, arg: A): T {
  return context.run(taskContext, fn, arg);
}

/**
 * The context of the task attempt this code runs in (as Temporal's `Context.current()` for activities).
 * Throws when called outside a task implementation.
 */
export function getTaskContext(): TaskContext {
  return context.current();
}
