import type {} from 'vitest';
import { inState, leafStates, visitedPrefix, type Trace } from './trace.js';

/** What a matcher receives as `this` from `expect.extend` (the part these matchers read). */
interface MatcherContext {
  isNot?: boolean;
}

/** What a matcher returns to `expect.extend`. */
export interface MatcherResult {
  pass: boolean;
  message: () => string;
  actual?: unknown;
  expected?: unknown;
}

type Matcher = (this: MatcherContext, received: unknown, ...expected: never[]) => MatcherResult;

const isTrace = (value: unknown): value is Trace =>
  typeof value === 'object' && value !== null && Array.isArray((value as Trace).steps) && typeof (value as Trace).hasVisited === 'function';

/** A trace itself, or the `trace` of a handle from the test runtime. */
function traceOf(received: unknown): Trace | undefined {
  if (isTrace(received)) return received;
  const trace = (received as { trace?: unknown } | null | undefined)?.trace;
  return isTrace(trace) ? trace : undefined;
}

interface SnapshotLike {
  value?: unknown;
  status?: string;
}
type HasSnapshot = { getSnapshot(): SnapshotLike };
const hasSnapshot = (value: unknown): value is HasSnapshot => typeof (value as HasSnapshot | null | undefined)?.getSnapshot === 'function';

/** The active leaf states of an actor, a handle (`{ actor }`), a trace, or a snapshot. */
function currentStates(received: unknown): string[] | undefined {
  if (hasSnapshot(received)) return leafStates(received.getSnapshot().value);
  const actor = (received as { actor?: unknown } | null | undefined)?.actor;
  if (hasSnapshot(actor)) return leafStates(actor.getSnapshot().value);
  const trace = traceOf(received);
  if (trace) return [...trace.current];
  if (typeof received === 'object' && received !== null && 'value' in received) return leafStates((received as SnapshotLike).value);
  return undefined;
}

const describeReceived = (received: unknown): string => {
  const id = (received as { instanceId?: unknown } | null | undefined)?.instanceId ?? (received as { id?: unknown } | null | undefined)?.id;
  return typeof id === 'string' ? `instance "${id}"` : 'the instance';
};

const names = (states: readonly string[]): string => (states.length ? states.join(' → ') : '(nothing)');

function toHaveVisited(this: MatcherContext, received: unknown, expected: readonly string[]): MatcherResult {
  const trace = traceOf(received);
  if (!trace) {
    throw new TypeError('toHaveVisited expects a trace (t.trace(instanceId)) or a handle from createTestRuntime that carries one');
  }
  if (!Array.isArray(expected) || expected.some((name) => typeof name !== 'string')) throw new TypeError('toHaveVisited expects an array of state names');
  const matched = visitedPrefix(trace.steps, expected);
  const pass = matched === expected.length;
  const who = `instance "${trace.instanceId}"`;
  return {
    pass,
    actual: trace.states,
    expected,
    message: () =>
      pass
        ? `expected ${who} not to have visited ${names(expected)}, but it did.\nStates: ${names(trace.states)}`
        : `expected ${who} to have visited ${names(expected)}, but ${matched === 0 ? 'it never entered' : `after ${names(expected.slice(0, matched))} it never entered`} "${expected[matched] ?? ''}".\nStates: ${names(trace.states)}\nEvents: ${names(trace.events)}`,
  };
}

function toBeInState(this: MatcherContext, received: unknown, expected: string): MatcherResult {
  const states = currentStates(received);
  if (!states) throw new TypeError('toBeInState expects an actor, a handle ({ actor }), a trace or a snapshot');
  if (typeof expected !== 'string') throw new TypeError('toBeInState expects a state name');
  const pass = inState(expected, states);
  const who = describeReceived(received);
  const now = states.join(', ') || '(no state)';
  return {
    pass,
    actual: now,
    expected,
    message: () => (pass ? `expected ${who} not to be in state "${expected}", but it is: ${now}` : `expected ${who} to be in state "${expected}", but it is in ${now}`),
  };
}

/**
 * The matchers of the testing kit, for `expect.extend(runtimeMatchers)`. State names are matched as
 * `namesState` says: a name matches a leaf path when its segments appear in the path, contiguous and in order.
 */
export const runtimeMatchers = { toHaveVisited, toBeInState } satisfies Record<string, Matcher>;

/** Something with vitest's (or jest's) `expect.extend`. */
export interface Extendable {
  extend(matchers: Record<string, unknown>): void;
}

/**
 * Adds `toHaveVisited` and `toBeInState` to `expect`. Without an argument it extends vitest's global
 * `expect` (imported or not); pass `expect` to extend another one.
 */
export function installMatchers(expect?: Extendable): void {
  const target = expect ?? ((globalThis as Record<symbol, unknown>)[Symbol.for('expect-global')] as Extendable | undefined);
  if (typeof target?.extend !== 'function') {
    throw new Error("installMatchers: no global expect found; pass it: installMatchers(expect) with expect from 'vitest'");
  }
  target.extend(runtimeMatchers);
}

/** The matchers as assertion methods; `R` is what they return in vitest's `Assertion`. */
export interface RuntimeMatchers<R = unknown> {
  /**
   * Passes when the trace (or the handle's trace) entered each named state in this order, not
   * necessarily one right after another. See `namesState` for how a name matches a state.
   */
  toHaveVisited(states: readonly string[]): R;
  /** Passes when the actor, handle, trace or snapshot is in the named state now. */
  toBeInState(state: string): R;
}

declare module 'vitest' {
  // The type parameter must be spelled as vitest declares it for the interfaces to merge.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any, @typescript-eslint/no-empty-object-type
  interface Assertion<T = any> extends RuntimeMatchers<T> {}
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface AsymmetricMatchersContaining extends RuntimeMatchers {}
}
