import type { ActorLogic, AnyActorRef, EventObject, Snapshot } from 'xstate';
import { abortedFailure, toSerializedError } from '../src/failure.js';
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
          controllers.get(self)?.abort(abortedFailure('The task attempt was stopped'));
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
