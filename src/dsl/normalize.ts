import type { FlatTransition, ProcessDefinition, StateDefinition, SystemDefinition, TransitionObject } from './schema.js';

/** The version a document without one is taken to have. */
export const DEFAULT_SYSTEM_VERSION = '1.0.0';

/**
 * A process in the statechart shape only: `states` is a record, there is no `transitions` list, and every
 * compound state (the process itself included) names its `initial` child. Parallel states have no `initial`.
 */
export interface NormalizedProcess extends Omit<ProcessDefinition, 'states' | 'transitions' | 'initial'> {
  /** Set unless the process is parallel or has no states. */
  initial?: string;
  states: Record<string, StateDefinition>;
}

/** A system whose processes are all normalized and whose `version` is set. */
export interface NormalizedSystem extends Omit<SystemDefinition, 'processes' | 'version'> {
  /** @default '1.0.0' */
  version: string;
  processes?: Record<string, NormalizedProcess>;
}

/** Fills `initial` of compound states that omit it with their first child, all the way down. Copies; never mutates. */
function normalizeState(state: StateDefinition): StateDefinition {
  if (!state.states) return { ...state };
  const states = mapValues(state.states, normalizeState);
  const initial = state.type === 'parallel' ? state.initial : (state.initial ?? Object.keys(states)[0]);
  return initial === undefined ? { ...state, states } : { ...state, initial, states };
}

/** The older flat shape: a state per name, each flat transition in its source state's `on`. */
function statesFromFlatShape(names: readonly string[], transitions: readonly FlatTransition[]): Record<string, StateDefinition> {
  const on = new Map<string, Map<string, TransitionObject[]>>(names.map((name) => [name, new Map()]));
  for (const { from, to, on: event, guard } of transitions) {
    const byEvent = on.get(from);
    // A transition from an unknown state is reported by validation; here it has nowhere to go.
    if (!byEvent) continue;
    const transition: TransitionObject = guard === undefined ? { target: to } : { target: to, guard };
    byEvent.set(event, [...(byEvent.get(event) ?? []), transition]);
  }
  const states: Record<string, StateDefinition> = {};
  for (const [name, byEvent] of on) {
    states[name] =
      byEvent.size === 0
        ? {}
        : { on: Object.fromEntries([...byEvent].map(([event, list]) => [event, list.length === 1 ? list[0]! : list])) };
  }
  return states;
}

/**
 * Turns a process into the statechart shape: the flat shape (`states: string[]` with `transitions`, the first
 * state initial) becomes a record of states, and compound states without `initial` start in their first child.
 */
export function normalizeProcess(p: ProcessDefinition): NormalizedProcess {
  const { states: rawStates, transitions = [], initial: rawInitial, ...rest } = p;
  const states = Array.isArray(rawStates) ? statesFromFlatShape(rawStates, transitions) : mapValues(rawStates, normalizeState);
  const initial = p.type === 'parallel' ? rawInitial : (rawInitial ?? Object.keys(states)[0]);
  return initial === undefined ? { ...rest, states } : { ...rest, initial, states };
}

/** The same system with every process normalized and `version` defaulting to `'1.0.0'`. */
export function normalizeSystem(system: SystemDefinition): NormalizedSystem {
  const { processes, version = DEFAULT_SYSTEM_VERSION, ...rest } = system;
  return processes === undefined ? { ...rest, version } : { ...rest, version, processes: mapValues(processes, normalizeProcess) };
}

function mapValues<T, U>(record: Record<string, T>, map: (value: T) => U): Record<string, U> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, map(value)]));
}
