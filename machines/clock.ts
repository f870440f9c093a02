
/**
 * The clock every timer of an actor system reads. XState's `SimulatedClock` satisfies it;
 * XState's default clock has no `now`, so `Date.now` stands in for it.
 */
export interface Clock {
  now(): number;
  setTimeout(fn: (...args: unknown[]) => void, ms: number): unknown;
  clearTimeout(id: unknown): void;
}

interface SystemWithClock {
  _clock?: Partial<Clock> & Pick<Clock, 'setTimeout' | 'clearTimeout'>;
}

/** The real clock. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (id) => clearTimeout(id as ReturnType<typeof setTimeout>),
};

/** The clock of the actor system `scope` belongs to (the `clock` option of `createActor`). */
export function clockOf(scope: { system: unknown }): Clock {
  const clock = (scope.system as unknown as SystemWithClock)._clock;
  if (!clock) return systemClock;
  if (typeof clock.now === 'function') return clock as Clock;
  return { now: () => Date.now(), setTimeout: clock.setTimeout.bind(clock), clearTimeout: clock.clearTimeout.bind(clock) };
}
