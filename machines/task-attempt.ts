import type { ActorLogic, AnyActorRef, EventObject, Snapshot } from 'xstate';
import type { SerializedError } from '../src/errors.js';
import type { MachineEnvironment } from './environment.js';

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
const controllers = new WeakMap<AnyActorRef, AbortController>();

/** Turns anything thrown into the serialisable failure shape. */
export function toSerializedError(thrown: unknown): SerializedError {
  if (thrown && typeof thrown === 'object') {
    const e = thrown as { name?: unknown; message?: unknown; code?: unknown; nonRetryable?: unknown };
    const out: SerializedError = {
      name: typeof e.name === 'string' && e.name ? e.name : 'Error',
      message: typeof e.message === 'string' ? e.message : safeString(thrown),
    };
    if (typeof e.code === 'string' || typeof e.code === 'number') out.code = String(e.code);
    if (e.nonRetryable === true) out.nonRetryable = true;
    return out;
  }
  return { name: 'Error', message: typeof thrown === 'string' ? thrown : `Non-error value thrown: ${safeString(thrown)}` };
}

function safeString(value: unknown): string {
  try {
    return typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  } catch {
    return String(value);
  }
}

/**
 * One attempt of a task, as an actor: like `fromPromise`, but it asks the environment to run the task,
 * hands it an AbortSignal that fires when the actor stops (timeout, cancel), and fails with data.
 */
export function createTaskAttemptLogic(env: MachineEnvironment): ActorLogic<TaskAttemptSnapshot, EventObject, TaskAttemptInput> {
  return {
    getInitialSnapshot: (_scope, input) => ({ status: 'active', output: undefined, error: undefined, input }),
    start: (snapshot, { self }) => {
      if (snapshot.status !== 'active' || !snapshot.input) return;
      const request = snapshot.input;
      const controller = new AbortController();
      controllers.set(self, controller);
      let pending: Promise<unknown>;
      try {
        pending = env.runTask({
          ...request,
          idempotencyKey: `${request.instanceId}/${request.stepId}/${request.attempt}`,
          signal: controller.signal,
        });
      } catch (thrown) {
        pending = Promise.reject(thrown);
      }
      pending.then(
        (output) => {
          if (self.getSnapshot().status !== 'active') return;
          controllers.delete(self);
          self.send({ type: RESOLVE, data: output } as EventObject);
        },
        (thrown: unknown) => {
          if (self.getSnapshot().status !== 'active') return;
          controllers.delete(self);
          self.send({ type: REJECT, data: toSerializedError(thrown) } as EventObject);
        },
      );
    },
    transition: (snapshot, event, { self }) => {
      if (snapshot.status !== 'active') return snapshot;
      const data = (event as { data?: unknown }).data;
      switch (event.type) {
        case RESOLVE:
          return { ...snapshot, status: 'done', output: data, input: undefined };
        case REJECT:
          return { ...snapshot, status: 'error', error: data, input: undefined };
        case 'xstate.stop': {
          controllers.get(self)?.abort(Object.assign(new Error('The task attempt was stopped'), { name: 'AbortError' }));
          controllers.delete(self);
          return { ...snapshot, status: 'stopped', input: undefined };
        }
        default:
          return snapshot;
      }
    },
    getPersistedSnapshot: (snapshot) => snapshot,
    restoreSnapshot: (snapshot) => snapshot as TaskAttemptSnapshot,
  };
}
