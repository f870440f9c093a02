import { toSerializedError } from '../failure.js';
import type { SerializedError } from '../errors.js';
import { getTaskContext } from '../runtime/task-context.js';
import type { TaskImplementation } from '../runtime/task-runner.js';

/** One call of a task implementation: one attempt. */
export interface TaskCall {
  taskId: string;
  input: unknown;
  /** 1 for the first attempt. */
  attempt: number;
  /** The flow or process instance that ran the task (`<instanceId>/<state>` for a process `invoke`). */
  instanceId: string;
  idempotencyKey: string;
  /** Simulated time of the call, in milliseconds. */
  at: number;
  /** How the call ended; absent while it runs (or if it never ends). */
  outcome?: { status: 'completed'; output: unknown } | { status: 'failed'; error: SerializedError };
}

/** Records every call of the implementations it wraps. */
export class TaskCallRecorder {
  readonly calls: TaskCall[] = [];

  constructor(private readonly now: () => number) {}

  /** The implementation, recording each call and how it ended. */
  wrap(taskId: string, implementation: TaskImplementation): TaskImplementation {
    const run = implementation as (input: unknown) => unknown;
    return (async (input: unknown) => {
      const context = getTaskContext();
      const call: TaskCall = { taskId, input, attempt: context.attempt, instanceId: context.instanceId, idempotencyKey: context.idempotencyKey, at: this.now() };
      this.calls.push(call);
      try {
        const output = await run(input);
        call.outcome = { status: 'completed', output };
        return output;
      } catch (error) {
        call.outcome = { status: 'failed', error: toSerializedError(error) };
        throw error;
      }
    }) as TaskImplementation;
  }

  /** The calls of one task, or of every task, in call order. */
  of(taskId?: string): TaskCall[] {
    return taskId === undefined ? [...this.calls] : this.calls.filter((call) => call.taskId === taskId);
  }
}
