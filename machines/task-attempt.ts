import type { ActorLogic, EventObject, Snapshot } from 'xstate';
import { abortedFailure, toSerializedError } from '../src/failure.js';
import type { MachineEnvironment, TaskAttemptRequest } from './environment.js';

/** What starts a task attempt actor: JSON, so it persists with the attempt's snapshot. */
export interface TaskAttemptInput {
  taskId: string;
  stepId: string;
  instanceId: string;
  attempt: number;
  input: unknown;
}

/**
 * One attempt, as its actor's input and as the request the runtime runs: the same object, so an attempt
 * allocates one. Its own fields are the JSON input; the AbortSignal and the idempotency key are made on
 * first read (most tasks read neither, and an AbortSignal is the dearest object an attempt would make).
 * Private fields are not properties: JSON, spreads and structured clones see the input alone.
 */
export class TaskAttempt implements TaskAttemptInput, TaskAttemptRequest {
  readonly taskId: string;
  readonly stepId: string;
  readonly instanceId: string;
  readonly attempt: number;
  readonly input: unknown;
  #controller: AbortController | undefined = undefined;
  #stopped = false;

  constructor(taskId: string, stepId: string, instanceId: string, attempt: number, input: unknown) {
    this.taskId = taskId;
    this.stepId = stepId;
    this.instanceId = instanceId;
    this.attempt = attempt;
    this.input = input;
  }

  /** A fresh attempt from an input (a restored snapshot's, a test's): never shares a stopped one's signal. */
  static from(input: TaskAttemptInput): TaskAttempt {
    return new TaskAttempt(input.taskId, input.stepId, input.instanceId, input.attempt, input.input);
  }

  get idempotencyKey(): string {
    return `${this.instanceId}/${this.stepId}/${this.attempt}`;
  }

  get signal(): AbortSignal {
    if (!this.#controller) {
      this.#controller = new AbortController();
      if (this.#stopped) this.#controller.abort(abortedFailure('The task attempt was stopped'));
    }
    return this.#controller.signal;
  }

  get aborted(): boolean {
    return this.#stopped;
  }

  /** The attempt's actor stopped (timeout, cancel, its instance stopped): fire the signal. */
  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#controller?.abort(abortedFailure('The task attempt was stopped'));
  }
}

export type TaskAttemptSnapshot = Snapshot<unknown> & { input: TaskAttempt | undefined };

const RESOLVE = 'xstate.task.resolve';
const REJECT = 'xstate.task.reject';

const attemptOf = (input: TaskAttemptInput | undefined): TaskAttempt | undefined =>
  input === undefined || input instanceof TaskAttempt ? input : TaskAttempt.from(input);

/**
 * One attempt of a task, as an actor: like `fromPromise`, but it asks the environment to run the task,
 * hands it an AbortSignal that fires when the actor stops (timeout, cancel), and fails with data.
 * The running attempt is the snapshot's input, so stopping finds it there (no table of controllers).
 */
export function createTaskAttemptLogic(env: MachineEnvironment): ActorLogic<TaskAttemptSnapshot, EventObject, TaskAttemptInput> {
  return {
    getInitialSnapshot: (_scope, input) => ({ status: 'active', output: undefined, error: undefined, input: attemptOf(input) }),
    start: (snapshot, { self }) => {
      const request = snapshot.input;
      if (snapshot.status !== 'active' || !request) return;
      let pending: Promise<unknown>;
      try {
        pending = env.runTask(request);
      } catch (thrown) {
        pending = Promise.reject(thrown);
      }
      pending.then(
        (output) => {
          if (self.getSnapshot().status === 'active') self.send({ type: RESOLVE, data: output } as EventObject);
        },
        (thrown: unknown) => {
          if (self.getSnapshot().status === 'active') self.send({ type: REJECT, data: toSerializedError(thrown) } as EventObject);
        },
      );
    },
    transition: (snapshot, event) => {
      if (snapshot.status !== 'active') return snapshot;
      switch (event.type) {
        case RESOLVE:
          return { status: 'done', output: (event as { data?: unknown }).data, error: undefined, input: undefined };
        case REJECT:
          return { status: 'error', output: undefined, error: (event as { data?: unknown }).data, input: undefined };
        case 'xstate.stop':
          snapshot.input?.stop();
          return { status: 'stopped', output: undefined, error: undefined, input: undefined };
        default:
          return snapshot;
      }
    },
    getPersistedSnapshot: (snapshot) => snapshot,
    // Always a fresh attempt: a snapshot kept in memory may hold the one a stopped actor ran.
    restoreSnapshot: (snapshot) => {
      const restored = snapshot as TaskAttemptSnapshot;
      return restored.input === undefined ? restored : { ...restored, input: TaskAttempt.from(restored.input) };
    },
  };
}
