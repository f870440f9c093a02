import { missingImplementationFailure } from '../src/failure.js';

/** One attempt of a task, as the task attempt actor asks the runtime to run it. */
export interface TaskAttemptRequest {
  taskId: string;
  input: unknown;
  /** 1 for the first attempt. */
  attempt: number;
  /** Flow or process instance the attempt belongs to. */
  instanceId: string;
  stepId: string;
  /** Stable across restarts: `instanceId/stepId/attempt`. Computed on read. */
  readonly idempotencyKey: string;
  /**
   * Fires when the attempt times out, is cancelled or its instance stops. Made on first read (it is the
   * dearest part of an attempt): read `aborted` to learn whether the attempt stopped without making it.
   */
  readonly signal: AbortSignal;
  /** Whether the attempt was stopped (timeout, cancel, instance stopped); the same as `signal.aborted`. */
  readonly aborted: boolean;
}

/** What compiled machines need from the outside world; the runtime supplies it. */
export interface MachineEnvironment {
  /** Runs one attempt; resolves with the output or rejects with a `SerializedError`. */
  runTask(request: TaskAttemptRequest): Promise<unknown>;
  /** Sends an event into the system (process `emit` actions, lifecycle notices such as `task.retrying`). */
  emit(type: string, payload: Record<string, unknown>, source?: string): void;
  /** Process `log` actions. */
  log(message: unknown, meta: Record<string, unknown>): void;
  /** A problem that must not stop the instance (an expression of a process that fails to evaluate). */
  reportError(message: string, meta: Record<string, unknown>): void;
  /** Source of randomness for backoff jitter. @default Math.random */
  random(): number;
}

/** An environment for machines compiled without a runtime: tasks fail with a clear message. */
export const detachedEnvironment: MachineEnvironment = {
  runTask: (request) =>
    Promise.reject(
      missingImplementationFailure(
        `Task "${request.taskId}" cannot run: the machine was compiled without a runtime; create it through ReactiveSystemRuntime or pass an environment to compileSystem`,
      ),
    ),
  emit: () => undefined,
  log: () => undefined,
  reportError: () => undefined,
  random: Math.random,
};
