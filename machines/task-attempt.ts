import type { ActorLogic, AnyActorRef, EventObject, Snapshot } from 'xstate';
import { abortedFailure, toSerializedError } from '../src/failure.js';
import type { MachineEnvironment, TaskAttemptRequest } from './environment.js';

export interface TaskAttemptInput {
  taskId: string;
  stepId: string;
  instanceId: string;
  attempt: number;
  input: unknown;
}

export type TaskAttemptSnapshot = Snapshot<unknown> & { input: TaskAttemptInput | undefined };

const RESOLVE = 'xstate.task.resolve';
const REJECT = 'xstate.task.reject';

/**
 * The request of one running attempt. Its AbortSignal and idempotency key are made on first read: most
 * tasks read neither, and an AbortSignal is the dearest object an attempt would otherwise allocate.
 */
class AttemptRequest implements TaskAttemptRequest {
  readonly taskId: string;
  readonly input: unknown;
  readonly attempt: number;
  readonly instanceId: string;
  readonly stepId: string;
  private controller: AbortController | undefined = undefined;
  private stopped = false;

  constructor(from: TaskAttemptInput) {
    this.taskId = from.taskId;
    this.input = from.input;
    this.attempt = from.attempt;
    this.instanceId = from.instanceId;
    this.stepId = from.stepId;
  }

  get idempotencyKey(): string {
    return `${this.instanceId}/${this.stepId}/${this.attempt}`;
  }

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.stopped) this.controller.abort(abortedFailure('The task attempt was stopped'));
    }
    return this.controller.signal;
  }

  get aborted(): boolean {
    return this.stopped;
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.controller?.abort(abortedFailure('The task attempt was stopped'));
  }
}

// As XState's `fromPromise` keeps its AbortControllers: by actor, until the attempt settles or stops.
const running = new WeakMap<AnyActorRef, AttemptRequest>();

/**
 * One attempt of a task, as an actor: like `fromPromise`, but it asks the environment to run the task,
 * hands it an AbortSignal that fires when the actor stops (timeout, cancel), and fails with data.
 */
export function createTaskAttemptLogic(env: MachineEnvironment): ActorLogic<TaskAttemptSnapshot, EventObject, TaskAttemptInput> {
  return {
    getInitialSnapshot: (_scope, input) => ({ status: 'active', output: undefined, error: undefined, input }),
    start: (snapshot, { self }) => {
      if (snapshot.status !== 'active' || !snapshot.input) return;
      const request = new AttemptRequest(snapshot.input);
      running.set(self, request);
      let pending: Promise<unknown>;
      try {
        pending = env.runTask(request);
      } catch (thrown) {
        pending = Promise.reject(thrown);
      }
      pending.then(
        (output) => {
          if (self.getSnapshot().status !== 'active') return;
          running.delete(self);
          self.send({ type: RESOLVE, data: output } as EventObject);
        },
        (thrown: unknown) => {
          if (self.getSnapshot().status !== 'active') return;
          running.delete(self);
          self.send({ type: REJECT, data: toSerializedError(thrown) } as EventObject);
        },
      );
    },
    transition: (snapshot, event, { self }) => {
      if (snapshot.status !== 'active') return snapshot;
      const data = (event as { data?: unknown }).data;
      switch (event.type) {
        case RESOLVE:
          return { status: 'done', output: data, error: undefined, input: undefined };
        case REJECT:
          return { status: 'error', output: undefined, error: data, input: undefined };
        case 'xstate.stop': {
          running.get(self)?.stop();
          running.delete(self);
          return { status: 'stopped', output: undefined, error: undefined, input: undefined };
        }
        default:
          return snapshot;
      }
    },
    getPersistedSnapshot: (snapshot) => snapshot,
    restoreSnapshot: (snapshot) => snapshot as TaskAttemptSnapshot,
  };
}
