// The older document shape of the original Runtime Core, and how to tell it from DSL v1.
import { childPath } from '../validate-report.js';

/** A collection in the older shape: a record keyed by id, or a list of items that carry their `id`. */
export type LegacyCollection<T> = Record<string, T> | T[];

export interface LegacyTrigger {
  type?: string;
  name?: string;
  [field: string]: unknown;
}

export interface LegacyTransition {
  /** A state, a list of states, or `'*'` for any state. */
  from: string | string[];
  to: string;
  on?: string;
  /** Older spelling of `on`. */
  trigger?: string;
  condition?: string;
  guard?: string;
  [field: string]: unknown;
}

export interface LegacyState {
  name?: string;
  id?: string;
  description?: string;
  type?: string;
  [field: string]: unknown;
}

export interface LegacyProcess {
  id?: string;
  name?: string;
  description?: string;
  type?: 'stateful' | 'stateless';
  contextId?: string;
  states?: (string | LegacyState)[];
  transitions?: LegacyTransition[];
  triggers?: LegacyTrigger[];
  tasks?: string[];
  initialState?: string;
  context?: Record<string, unknown>;
  [field: string]: unknown;
}

/** A field of a task's input or output. */
export interface LegacyField {
  name: string;
  type?: string;
  required?: boolean;
  description?: string;
  [field: string]: unknown;
}

/** A type name (`'string'`, `'Order'`), a list of field names, a list of fields, or JSON Schema. */
export type LegacySchema = string | string[] | LegacyField[] | Record<string, unknown>;

export interface LegacyImplementation {
  type: 'function' | 'external_service' | 'mock' | (string & {});
  code?: string;
  service?: string;
  endpoint?: string;
  [field: string]: unknown;
}

export type LegacyTaskType = 'operation' | 'condition' | 'transformation' | 'notification' | 'external_call' | 'state_transition';

export interface LegacyTask {
  id?: string;
  type?: LegacyTaskType | (string & {});
  label?: string;
  description?: string;
  input?: LegacySchema;
  output?: LegacySchema;
  implementation?: LegacyImplementation;
  timeout?: number | string;
  retry?: Record<string, unknown>;
  [field: string]: unknown;
}

export interface LegacyNextEntry {
  condition?: string | boolean;
  stepId: string;
  [field: string]: unknown;
}

export interface LegacyBranch {
  id?: string;
  steps: string[];
  [field: string]: unknown;
}

export interface LegacyFlowStep {
  id: string;
  type: 'task' | 'process' | 'decision' | 'parallel' | 'wait' | (string & {});
  name?: string;
  description?: string;
  taskId?: string;
  processId?: string;
  /** The event a `process` step sends, or a `wait` step waits for. */
  event?: string;
  condition?: string;
  branches?: (LegacyBranch | string[])[];
  timeout?: number | string;
  input?: unknown;
  next?: string | LegacyNextEntry[];
  [field: string]: unknown;
}

export interface LegacyFlow {
  id?: string;
  name?: string;
  description?: string;
  /** An event name, or `{ type, name }`. */
  trigger?: string | LegacyTrigger;
  steps?: LegacyFlowStep[];
  [field: string]: unknown;
}

export interface LegacyBoundedContext {
  id?: string;
  name?: string;
  description?: string;
  processes?: string[];
  flows?: string[];
  tasks?: string[];
  [field: string]: unknown;
}

/** A system document in the older shape of the original Runtime Core. */
export interface LegacySystemDefinition {
  id: string;
  name?: string;
  version?: string;
  description?: string;
  boundedContexts?: LegacyCollection<LegacyBoundedContext>;
  events?: LegacyCollection<Record<string, unknown>> | string[];
  processes?: LegacyCollection<LegacyProcess>;
  tasks?: LegacyCollection<LegacyTask>;
  flows?: LegacyCollection<LegacyFlow>;
  metadata?: Record<string, unknown>;
  [field: string]: unknown;
}

/** What a document looks like, and the paths that show it is in the older shape. */
export interface DocumentShape {
  shape: 'legacy' | 'v1';
  /** Paths of the constructs only the older shape has (`processes.order.contextId`); empty for v1. */
  markers: string[];
}

export const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

const LEGACY_TASK_TYPES: ReadonlySet<unknown> = new Set(['operation', 'condition', 'transformation', 'notification', 'external_call', 'state_transition']);
const LEGACY_IMPLEMENTATION_TYPES: ReadonlySet<unknown> = new Set(['function', 'external_service']);
const LEGACY_STEP_TYPES: ReadonlySet<unknown> = new Set(['process', 'decision']);
const LEGACY_STEP_FIELDS = ['taskId', 'processId', 'next'] as const;

/** The entries of a collection in either form, each with its path. List items are keyed by their `id` (or position). */
export function collectionEntries(value: unknown, path: string): [key: string, item: unknown, path: string][] {
  if (Array.isArray(value)) {
    return value.map((item, i) => [isRecord(item) && typeof item.id === 'string' ? item.id : String(i), item, childPath(path, i)]);
  }
  if (!isRecord(value)) return [];
  return Object.entries(value).map(([key, item]) => [key, item, childPath(path, key)]);
}

/**
 * Tells the older shape from DSL v1 by the constructs only the older shape has. A valid DSL v1 document has
 * none of them, so it is never taken for an older one. (The flat process shape, `states: string[]` with
 * `transitions: [{ from, to, on }]`, belongs to both and is no marker.)
 */
export function detectDocumentShape(doc: unknown): DocumentShape {
  const markers: string[] = [];
  if (!isRecord(doc)) return { shape: 'v1', markers };
  for (const section of ['processes', 'tasks', 'flows', 'boundedContexts'] as const) {
    if (Array.isArray(doc[section])) markers.push(`${section} (a list)`);
  }
  for (const [, process, path] of collectionEntries(doc.processes, 'processes')) {
    if (!isRecord(process)) continue;
    if (process.type === 'stateful' || process.type === 'stateless') markers.push(childPath(path, 'type'));
    for (const field of ['contextId', 'triggers', 'tasks', 'id', 'name', 'initialState'] as const) if (process[field] !== undefined) markers.push(childPath(path, field));
    if (Array.isArray(process.states) && process.states.some(isRecord)) markers.push(childPath(path, 'states'));
    if (Array.isArray(process.transitions)) {
      process.transitions.forEach((t, i) => {
        if (isRecord(t) && (t.trigger !== undefined || t.condition !== undefined || Array.isArray(t.from))) markers.push(childPath(childPath(path, 'transitions'), i));
      });
    }
  }
  for (const [, task, path] of collectionEntries(doc.tasks, 'tasks')) {
    if (!isRecord(task)) continue;
    if (LEGACY_TASK_TYPES.has(task.type)) markers.push(childPath(path, 'type'));
    for (const field of ['label', 'id'] as const) if (task[field] !== undefined) markers.push(childPath(path, field));
    for (const field of ['input', 'output'] as const) if (typeof task[field] === 'string' || Array.isArray(task[field])) markers.push(childPath(path, field));
    const implementation = task.implementation;
    if (isRecord(implementation) && (LEGACY_IMPLEMENTATION_TYPES.has(implementation.type) || implementation.code !== undefined || implementation.endpoint !== undefined)) {
      markers.push(childPath(path, 'implementation'));
    }
  }
  for (const [, flow, path] of collectionEntries(doc.flows, 'flows')) {
    if (!isRecord(flow)) continue;
    for (const field of ['id', 'name'] as const) if (flow[field] !== undefined) markers.push(childPath(path, field));
    if (isRecord(flow.trigger)) markers.push(childPath(path, 'trigger'));
    if (Array.isArray(flow.steps)) markers.push(...stepMarkers(flow.steps, childPath(path, 'steps')));
  }
  return { shape: markers.length > 0 ? 'legacy' : 'v1', markers };
}

/** The constructs of the older shape in a list of flow steps: step types, `taskId`, `processId`, `next`, branches of step ids. */
export function stepMarkers(steps: readonly unknown[], path: string): string[] {
  const markers: string[] = [];
  steps.forEach((step, i) => {
    if (!isRecord(step)) return;
    const at = childPath(path, i);
    if (LEGACY_STEP_TYPES.has(step.type)) markers.push(childPath(at, 'type'));
    for (const field of LEGACY_STEP_FIELDS) if (step[field] !== undefined) markers.push(childPath(at, field));
    if (step.type === 'parallel' && Array.isArray(step.branches) && step.branches.some((b) => isRecord(b) || (Array.isArray(b) && b.some((s) => typeof s === 'string')))) {
      markers.push(childPath(at, 'branches'));
    }
  });
  return markers;
}

/** Whether a document is in the older shape of the original Runtime Core (and needs `migrateSystem`). */
export function isLegacySystem(doc: unknown): doc is LegacySystemDefinition {
  return detectDocumentShape(doc).shape === 'legacy';
}
