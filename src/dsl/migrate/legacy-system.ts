// A whole document of the older shape as DSL v1: system fields, events, bounded contexts, and what has no place.
import type { BoundedContextDefinition, EventDefinition, FlowDefinition, ProcessDefinition, SystemDefinition, TaskDefinition } from '../schema.js';
import { LIFECYCLE_EVENT_PREFIXES } from '../validate-context.js';
import { collectSteps } from '../validate-flow.js';
import { childPath } from '../validate-report.js';
import { describe, keepUnknownFields } from './legacy-fields.js';
import { convertFlows } from './legacy-flows.js';
import { identifyCollection, toIdentifier } from './legacy-ids.js';
import { convertProcesses, type ContextMembers } from './legacy-processes.js';
import { convertSchema } from './legacy-schemas.js';
import { collectionEntries, isRecord } from './legacy-shape.js';
import { convertTasks } from './legacy-tasks.js';
import { LEGACY_METADATA_KEY, type MigrationLog } from './report.js';

const SYSTEM_FIELDS = new Set(['id', 'name', 'version', 'description', 'events', 'tasks', 'processes', 'flows', 'boundedContexts', 'metadata']);
const EVENT_FIELDS = new Set(['id', 'name', 'type', 'description', 'payload', 'schema']);
const CONTEXT_FIELDS = new Set(['id', 'name', 'description', 'processes', 'flows', 'tasks', 'events']);

/** Converts a document of the older shape to DSL v1, writing what it did to `log`. */
export function convertLegacySystem(doc: Record<string, unknown>, log: MigrationLog): SystemDefinition {
  const rawId = typeof doc.id === 'string' && doc.id !== '' ? doc.id : undefined;
  const id = rawId === undefined ? 'system' : toIdentifier(rawId);
  if (rawId === undefined) log.change('id', 'added', 'The document has no id; it is "system"');
  else if (id !== rawId) log.change('id', 'renamed', `System id "${rawId}" is now "${id}"`);

  const contexts: ContextMembers = new Map();
  const tasks = convertTasks(doc.tasks, log);
  const { processes, ids: processIds } = convertProcesses(doc.processes, tasks, contexts, log);
  const { flows, ids: flowIds } = convertFlows(doc.flows, { tasks, processes, processIds, log });
  const events = convertEvents(doc.events, log);
  if (events) declareUsedEvents(events, processes, flows, tasks.tasks, log);
  const boundedContexts = convertContexts(doc.boundedContexts, contexts, { tasks: (n) => tasks.resolve(n), processes: (n) => processIds.get(n), flows: (n) => flowIds.get(n) }, log);

  const out: SystemDefinition = { id };
  for (const field of ['name', 'version', 'description'] as const) {
    if (typeof doc[field] === 'string') out[field] = doc[field];
    else if (doc[field] !== undefined) log.keep(field, doc[field], `The system's ${field} is not a string`, true);
  }
  if (events) out.events = events;
  if (Object.keys(tasks.tasks).length > 0) out.tasks = tasks.tasks;
  if (Object.keys(processes).length > 0) out.processes = processes;
  if (Object.keys(flows).length > 0) out.flows = flows;
  if (boundedContexts) out.boundedContexts = boundedContexts;
  keepUnknownFields(doc, SYSTEM_FIELDS, '', 'System', log);
  const metadata = isRecord(doc.metadata) ? { ...doc.metadata } : {};
  if (doc.metadata !== undefined && !isRecord(doc.metadata)) log.keep('metadata', doc.metadata, 'The metadata is not an object', true);
  if (Object.keys(log.kept).length > 0) metadata[LEGACY_METADATA_KEY] = log.kept;
  if (Object.keys(metadata).length > 0) out.metadata = metadata;
  return out;
}

/** Events as a record, a list of names, or a list of `{ name, description, payload }`. */
function convertEvents(value: unknown, log: MigrationLog): Record<string, EventDefinition> | undefined {
  if (value === undefined) return undefined;
  const events: Record<string, EventDefinition> = {};
  const entries = Array.isArray(value)
    ? value.map((item, i) => {
        const name = typeof item === 'string' ? item : isRecord(item) ? [item.name, item.type, item.id].find((n) => typeof n === 'string') : undefined;
        return [name, typeof item === 'string' ? {} : item, childPath('events', i)] as const;
      })
    : collectionEntries(value, 'events');
  if (!Array.isArray(value) && !isRecord(value)) log.keep('events', value, 'The events are neither a record nor a list', true);
  if (Array.isArray(value)) log.change('events', 'converted', 'The list of events is a record keyed by event name');
  for (const [name, item, path] of entries) {
    if (typeof name !== 'string' || name === '' || !isRecord(item)) {
      log.keep(path, item, 'An event without a name', true);
      continue;
    }
    const event: EventDefinition = {};
    if (typeof item.description === 'string') event.description = item.description;
    const schemaField = item.payload !== undefined ? 'payload' : 'schema';
    const payload = convertSchema(item[schemaField], childPath(path, schemaField), log);
    if (payload) event.payload = payload;
    const known = Array.isArray(value) ? EVENT_FIELDS : new Set(['description', 'payload', 'schema']);
    keepUnknownFields(item, known, path, 'Event', log);
    events[name] = event;
  }
  return events;
}

/** When the document declares events, DSL v1 checks every event name against them: declare the ones it uses. */
function declareUsedEvents(
  events: Record<string, EventDefinition>,
  processes: Readonly<Record<string, ProcessDefinition>>,
  flows: Readonly<Record<string, FlowDefinition>>,
  tasks: Readonly<Record<string, TaskDefinition>>,
  log: MigrationLog,
): void {
  if (Object.keys(events).length === 0) return;
  const used: string[] = [];
  for (const process of Object.values(processes)) {
    used.push(...Object.keys(process.on ?? {}));
    if (!Array.isArray(process.states)) for (const state of Object.values(process.states)) used.push(...Object.keys(state.on ?? {}));
  }
  for (const flow of Object.values(flows)) {
    if (flow.trigger !== undefined) used.push(...(Array.isArray(flow.trigger) ? flow.trigger : [flow.trigger]));
    for (const [, step] of collectSteps(flow.steps, 'steps')) if (step.type === 'event') used.push(step.event);
  }
  for (const task of Object.values(tasks)) if (task.implementation?.type === 'emit') used.push(task.implementation.event);
  for (const name of used) {
    if (name in events || name === '*' || LIFECYCLE_EVENT_PREFIXES.some((prefix) => name.startsWith(prefix))) continue;
    events[name] = {};
    log.change(childPath('events', name), 'added', `Event "${name}" is used but was not declared; it is declared without a payload schema`);
  }
}

type Resolve = (name: string) => string | undefined;

/** Bounded contexts, with the processes (and their tasks) that name them by `contextId`. */
function convertContexts(
  value: unknown,
  members: ContextMembers,
  resolve: { tasks: Resolve; processes: Resolve; flows: Resolve },
  log: MigrationLog,
): Record<string, BoundedContextDefinition> | undefined {
  if (value === undefined && members.size === 0) return undefined;
  const { items } = identifyCollection(value, 'boundedContexts', 'Bounded context', log);
  const contexts: Record<string, BoundedContextDefinition> = {};
  const byName = new Map<string, string>();
  for (const { key, id, item, path } of items) {
    byName.set(key, id);
    if (typeof item.id === 'string') byName.set(item.id, id);
    const context: BoundedContextDefinition = {};
    const description = describe(item, path, log);
    if (description !== undefined) context.description = description;
    for (const field of ['processes', 'flows', 'tasks'] as const) {
      const list = item[field];
      if (list === undefined) continue;
      if (!Array.isArray(list)) {
        log.keep(childPath(path, field), list, `The ${field} of a bounded context are a list of ids`, true);
        continue;
      }
      context[field] = list.flatMap((name, i) => {
        const found = typeof name === 'string' ? resolve[field](name) : undefined;
        if (found === undefined) log.keep(childPath(childPath(path, field), i), name, `Names none of the ${field} of the system`, true);
        return found === undefined ? [] : [found];
      });
    }
    if (Array.isArray(item.events) && item.events.every((e) => typeof e === 'string')) context.events = item.events as string[];
    else if (item.events !== undefined) log.keep(childPath(path, 'events'), item.events, 'The events of a bounded context are a list of names', true);
    keepUnknownFields(item, CONTEXT_FIELDS, path, 'Bounded context', log);
    contexts[id] = context;
  }
  for (const [name, { processes, tasks }] of members) {
    const id = byName.get(name) ?? toIdentifier(name);
    let context = contexts[id];
    if (!context) {
      context = contexts[id] = {};
      log.change(childPath('boundedContexts', id), 'added', `Bounded context "${id}" is named by processes (contextId) but not declared; it is added`);
    }
    context.processes = unique([...(context.processes ?? []), ...processes]);
    if (tasks.length > 0) context.tasks = unique([...(context.tasks ?? []), ...tasks]);
  }
  return contexts;
}

const unique = (list: readonly string[]): string[] => [...new Set(list)];
