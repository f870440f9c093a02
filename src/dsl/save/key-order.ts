// The canonical key order of a saved document: known objects in the meta-schema's field order, user maps
// (events, tasks, states, JSON Schema properties…) and free data in insertion order.
import { childPath } from '../validate-report.js';
import type {
  BoundedContextDefinition,
  EventDefinition,
  FlowDefinition,
  InvokeDefinition,
  ProcessDefinition,
  RetryPolicy,
  StateDefinition,
  StepType,
  SystemDefinition,
  TaskDefinition,
  TaskExample,
  TransitionObject,
} from '../schema.js';
import { functionSource } from './function-source.js';
import { UnsavableError } from './save-error.js';

/** How a part of the document is laid out. */
export type Shape =
  /** Free data (JSON Schemas, context, metadata, example values): insertion order all the way down. */
  | { readonly kind: 'data' }
  /** A known object: these fields first, in this order, then any other key in insertion order. */
  | { readonly kind: 'fields'; readonly fields: Readonly<Record<string, Shape>> }
  /** A user map: insertion order; every value has the shape `of`. */
  | { readonly kind: 'map'; readonly of: Shape }
  | { readonly kind: 'list'; readonly of: Shape }
  /** Decided by the value (a transition, a step by its type) or deferred (recursive shapes). */
  | { readonly kind: 'choice'; readonly pick: (value: unknown) => Shape };

const data: Shape = { kind: 'data' };
const fields = (table: Readonly<Record<string, Shape>>): Shape => ({ kind: 'fields', fields: table });
const map = (of: Shape): Shape => ({ kind: 'map', of });
const list = (of: Shape): Shape => ({ kind: 'list', of });
const choice = (pick: (value: unknown) => Shape): Shape => ({ kind: 'choice', pick });
const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const names = list(data);

export const RETRY_FIELDS = {
  maxAttempts: data,
  initialDelay: data,
  backoff: data,
  multiplier: data,
  maxDelay: data,
  jitter: data,
  nonRetryable: names,
} satisfies Record<keyof RetryPolicy, Shape>;

const EXAMPLE_FIELDS = { input: data, output: data, error: fields({ name: data, message: data, code: data }), description: data } satisfies Record<
  keyof TaskExample,
  Shape
>;

export const TASK_FIELDS = {
  description: data,
  input: data,
  output: data,
  retry: fields(RETRY_FIELDS),
  timeout: data,
  examples: list(fields(EXAMPLE_FIELDS)),
  implementation: fields({ type: data }),
} satisfies Record<keyof TaskDefinition, Shape>;

export const EVENT_FIELDS = { description: data, payload: data } satisfies Record<keyof EventDefinition, Shape>;

const ACTION_FIELDS: Readonly<Record<string, Readonly<Record<string, Shape>>>> = {
  assign: { type: data, values: map(data) },
  emit: { type: data, event: data, payload: data },
  log: { type: data, message: data },
};
const action = choice((value) => fields(ACTION_FIELDS[isRecord(value) ? String(value.type) : ''] ?? { type: data }));

const TRANSITION_FIELDS = { target: data, guard: data, actions: list(action), description: data } satisfies Record<keyof TransitionObject, Shape>;
const transitionObject = fields(TRANSITION_FIELDS);
const transition = choice((value) => (Array.isArray(value) ? list(transitionObject) : isRecord(value) ? transitionObject : data));

const INVOKE_FIELDS = { task: data, input: data, onDone: transition, onError: transition } satisfies Record<keyof InvokeDefinition, Shape>;

export const STATE_FIELDS = {
  type: data,
  description: data,
  initial: data,
  states: map(choice(() => state)),
  on: map(transition),
  after: map(transition),
  invoke: fields(INVOKE_FIELDS),
  entry: list(action),
  exit: list(action),
} satisfies Record<keyof StateDefinition, Shape>;
const state: Shape = fields(STATE_FIELDS);

export const PROCESS_FIELDS = {
  description: data,
  type: data,
  initial: data,
  context: data,
  states: choice((value) => (Array.isArray(value) ? names : map(state))),
  transitions: list(fields({ from: data, to: data, on: data, guard: data })),
  on: map(transition),
} satisfies Record<keyof ProcessDefinition, Shape>;

const steps = list(choice((value) => step(value)));
/** Per step type, the fields between `type` and the trailing `onError`, `catch`. */
export const STEP_TYPE_FIELDS = {
  task: { task: data, input: data, retry: fields(RETRY_FIELDS), timeout: data },
  condition: { if: data, then: steps, else: steps },
  parallel: { branches: list(steps) },
  wait: { duration: data },
  event: { event: data, match: data, timeout: data },
  forEach: { items: data, concurrency: data, steps },
  flow: { flow: data, input: data },
} satisfies Record<StepType, Record<string, Shape>>;
const STEP_HEAD = { id: data, name: data, description: data, type: data };
const STEP_TAIL = { onError: data, catch: steps };

function step(value: unknown): Shape {
  const type = isRecord(value) ? value.type : undefined;
  const own: Record<string, Shape> = typeof type === 'string' && Object.hasOwn(STEP_TYPE_FIELDS, type) ? STEP_TYPE_FIELDS[type as StepType] : {};
  return fields({ ...STEP_HEAD, ...own, ...STEP_TAIL });
}

export const FLOW_FIELDS = {
  name: data,
  description: data,
  trigger: choice((value) => (Array.isArray(value) ? names : data)),
  input: data,
  output: data,
  steps,
  onError: data,
} satisfies Record<keyof FlowDefinition, Shape>;

const BOUNDED_CONTEXT_FIELDS = { description: data, processes: names, flows: names, tasks: names, events: names } satisfies Record<
  keyof BoundedContextDefinition,
  Shape
>;

export const SYSTEM_FIELDS = {
  id: data,
  name: data,
  version: data,
  description: data,
  events: map(fields(EVENT_FIELDS)),
  tasks: map(fields(TASK_FIELDS)),
  processes: map(fields(PROCESS_FIELDS)),
  flows: map(fields(FLOW_FIELDS)),
  boundedContexts: map(fields(BOUNDED_CONTEXT_FIELDS)),
  metadata: data,
} satisfies Record<keyof SystemDefinition, Shape>;

/** The shape of a whole system document. */
export const SYSTEM_SHAPE: Shape = fields(SYSTEM_FIELDS);

const isPlainObject = (value: unknown): value is Record<string, unknown> => {
  if (!isRecord(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
};

/**
 * A copy of `value` with every object's keys in canonical order and `undefined` properties left out.
 * Functions are kept as they are. Anything that a `.dsl.ts` literal cannot hold (a Date, a Map, a class
 * instance, a zod schema, NaN, a bigint, a cycle) throws an UnsavableError that names where it is.
 */
export function arrange(value: unknown, shape: Shape = SYSTEM_SHAPE, at = '', seen: ReadonlySet<object> = new Set()): unknown {
  while (shape.kind === 'choice') shape = shape.pick(value);
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'function') {
    functionSource(value as (...args: never[]) => unknown, at || undefined); // fails here, with a path, when there is no source
    return value;
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new UnsavableError(`${value} is not a finite number`, at || undefined);
    return value;
  }
  if (typeof value !== 'object') throw new UnsavableError(`a ${typeof value} cannot be written to a document`, at || undefined);
  if (seen.has(value)) throw new UnsavableError('the document refers to itself (a cycle)', at || undefined);
  const inner = new Set(seen).add(value);
  if (Array.isArray(value)) {
    const of = shape.kind === 'list' ? shape.of : data;
    return value.map((item: unknown, index) => {
      const itemAt = childPath(at, index);
      if (item === undefined) throw new UnsavableError('an array cannot hold undefined', itemAt);
      return arrange(item, of, itemAt, inner);
    });
  }
  if (!isPlainObject(value)) {
    const kind = (value as object).constructor?.name ?? 'object';
    throw new UnsavableError(`a ${kind} is not plain data (zod schemas go through z.toJSONSchema first)`, at || undefined);
  }
  const known = shape.kind === 'fields' ? shape.fields : {};
  const order = [...Object.keys(known).filter((key) => Object.hasOwn(value, key)), ...Object.keys(value).filter((key) => !Object.hasOwn(known, key))];
  const out: Record<string, unknown> = {};
  for (const key of order) {
    if (value[key] === undefined) continue;
    const of = Object.hasOwn(known, key) ? (known[key] as Shape) : shape.kind === 'map' ? shape.of : data;
    // defineProperty, so that a key named __proto__ stays a key.
    Object.defineProperty(out, key, { value: arrange(value[key], of, childPath(at, key), inner), enumerable: true, writable: true, configurable: true });
  }
  return out;
}
