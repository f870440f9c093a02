import type { ActorLogic, AnyActorRef, EventObject, Snapshot } from 'xstate';
import { clockOf } from './clock.js';

export interface TimerInput {
  /** How long from now the timer fires. */
  delayMs: number;
}

/** A timer's persisted state is its absolute deadline, so a restored timer fires at the remaining time. */
export type TimerSnapshot = Snapshot<{ firedAt: number }> & { deadline: number; input?: undefined };

const FIRE = 'xstate.timer.fire';
const handles = new WeakMap<AnyActorRef, unknown>();

/**
 * A durable timer: an invoked actor whose deadline is read from the actor system's clock when it starts.
 * Unlike `after`, it is captured by snapshots and re-armed on restore (xstate issue #5331), and one
 * `SimulatedClock` drives every timer of the system.
 */
export const timerLogic: ActorLogic<TimerSnapshot, EventObject, TimerInput> = {
  getInitialSnapshot: (scope, input) => {
    const delay = Math.max(0, Number(input?.delayMs) || 0);
    return { status: 'active', output: undefined, error: undefined, deadline: clockOf(scope).now() + delay };
  },
  start: (snapshot, scope) => {
    if (snapshot.status !== 'active') return;
    const clock = clockOf(scope);
    const remaining = Math.max(0, snapshot.deadline - clock.now());
    const self = scope.self;
    // A deadline already passed (a zero wait, or one that expired while nothing ran) fires at once.
    if (remaining === 0) {
      self.send({ type: FIRE });
      return;
    }
    handles.set(self, clock.setTimeout(() => {
      handles.delete(self);
      self.send({ type: FIRE });
    }, remaining));
  },
  transition: (snapshot, event, scope) => {
    if (snapshot.status !== 'active') return snapshot;
    if (event.type === FIRE) {
      return { ...snapshot, status: 'done', output: { firedAt: clockOf(scope).now() } } as TimerSnapshot;
    }
    if (event.type === 'xstate.stop') {
      const handle = handles.get(scope.self);
      if (handle !== undefined) clockOf(scope).clearTimeout(handle);
      handles.delete(scope.self);
      return { ...snapshot, status: 'stopped' } as TimerSnapshot;
    }
    return snapshot;
  },
  getPersistedSnapshot: (snapshot) => snapshot,
  restoreSnapshot: (snapshot) => snapshot as TimerSnapshot,
};
