import type { AnyEventObject, InspectionEvent, StateValue } from 'xstate';
import { eventPayload } from '../../machines/scope.js';

/** The active leaf states of a state value, as dotted paths from the root: `['active.work.open', 'active.sla.running']`. */
export function leafStates(value: StateValue | unknown): string[] {
  if (typeof value === 'string') return [value];
  if (!value || typeof value !== 'object') return [];
  return Object.entries(value as Record<string, unknown>).flatMap(([key, child]) => {
    const below = leafStates(child);
    return below.length ? below.map((path) => `${key}.${path}`) : [key];
  });
}

/** A state value as one line: its leaf paths joined by `, ` (`'running.charge.$attempt'`). */
export const stateText = (value: StateValue | unknown): string => leafStates(value).join(', ');

/**
 * Whether a state `name` names the leaf path `path`: it does when its dot-separated segments appear in the
 * path's segments, contiguous and in order. So `'running.charge.$attempt'` is named by itself, by `'charge'`,
 * `'$attempt'`, `'running'`, `'charge.$attempt'` and `'running.charge'`, but not by `'char'` or `'running.$attempt'`.
 */
export function namesState(name: string, path: string): boolean {
  if (name === path) return true;
  const want = name.split('.');
  const have = path.split('.');
  for (let start = 0; start + want.length <= have.length; start++) {
    if (want.every((segment, i) => have[start + i] === segment)) return true;
  }
  return false;
}

/** Whether `name` names one of the active leaf states `states`. */
export const inState = (name: string, states: readonly string[]): boolean => states.some((path) => namesState(name, path));

/** The event that caused a step: its type, and what expressions see as `event` (a payload, a task's output or error). */
export interface TraceEvent {
  type: string;
  payload?: unknown;
}

/** One transition an instance took. */
export interface TraceStep {
  /** The active leaf states after the transition, dotted from the root. */
  states: string[];
  /** `states` joined by `, `. */
  state: string;
  /** What caused it: `xstate.init` for the initial state, a sent event, `xstate.done.actor.<id>` for a task or timer. */
  event: TraceEvent;
  /** Simulated time of the transition, in milliseconds. */
  at: number;
}

/** The transitions of one process or flow instance, from its start; it grows while the instance runs. */
export interface Trace {
  readonly instanceId: string;
  readonly steps: readonly TraceStep[];
  /** Each step's `state`, with consecutive repeats (a self-transition) collapsed. */
  readonly states: string[];
  /** Each step's event type, `xstate.init` first. */
  readonly events: string[];
  /** The active leaf states now. */
  readonly current: string[];
  /** Whether the instance entered the named states in this order (not necessarily one right after the other). */
  hasVisited(names: readonly string[]): boolean;
}

/** A trace that the test runtime feeds from XState's inspection events. */
export class TraceRecorder implements Trace {
  readonly steps: TraceStep[] = [];

  constructor(
    readonly instanceId: string,
    private readonly now: () => number,
  ) {}

  get states(): string[] {
    const out: string[] = [];
    for (const step of this.steps) if (out.at(-1) !== step.state) out.push(step.state);
    return out;
  }

  get events(): string[] {
    return this.steps.map((step) => step.event.type);
  }

  get current(): string[] {
    return this.steps.at(-1)?.states ?? [];
  }

  hasVisited(names: readonly string[]): boolean {
    return visitedPrefix(this.steps, names) === names.length;
  }

  /** Records an inspection event of this instance's root actor. */
  record(event: InspectionEvent): void {
    if (event.type === '@xstate.snapshot' && event.event.type === 'xstate.init' && this.steps.length === 0) {
      this.push((event.snapshot as { value?: StateValue }).value, event.event);
    } else if (event.type === '@xstate.microstep' && event._transitions.length > 0) {
      this.push((event.snapshot as { value?: StateValue }).value, event.event);
    }
  }

  private push(value: StateValue | undefined, event: AnyEventObject): void {
    const states = leafStates(value);
    const payload = eventPayload(event);
    this.steps.push({ states, state: states.join(', '), event: payload === undefined ? { type: event.type } : { type: event.type, payload }, at: this.now() });
  }
}

/**
 * How many of `names` were entered in order. A step enters a name when the name names one of its states
 * and named none of the step before (so `['charge', 'charge']` needs charge to be left and entered again).
 * One step may enter several names (the regions of a parallel state), each once.
 */
export function visitedPrefix(steps: readonly Pick<TraceStep, 'states'>[], names: readonly string[]): number {
  let matched = 0;
  let previous: readonly string[] = [];
  for (const step of steps) {
    const here = new Set<string>();
    for (let name = names[matched]; name !== undefined && !here.has(name); name = names[matched]) {
      if (!inState(name, step.states) || inState(name, previous)) break;
      here.add(name);
      matched++;
    }
    if (matched === names.length) break;
    previous = step.states;
  }
  return matched;
}
