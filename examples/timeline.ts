import { SimulatedClock } from 'xstate';

/** Something that happens at a moment of a demo's simulated week. */
export interface Moment {
  /** Simulated time since the start, in milliseconds. */
  at: number;
  do(): void;
}

const minute = 60_000;
const days = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** A simulated clock whose time 0 is Monday 09:00, so that hours and days of SLAs read naturally. */
export function createDemoClock(): SimulatedClock & { label(): string } {
  const clock = new SimulatedClock() as SimulatedClock & { label(): string };
  clock.label = () => {
    const total = Math.floor(clock.now() / minute) + 9 * 60;
    const day = days[Math.floor(total / (24 * 60)) % 7] ?? '?';
    const hh = String(Math.floor(total / 60) % 24).padStart(2, '0');
    const mm = String(total % 60).padStart(2, '0');
    return `[${day} ${hh}:${mm}]`;
  };
  return clock;
}

/** Lets task promises and the actors they answer run; no simulated time passes. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/**
 * Plays the moments in order while moving the clock forward a tick at a time until `until`, so that every
 * timer (SLA, timeout, backoff, `after`) fires at its simulated time. Real time taken: a few milliseconds a tick.
 */
export async function playTimeline(clock: SimulatedClock, moments: Moment[], until: number, tickMs = 5 * minute): Promise<void> {
  const queue = [...moments].sort((a, b) => a.at - b.at);
  for (let now = clock.now(); now <= until; now += tickMs) {
    if (now > clock.now()) clock.set(now);
    await settle();
    while (queue.length > 0 && (queue[0]?.at ?? Infinity) <= now) {
      queue.shift()?.do();
      await settle();
    }
  }
}
