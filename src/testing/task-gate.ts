import { TaskFailure } from '../runtime/builtin-tasks/task-failure.js';
import { getTaskContext } from '../runtime/task-context.js';
import type { TaskImplementation } from '../runtime/task-runner.js';
import type { TaskOutcome } from './transition-model.js';

interface PendingCall {
  taskId: string;
  /** From the attempt's idempotency key, `<instanceId>/<stepId>/<attempt>`. */
  stepId: string;
  input: unknown;
  resolve(output: unknown): void;
  reject(error: unknown): void;
}

/**
 * Task implementations that answer only when the test says so: each call waits until `release` gives it an
 * outcome, so a test sees the state that invoked the task before it moves on. A call whose attempt is
 * aborted (the state was left, the runtime stopped) is dropped.
 */
export class TaskGate {
  private readonly pending: PendingCall[] = [];

  implementation(taskId: string): TaskImplementation {
    return ((input: unknown) =>
      new Promise((resolve, reject) => {
        const { signal, idempotencyKey } = getTaskContext();
        const call: PendingCall = { taskId, stepId: idempotencyKey.split('/').at(-2) ?? taskId, input, resolve, reject };
        this.pending.push(call);
        signal.addEventListener('abort', () => {
          this.drop(call);
          reject(signal.reason instanceof Error ? signal.reason : new Error('The task attempt was aborted'));
        });
      })) as TaskImplementation;
  }

  /** Calls waiting, as `<taskId> (step <stepId>)`, in call order. */
  waiting(): string[] {
    return this.pending.map((call) => (call.stepId === call.taskId ? call.taskId : `${call.taskId} (step ${call.stepId})`));
  }

  /**
   * Ends the oldest waiting call of `taskId` in step `stepId` with `outcome`: its output, or its error.
   * With `nonRetryable` the error says so, and the task's retry policy lets it through at once (a process
   * `invoke`, whose retries the model does not see). False when no such call waits.
   */
  release(taskId: string, stepId: string, outcome: TaskOutcome, nonRetryable: boolean): boolean {
    const call = this.pending.find((c) => c.taskId === taskId && c.stepId === stepId);
    if (!call) return false;
    this.drop(call);
    if ('output' in outcome) call.resolve(structuredClone(outcome.output));
    else call.reject(new TaskFailure(outcome.error.name, outcome.error.message, { code: outcome.error.code, nonRetryable }));
    return true;
  }

  private drop(call: PendingCall): void {
    const index = this.pending.indexOf(call);
    if (index >= 0) this.pending.splice(index, 1);
  }
}
