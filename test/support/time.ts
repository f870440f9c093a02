import { SimulatedClock } from 'xstate';

/** Lets pending promise callbacks (task implementations, actor reactions) run. No real time passes. */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** A simulated clock with an `advance` that moves time and lets what it woke up run. */
export function createClock(): SimulatedClock & { advance(ms: number): Promise<void> } {
  const clock = new SimulatedClock() as SimulatedClock & { advance(ms: number): Promise<void> };
  clock.advance = async (ms: number) => {
    await settle();
    clock.increment(ms);
    await settle();
  };
  return clock;
}

/** Records every state value an actor goes through, as dotted strings of its active leaf states. */
export function recordStates(actor: { subscribe(fn: (snapshot: { value: unknown }) => void): unknown; getSnapshot(): { value: unknown } }): string[] {
  const seen: string[] = [];
  const push = (value: unknown) => {
    const text = stateText(value);
    if (seen.at(-1) !== text) seen.push(text);
  };
  push(actor.getSnapshot().value);
  actor.subscribe((snapshot) => push(snapshot.value));
  return seen;
}

/** A state value as its active leaf paths: `running.charge.$attempt`, or several joined by `, ` in parallel states. */
export function stateText(value: unknown): string {
  return leafPaths(value).join(', ');
}

function leafPaths(value: unknown, prefix = ''): string[] {
  if (typeof value === 'string') return [prefix + value];
  return Object.entries(value as Record<string, unknown>).flatMap(([key, child]) => leafPaths(child, `${prefix}${key}.`));
}

/** A promise with its resolve and reject, for tasks a test finishes when it wants. */
export function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}
