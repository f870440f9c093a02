import { isDeepStrictEqual } from 'node:util';
import type { AnyTransitionDefinition } from 'xstate';
import { getAdjacencyMap, type AdjacencyMap } from 'xstate/graph';
import { isLegacySystem, migrateSystem } from '../dsl/migrate/index.js';
import type { NormalizedSystem } from '../dsl/normalize.js';
import type { SystemDefinition } from '../dsl/schema.js';
import { assertValidSystem } from '../dsl/validate.js';
import { NotFoundError } from '../errors.js';
import { flowInputs, flowTarget, processTarget } from './model-target.js';
import type { ModelTarget } from './model-target-types.js';
import { runCase } from './transition-runner.js';
import { stateText } from './trace.js';
import {
  buildPathModel,
  type MachineTransition,
  type ModelEvent,
  type ModelSnapshot,
  type PathEvent,
  type PathModel,
} from './transition-model.js';
import type { TestTarget, TransitionTestCase, TransitionTestOptions, TransitionTestPlan } from './transition-test-case.js';

export type { TestTarget, TransitionTestCase, TransitionTestOptions, TransitionTestPlan };

type Edge = { event: ModelEvent; state: ModelSnapshot };
const edgesOf = (entry: { transitions: object } | undefined): Edge[] => Object.values(entry?.transitions ?? {}) as Edge[];

interface FoundPath {
  state: ModelSnapshot;
  steps: Edge[];
}

/** Validates a document as the runtime does: an older document is migrated first. */
export function normalizeForTesting(system: SystemDefinition): NormalizedSystem {
  return assertValidSystem(isLegacySystem(system) ? migrateSystem(system).system : system);
}

/** Shortest paths (fewest events) from the start to every state of an adjacency map, breadth first. */
function shortestPaths(adjacency: AdjacencyMap<ModelSnapshot, ModelEvent>, serialize: (state: ModelSnapshot) => string): Map<string, FoundPath> {
  const paths = new Map<string, FoundPath>();
  const start = Object.keys(adjacency)[0];
  const entry = (key: string) => adjacency[key as keyof typeof adjacency];
  const first = start === undefined ? undefined : entry(start);
  if (start === undefined || !first) return paths;
  paths.set(start, { state: first.state, steps: [] });
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    const key = queue[i] as string;
    const from = paths.get(key) as FoundPath;
    for (const edge of edgesOf(entry(key))) {
      const next = serialize(edge.state);
      if (paths.has(next)) continue;
      paths.set(next, { state: edge.state, steps: [...from.steps, edge] });
      queue.push(next);
    }
  }
  return paths;
}

/** The models to walk: one for a process; one per input for a flow (see `flowInputs`). */
function resolveTargets(system: NormalizedSystem, target: TestTarget, options: TransitionTestOptions): ModelTarget[] {
  const processes = Object.keys(system.processes ?? {});
  const flows = Object.keys(system.flows ?? {});
  const processId = typeof target === 'string' ? (processes.includes(target) ? target : undefined) : 'process' in target ? target.process : undefined;
  if (processId !== undefined) return [processTarget(system, processId, options.context)];
  const flowId = typeof target === 'string' ? target : 'flow' in target ? target.flow : '';
  if (typeof target === 'string' && !flows.includes(target)) {
    throw new NotFoundError('process', target, [...processes, ...flows.map((id) => `${id} (flow)`)]);
  }
  const inputs = options.input !== undefined ? [options.input] : flowInputs(system, flowId);
  return inputs.map((input) => flowTarget(system, flowId, input));
}

/** A walked model: its shortest paths, and the shortest path that takes each transition (by transition id). */
function walk(model: PathModel) {
  const adjacency = getAdjacencyMap(model.logic, {
    events: model.events,
    serializeState: model.serialize,
    stopWhen: (state) => !model.expand(state),
  });
  const paths = shortestPaths(adjacency, model.serialize);
  const start = paths.values().next().value as FoundPath;
  const best = new Map<string, FoundPath>();
  const consider = (path: FoundPath, taken: readonly AnyTransitionDefinition[]) => {
    for (const definition of taken) {
      const id = model.transitions.get(definition)?.id;
      const known = id === undefined ? undefined : best.get(id);
      if (id !== undefined && (!known || known.steps.length > path.steps.length)) best.set(id, path);
    }
  };
  consider(start, start.state.taken);
  for (const [key, entry] of Object.entries(adjacency)) {
    const path = paths.get(key);
    if (!path) continue;
    for (const edge of edgesOf(entry)) consider({ state: edge.state, steps: [...path.steps, edge] }, edge.state.taken);
  }
  return { start, paths, best };
}

/**
 * Plans model-based tests of a process or flow: walks its statechart with `xstate/graph`'s adjacency map
 * (events with sample payloads, tasks answering each sample outcome, timers firing in time order; a flow
 * once per sample input) and returns the shortest path to every transition and to every state, as
 * runnable cases, with what they cover.
 */
export function planTransitionTests(system: SystemDefinition, target: TestTarget, options: TransitionTestOptions = {}): TransitionTestPlan {
  const normalized = normalizeForTesting(system);
  const walked = resolveTargets(normalized, target, options).map((modelTarget) => {
    const model = buildPathModel(normalized, modelTarget, options);
    return { model, ...walk(model) };
  });
  const first = walked[0];
  if (!first) throw new NotFoundError('flow', String(target), []);
  const { kind, id } = first.model.target;
  const transitions = [...first.model.transitions.values()];

  const cases: TransitionTestCase[] = [];
  const seen: { input: unknown; events: PathEvent[] }[] = [];
  const add = (caseKind: TransitionTestCase['kind'], name: string, found: { model: PathModel; start: FoundPath; path: FoundPath }, transition?: MachineTransition) => {
    const { model, start, path } = found;
    const events = path.steps.map((step) => step.event.step);
    const input = model.target.flowInput;
    if (seen.some((other) => isDeepStrictEqual(other, { input, events }))) return;
    seen.push({ input, events });
    const testCase: TransitionTestCase = {
      name,
      kind: caseKind,
      target: { kind, id },
      ...(kind === 'flow' ? { input } : {}),
      events,
      initialState: stateText(start.state.machine.value),
      states: path.steps.map((step) => stateText(step.state.machine.value)),
      expectedState: stateText(path.state.machine.value),
      ...(transition ? { transition } : {}),
      run: () => runCase(system, testCase, model, options),
    };
    cases.push(testCase);
  };
  const shortest = <T extends { path: FoundPath }>(candidates: T[]): T | undefined =>
    candidates.reduce<T | undefined>((best, c) => (!best || c.path.steps.length < best.path.steps.length ? c : best), undefined);

  const covered = new Set<string>();
  for (const transition of transitions) {
    const found = shortest(walked.flatMap((w) => { const path = w.best.get(transition.id); return path ? [{ ...w, path }] : []; }));
    if (!found) continue;
    covered.add(transition.id);
    add('transition', transition.label, found, transition);
  }
  const stateNames = [...new Set(walked.flatMap((w) => [...w.paths.values()].map((p) => stateText(p.state.machine.value))))];
  for (const text of stateNames) {
    const found = shortest(walked.flatMap((w) => [...w.paths.values()].filter((p) => stateText(p.state.machine.value) === text).map((path) => ({ ...w, path }))));
    if (found) add('state', `reaches ${text}`, found);
  }
  return { target: { kind, id }, cases, transitions, uncovered: transitions.filter((t) => !covered.has(t.id)), states: stateNames };
}

/**
 * Model-based tests of a process (or flow): the shortest path to every transition and every state, each a
 * case that drives a real instance and checks its state after every event. See `planTransitionTests`.
 */
export function generateTransitionTests(system: SystemDefinition, target: TestTarget, options?: TransitionTestOptions): TransitionTestCase[] {
  return planTransitionTests(system, target, options).cases;
}
