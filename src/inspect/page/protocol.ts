/**
 * What the inspector and its page say to each other: JSON messages over the WebSocket at `/ws`. The server
 * pushes `ServerMessage`s; the page sends `ClientMessage`s.
 */
import { toSerializedError } from '../../failure.js';
import type { StepStatus } from '../../../machines/flow-state.js';
import type { SerializedError } from '../../errors.js';
import type { HistoryEntry, InstanceStatus as StoredStatus } from '../../persistence/store.js';

export type DefinitionKind = 'flow' | 'process' | 'task';

/** A flow, process or task machine the page can draw. `key` is `<kind>:<id>`, as `/diagram.svg?key=` takes it. */
export interface DefinitionSummary {
  key: string;
  kind: DefinitionKind;
  id: string;
  /** Event types its machine listens for (the send form offers them). */
  events: string[];
}

/** Of the actor running here; `stored` for an instance that only the store holds (it does not run in this process). */
export type InstanceStatus = 'active' | 'done' | 'error' | 'stopped' | 'stored';

/** What the store holds of an instance (inspectors created with a `store`). */
export interface StoredInstanceInfo {
  status: StoredStatus;
  version: number;
  createdAt: number;
  updatedAt: number;
  finishedAt?: number;
  error?: SerializedError;
}

export interface InstanceSummary {
  instanceId: string;
  kind: DefinitionKind;
  definitionId: string;
  definitionKey: string;
  status: InstanceStatus;
  startedAt: number;
  endedAt?: number;
  /** Present when the inspector has a store that holds the instance. */
  stored?: StoredInstanceInfo;
}

/** One transition taken in a microstep, as state paths (`running.charge.$attempt`). */
export interface TransitionSummary {
  source: string;
  targets: string[];
  event: string;
}

/** An event an instance received, with the transitions it caused. */
export interface EventEntry {
  seq: number;
  at: number;
  type: string;
  /** The event's payload (a sent event) or the rest of the event (`output`, `error`, `input` of internal ones), as JSON. */
  payload: unknown;
  /** Id of the actor that sent it, when one did (a task attempt, a timer). */
  source?: string;
  transitions: TransitionSummary[];
}

/** A step of a flow, from `context.stepStatus`, with the times the inspector saw it start and end. */
export interface StepTiming {
  status: StepStatus;
  attempts: number;
  startedAt: number;
  endedAt?: number;
  durationMs?: number;
  /** Delay before the next attempt, while backing off. */
  delayMs?: number;
  error?: SerializedError;
}

export interface SystemSummary {
  id: string;
  name?: string;
  version?: string;
}

export type ServerMessage =
  | { type: 'system'; system: SystemSummary | null; definitions: DefinitionSummary[] }
  | { type: 'instances'; instances: InstanceSummary[] }
  | { type: 'instance'; instance: InstanceSummary }
  | { type: 'removed'; instanceId: string }
  | { type: 'state'; instanceId: string; active: string[]; status: InstanceStatus; microstep: boolean; transitions: TransitionSummary[]; at: number }
  | { type: 'event'; instanceId: string; entry: EventEntry }
  | { type: 'steps'; instanceId: string; steps: Record<string, StepTiming> }
  | {
      type: 'detail';
      instance: InstanceSummary;
      active: string[];
      log: EventEntry[];
      steps: Record<string, StepTiming>;
      /** The stored history, when the inspector has a store (oldest first; the latest `maxHistory` entries). */
      history?: HistoryEntry[];
    }
  | { type: 'sent'; requestId: string; ok: true }
  | { type: 'sent'; requestId: string; ok: false; error: SerializedError }
  | { type: 'error'; message: string };

export type ClientMessage =
  | { type: 'select'; instanceId: string }
  | { type: 'send'; requestId: string; instanceId: string; event: string; payload: Record<string, unknown> };

/** Checks a message from the page; returns why it is not one, as a string. */
export function parseClientMessage(text: string): ClientMessage | string {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return 'Expected a JSON message';
  }
  const message = (data ?? {}) as Record<string, unknown>;
  const isText = (value: unknown): value is string => typeof value === 'string' && value.length > 0;
  if (message.type === 'select') {
    return isText(message.instanceId) ? { type: 'select', instanceId: message.instanceId } : 'select: expected { instanceId: string }';
  }
  if (message.type === 'send') {
    const { requestId, instanceId, event, payload = {} } = message;
    if (!isText(requestId) || !isText(instanceId) || !isText(event)) return 'send: expected { requestId, instanceId, event } as strings';
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return 'send: payload must be a JSON object';
    return { type: 'send', requestId, instanceId, event, payload: payload as Record<string, unknown> };
  }
  return `Unknown message type ${JSON.stringify(message.type)}; expected "select" or "send"`;
}

/** A value as JSON: errors as `{ name, message, code? }`, cycles and depth cut, `toJSON` honoured. */
export function toJson(value: unknown, depth = 12, ancestors = new Set<object>()): unknown {
  if (value === null || value === undefined || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'function') return `[function ${value.name || 'anonymous'}]`;
  if (typeof value !== 'object') return String(value);
  if (ancestors.has(value)) return '[circular]';
  if (depth <= 0) return '[…]';
  if (value instanceof Error) return toSerializedError(value);
  ancestors.add(value);
  try {
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') return toJson(toJSON.call(value), depth, ancestors);
    if (Array.isArray(value)) return value.map((item) => toJson(item, depth - 1, ancestors) ?? null);
    if (value instanceof Map || value instanceof Set) return toJson([...value], depth - 1, ancestors);
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      const json = toJson(item, depth - 1, ancestors);
      if (json !== undefined) out[key] = json;
    }
    return out;
  } finally {
    ancestors.delete(value);
  }
}
