import { SimulatedClock } from 'xstate';
import { parseDuration } from '../dsl/duration.js';
import type { Duration } from '../dsl/schema.js';

/** One pending timer of a `SimulatedClock`, as it keeps them. */
interface PendingTimeout {
  start: number;
  timeout: number;
  fn: () => void;
}

/** `SimulatedClock` keeps its timers private; the test clock reads them to step from one to the next. */
const pendingOf = (clock: SimulatedClock): Map<number, PendingTimeout> => (clock as unknown as { timeouts: Map<number, PendingTimeout> }).timeouts;

/** How many `setImmediate` rounds `settle()` waits. @default 10 */
export const SETTLE_ROUNDS = 10;

/** Timers one `advance` may fire before it gives up: a timer that re-arms itself at once would loop for ever. */
const MAX_TIMERS_PER_ADVANCE = 100_000;

/** Lets pending promise callbacks (task implementations, actor reactions, emitted events) run. No simulated time passes. */
export async function settle(rounds = SETTLE_ROUNDS): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** Milliseconds of a duration as the DSL writes it (`'5m'`, `'250ms'`, or a number). */
export const durationMs = (duration: Duration): number => parseDuration(duration, 'duration');

/**
 * A simulated clock for tests: time moves only when the test says so, and it moves timer by timer, letting
 * promises settle between two timers, so a timer armed by what an earlier one woke up fires in the same
 * `advance` when it falls due within it.
 */
export class TestClock {
  /** The clock to hand to the runtime (`{ clock }`). */
  readonly clock: SimulatedClock;

  constructor(clock: SimulatedClock = new SimulatedClock()) {
    this.clock = clock;
  }

  /** Simulated milliseconds since the clock started. */
  now(): number {
    return this.clock.now();
  }

  /** When the earliest pending timer falls due, or `undefined` when none is pending. */
  nextDue(): number | undefined {
    let earliest: number | undefined;
    for (const { start, timeout } of pendingOf(this.clock).values()) {
      const due = start + timeout;
      if (earliest === undefined || due < earliest) earliest = due;
    }
    return earliest;
  }

  /** How many timers are pending. */
  pendingTimers(): number {
    return pendingOf(this.clock).size;
  }

  /** Lets promises settle without moving time. */
  settle(rounds?: number): Promise<void> {
    return settle(rounds);
  }

  /**
   * Moves time forward by `duration` (`'5m'`, `'2d'`, milliseconds), firing every timer that falls due on the
   * way in order, and settling promises before, between and after them.
   */
  async advance(duration: Duration): Promise<void> {
    return this.advanceTo(this.now() + durationMs(duration));
  }

  /** Moves time forward to the absolute simulated time `time`, as `advance` does. */
  async advanceTo(time: number): Promise<void> {
    if (time < this.now()) throw new RangeError(`Cannot move the clock back from ${this.now()}ms to ${time}ms`);
    await settle();
    for (let fired = 0; ; fired++) {
      const due = this.nextDue();
      if (due === undefined || due > time) break;
      if (fired === MAX_TIMERS_PER_ADVANCE) throw new Error(`advance: ${fired} timers fired before ${time}ms and more keep falling due at ${due}ms; is a timer re-arming itself?`);
      // A timer due "in the past" (armed with a zero delay, or by a clock set ahead) fires now.
      this.clock.set(Math.max(due, this.now()));
      await settle();
    }
    if (time > this.now()) this.clock.set(time);
    await settle();
  }

  /**
   * Runs the clock forward, timer by timer, until `promise` settles, and returns what it resolved with.
   * Rejects when the promise is still pending with no timer left to fire (it waits for an event), or when
   * it would take longer than `within`.
   */
  async waitFor<T>(promise: Promise<T>, options: { within?: Duration } = {}): Promise<T> {
    let outcome: { value: T } | { error: unknown } | undefined;
    promise.then(
      (value) => void (outcome = { value }),
      (error: unknown) => void (outcome = { error }),
    );
    const limit = options.within === undefined ? Infinity : this.now() + durationMs(options.within);
    await settle();
    while (!outcome) {
      const due = this.nextDue();
      if (due === undefined) {
        throw new Error(`waitFor: the promise is still pending at ${this.now()}ms and no timer is left to fire (is it waiting for an event?)`);
      }
      if (due > limit) throw new Error(`waitFor: the promise is still pending after ${options.within === undefined ? '' : String(options.within)} (next timer at ${due}ms)`);
      await this.advanceTo(Math.max(due, this.now()));
    }
    if ('error' in outcome) throw outcome.error;
    return outcome.value;
  }
}
