/**
 * A machine as a neutral graph: the state tree as nested nodes and every transition as a labelled edge.
 * Mermaid, DOT and the elkjs layout are all drawn from it. It reads the machine config (JSON or an XState
 * machine's `config`) and never runs anything, so this module has no runtime imports and also runs in a browser.
 */
import type { AnyStateMachine } from 'xstate';
import type { FlowMachineDefinition, MachineConfig, ProcessMachineDefinition } from '../../compiler/types.js';

/** What can be drawn: an XState machine, a compiled flow or process definition, or its JSON machine config. */
export type GraphSource = AnyStateMachine | FlowMachineDefinition | ProcessMachineDefinition | MachineConfig;

export type StateKind = 'atomic' | 'compound' | 'parallel' | 'final' | 'history';
/** `initial` is the initial-state marker (a dot) inside a compound state. */
export type GraphNodeKind = StateKind | 'initial';

export interface GraphNode {
  /** The state's path as snapshots name it (`running.charge.$attempt`); `''` is the machine root; markers end in `.[*]`. */
  id: string;
  /** The state's key in its parent (`$attempt`); the machine id for the root. */
  label: string;
  kind: GraphNodeKind;
  /** A region of a parallel state: drawn with a dashed border. */
  region: boolean;
  /** What the state runs while active: `task chargeCard`, `flow shipping`, `forEach ×2`. */
  details: string[];
  description?: string;
  /** The initial marker comes first, then the child states in document order. */
  children: GraphNode[];
}

/** `event`: a sent event; `done`/`error`: how an invoked actor or a compound state ended; `timer`: a delay. */
export type GraphEdgeKind = 'event' | 'always' | 'done' | 'error' | 'timer' | 'initial';

export interface GraphEdge {
  id: string;
  /** Node ids. A transition without a target is a self-loop. */
  source: string;
  target: string;
  /** What the diagram writes: the event and, in brackets, its guard (shortened). Empty for initial edges. */
  label: string;
  /** The short event label alone: `order.paid`, `done`, `error`, `timeout 10s`, `after 5m`, `retry`. */
  event: string;
  guard?: string;
  kind: GraphEdgeKind;
}

export interface MachineGraph {
  /** The machine id. */
  id: string;
  root: GraphNode;
  edges: GraphEdge[];
}

type Loose = Record<string, unknown>;
const isObject = (value: unknown): value is Loose => typeof value === 'object' && value !== null && !Array.isArray(value);
const list = (value: unknown): unknown[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const throwError = (error: Error): never => {
  throw error;
};

/** The machine config and id behind any source. */
function configOf(source: GraphSource): { id: string; config: Loose } {
  const loose = source as unknown as Loose;
  if ('root' in loose && isObject(loose.config)) return { id: String(loose.id), config: loose.config }; // XState machine
  if ((loose.kind === 'flow' || loose.kind === 'process') && isObject(loose.config)) return { id: String(loose.id), config: loose.config };
  return { id: String(loose.id ?? 'machine'), config: loose };
}

const UNITS: [string, number][] = [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1_000]];

/** `300000` → `5m`, `1500` → `1.5s`: the largest unit that gives at most two decimals. */
export function formatDelay(ms: number): string {
  for (const [unit, size] of UNITS) if (ms >= size && Number.isInteger(Math.round((ms / size) * 1e6) / 1e4)) return `${ms / size}${unit}`;
  return `${ms}ms`;
}

/**
 * How the compiled machines' own guards read on a diagram: as an outcome (`done`, `error`) rather than a
 * guard name, with `otherwise` for the unguarded transition that follows them.
 */
const OUTCOME_GUARDS: Record<string, { event: string; kind: GraphEdgeKind; otherwise?: string }> = {
  taskSucceeded: { event: 'done', kind: 'done' },
  taskFailed: { event: 'error', kind: 'error' },
  childFlowSucceeded: { event: 'done', kind: 'done', otherwise: 'failed' },
  forEachItem: { event: 'item done', kind: 'done' },
  forEachItemFailed: { event: 'item failed', kind: 'error' },
  forEachComplete: { event: 'all items done', kind: 'done' },
  forEachInvalid: { event: 'items invalid', kind: 'error' },
};

/** The guard as a person reads it: an expression's text, a function's name, or the guard's name. */
function guardText(guard: unknown): string | undefined {
  if (guard === undefined) return undefined;
  if (typeof guard === 'string') return guard;
  if (typeof guard === 'function') return guard.name || 'guard';
  if (!isObject(guard)) return 'guard';
  const params = isObject(guard.params) ? guard.params : {};
  if (typeof params.expr === 'string') return params.expr;
  if (typeof params.fn === 'string') return `${params.fn}()`;
  return text(guard.type) ?? 'guard';
}

const MAX_GUARD = 40;
const shorten = (value: string) => (value.length > MAX_GUARD ? `${value.slice(0, MAX_GUARD - 1)}…` : value);

/** Labels of XState's own event types. */
function eventLabel(event: string): { event: string; kind: GraphEdgeKind } {
  if (event.startsWith('xstate.done.actor.')) return { event: event.endsWith('.*') ? 'child done' : 'done', kind: 'done' };
  if (event.startsWith('xstate.error.actor.')) return { event: 'error', kind: 'error' };
  if (event.startsWith('xstate.done.state.')) return { event: 'done', kind: 'done' };
  return { event, kind: 'event' };
}

const delayOf = (invoke: Loose): number | undefined => {
  const input = invoke.input;
  return isObject(input) && typeof input.delayMs === 'number' ? input.delayMs : undefined;
};

/** The outcome labels of an invoked actor: a timer reads as its purpose, anything else as done/error. */
function invokeLabels(invoke: Loose, stateKey: string): { done: string; error: string; kind: GraphEdgeKind } {
  if (invoke.src !== 'timer') return { done: 'done', error: 'error', kind: 'done' };
  const id = text(invoke.id) ?? '';
  const delay = delayOf(invoke);
  const span = delay === undefined ? '' : ` ${formatDelay(delay)}`;
  if (stateKey === '$backoff' || id.endsWith(':backoff')) return { done: 'retry', error: 'error', kind: 'timer' };
  if (id.endsWith(':timeout')) return { done: `timeout${span}`, error: 'error', kind: 'timer' };
  return { done: delay === undefined ? 'timer' : `after${span}`, error: 'error', kind: 'timer' };
}

/** What a state runs while it is active, for the line under its name. */
function detailsOf(state: Loose): string[] {
  const details: string[] = [];
  for (const raw of list(state.invoke)) {
    if (!isObject(raw) || typeof raw.src !== 'string' || raw.src === 'timer') continue;
    const params = isObject(raw.input) && isObject(raw.input.params) ? raw.input.params : {};
    if (raw.src === 'taskAttempt') details.push(typeof params.task === 'string' ? `task ${params.task}` : 'task');
    else if (raw.src.startsWith('task:')) details.push(`task ${raw.src.slice(5)}`);
    else if (raw.src.startsWith('flow:')) details.push(`flow ${raw.src.slice(5)}`);
    else details.push(raw.src);
  }
  for (const action of list(state.entry)) {
    if (isObject(action) && action.type === 'forEachStart') {
      const params = isObject(action.params) ? action.params : {};
      details.push(typeof params.concurrency === 'number' ? `forEach ×${params.concurrency}` : 'forEach');
    }
  }
  return details;
}

interface StateEntry {
  path: string[];
  config: Loose;
  node: GraphNode;
  parent?: StateEntry;
  children: Map<string, StateEntry>;
}

const pathId = (path: readonly string[]) => path.join('.');
const markerId = (path: readonly string[]) => (path.length ? `${pathId(path)}.[*]` : '[*]');

/** Builds the graph of a machine: its states as nested nodes and its transitions as labelled edges. */
export function machineGraph(source: GraphSource): MachineGraph {
  const { id: machineId, config } = configOf(source);
  const ids = new Map<string, StateEntry>();

  const build = (cfg: Loose, path: string[], parent: StateEntry | undefined): StateEntry => {
    const states = isObject(cfg.states) ? cfg.states : {};
    const keys = Object.keys(states);
    const declared = text(cfg.type);
    const kind: StateKind =
      declared === 'parallel' || declared === 'final' || declared === 'history' ? declared : keys.length ? 'compound' : 'atomic';
    const node: GraphNode = {
      id: pathId(path),
      label: path.at(-1) ?? machineId,
      kind,
      region: parent?.node.kind === 'parallel',
      details: detailsOf(cfg),
      children: [],
    };
    const description = text(cfg.description);
    if (description !== undefined) node.description = description;
    const entry: StateEntry = { path, config: cfg, node, children: new Map(), ...(parent ? { parent } : {}) };
    const explicitId = text(cfg.id);
    if (explicitId !== undefined) ids.set(explicitId, entry);
    if (kind === 'compound' && typeof cfg.initial === 'string') {
      node.children.push({ id: markerId(path), label: '', kind: 'initial', region: false, details: [], children: [] });
    }
    for (const key of keys) {
      const child = states[key];
      const childEntry = build(isObject(child) ? child : {}, [...path, key], entry);
      entry.children.set(key, childEntry);
      node.children.push(childEntry.node);
    }
    return entry;
  };
  const root = build(config, [], undefined);
  ids.set(machineId, root);

  const missing = (from: StateEntry, target: string) =>
    new Error(`State "${pathId(from.path) || machineId}" of machine "${machineId}" targets "${target}", which does not exist`);
  const descend = (at: StateEntry, keys: string[], from: StateEntry, target: string): StateEntry =>
    keys.reduce((node, key) => (key === '' ? node : (node.children.get(key) ?? throwError(missing(from, target)))), at);

  // XState's resolution: `#id.path` from the state with that id, `.child` from the state itself, else from its parent.
  const resolve = (from: StateEntry, target: string): StateEntry => {
    if (!target.startsWith('#')) return descend(target.startsWith('.') ? from : (from.parent ?? from), target.split('.'), from, target);
    const [idPart = '', ...rest] = target.slice(1).split('.');
    const byId = ids.get(idPart);
    return byId ? descend(byId, rest, from, target) : (ids.get(target.slice(1)) ?? throwError(missing(from, target)));
  };

  const edges: GraphEdge[] = [];
  const seen = new Set<string>();
  const addEdge = (source: string, target: string, event: string, kind: GraphEdgeKind, guard?: string) => {
    const label = guard === undefined ? event : event === '' ? `[${shorten(guard)}]` : `${event} [${shorten(guard)}]`;
    const key = `${source}\u0000${target}\u0000${label}`;
    if (seen.has(key)) return;
    seen.add(key);
    edges.push({ id: `e${edges.length}`, source, target, label, event, kind, ...(guard === undefined ? {} : { guard }) });
  };

  /** One edge per target of each transition, read as `labelled` unless one of the compiler's guards says otherwise. */
  const addTransitions = (from: StateEntry, transitions: unknown, labelled: { event: string; kind: GraphEdgeKind }) => {
    let outcome: (typeof OUTCOME_GUARDS)[string] | undefined;
    for (const raw of list(transitions)) {
      const t: Loose = typeof raw === 'string' ? { target: raw } : isObject(raw) ? raw : {};
      const guardName = isObject(t.guard) ? text(t.guard.type) : text(t.guard);
      const builtin = guardName === undefined ? undefined : OUTCOME_GUARDS[guardName];
      let { event, kind } = labelled;
      let guard = guardText(t.guard);
      if (builtin) {
        ({ event, kind } = builtin);
        outcome = builtin;
        const params = isObject(t.guard) && isObject(t.guard.params) ? t.guard.params : undefined;
        guard = params && (params.expr !== undefined || params.fn !== undefined) ? guardText(t.guard) : undefined;
      } else if (guard === undefined && outcome?.otherwise) {
        event = outcome.otherwise;
        kind = 'error';
      } else if (guard === undefined && labelled.kind === 'always' && edges.some((e) => e.source === from.node.id && e.kind === 'always')) {
        event = 'else';
      }
      if (labelled.kind === 'always' && guard !== undefined && !builtin) event = '';
      const targets = list(t.target).filter((x): x is string => typeof x === 'string');
      const nodes = targets.length ? targets.map((x) => resolve(from, x).node.id) : [from.node.id];
      for (const target of nodes) addEdge(from.node.id, target, event, kind, guard);
    }
  };

  const visit = (entry: StateEntry) => {
    const cfg = entry.config;
    const initial = text(cfg.initial);
    if (entry.node.kind === 'compound' && initial !== undefined) {
      addEdge(markerId(entry.path), resolve(entry, `.${initial}`).node.id, '', 'initial');
    }
    if (isObject(cfg.on)) for (const [event, transitions] of Object.entries(cfg.on)) addTransitions(entry, transitions, eventLabel(event));
    if (cfg.always !== undefined) {
      // A backoff without delay (initialDelay 0) retries at once, through an eventless transition.
      addTransitions(entry, cfg.always, { event: entry.path.at(-1) === '$backoff' ? 'retry' : 'always', kind: 'always' });
    }
    if (isObject(cfg.after)) {
      for (const [delay, transitions] of Object.entries(cfg.after)) {
        const label = /^\d+$/.test(delay) ? formatDelay(Number(delay)) : delay;
        addTransitions(entry, transitions, { event: `after ${label}`, kind: 'timer' });
      }
    }
    for (const raw of list(cfg.invoke)) {
      if (!isObject(raw)) continue;
      const labels = invokeLabels(raw, entry.path.at(-1) ?? '');
      if (raw.onDone !== undefined) addTransitions(entry, raw.onDone, { event: labels.done, kind: labels.kind });
      if (raw.onError !== undefined) addTransitions(entry, raw.onError, { event: labels.error, kind: 'error' });
    }
    if (cfg.onDone !== undefined) addTransitions(entry, cfg.onDone, { event: 'done', kind: 'done' });
    for (const child of entry.children.values()) visit(child);
  };
  visit(root);
  return { id: machineId, root: root.node, edges };
}

/** Every node of the graph, parents before their children. */
export function graphNodes(graph: MachineGraph): GraphNode[] {
  const out: GraphNode[] = [];
  const walk = (node: GraphNode) => {
    out.push(node);
    node.children.forEach(walk);
  };
  walk(graph.root);
  return out;
}

/** A state value (`{ running: { charge: '$attempt' } }`) as the ids of its active states, ancestors included. */
export function activeStateIds(value: unknown, prefix = ''): string[] {
  const join = (key: string) => (prefix ? `${prefix}.${key}` : key);
  if (typeof value === 'string') return [join(value)];
  if (!isObject(value)) return [];
  return Object.entries(value).flatMap(([key, child]) => [join(key), ...activeStateIds(child, join(key))]);
}
