// Processes of the older shape: kind, bounded context, a list of states with from/to transitions, triggers and tasks.
import type { ProcessDefinition, StateDefinition, TransitionObject } from '../schema.js';
import { childPath } from '../validate-report.js';
import { convertCondition, NEVER } from './legacy-conditions.js';
import { describe, keepUnknownFields } from './legacy-fields.js';
import { identifyCollection } from './legacy-ids.js';
import { isRecord } from './legacy-shape.js';
import type { TaskTable } from './legacy-tasks.js';
import type { MigrationLog } from './report.js';

/** What processes add to bounded contexts: their own ids, and the tasks they list. */
export type ContextMembers = Map<string, { processes: string[]; tasks: string[] }>;

const PROCESS_FIELDS = new Set(['id', 'name', 'description', 'type', 'contextId', 'states', 'transitions', 'triggers', 'tasks', 'initialState', 'initial', 'context', 'on']);
const STATECHART_FIELDS = new Set(['id', 'name', 'description', 'type', 'contextId', 'triggers', 'tasks', 'initial', 'context', 'states', 'on']);
const STATE_FIELDS = new Set(['name', 'id', 'description', 'type']);
const TRANSITION_FIELDS = new Set(['from', 'to', 'on', 'trigger', 'event', 'condition', 'guard', 'description']);
/** Characters target paths use as separators. */
const RESERVED_IN_STATE_NAMES = /[.#]/g;

/** Converts the `processes` of an older document (a record or a list). */
export function convertProcesses(value: unknown, tasks: TaskTable, contexts: ContextMembers, log: MigrationLog): { processes: Record<string, ProcessDefinition>; ids: Map<string, string> } {
  const { items, ids } = identifyCollection(value, 'processes', 'Process', log);
  const processes: Record<string, ProcessDefinition> = {};
  for (const { id, item, path } of items) processes[id] = convertProcess(id, item, path, { tasks, contexts, log });
  return { processes, ids };
}

interface ProcessScope {
  readonly tasks: TaskTable;
  readonly contexts: ContextMembers;
  readonly log: MigrationLog;
}

/** The states being built, by name, in order; transitions add the states they name. */
class StateTable {
  readonly states = new Map<string, StateDefinition & { on?: Record<string, TransitionObject[]> }>();
  private readonly names = new Map<string, string>();

  constructor(private readonly log: MigrationLog) {}

  /** The state a name of the input stands for, added when `addAt` is given and it is new. */
  state(raw: string, addAt?: string): string | undefined {
    const known = this.names.get(raw);
    if (known !== undefined || addAt === undefined) return known;
    const name = raw.replace(RESERVED_IN_STATE_NAMES, '_') || '_';
    if (name !== raw) this.log.change(addAt, 'renamed', `State "${raw}" is now "${name}": "." and "#" separate the parts of state paths`);
    this.names.set(raw, name);
    if (!this.states.has(name)) this.states.set(name, {});
    return name;
  }

  addTransition(from: string | undefined, event: string, transition: TransitionObject, root: Record<string, TransitionObject[]>): void {
    const state = from === undefined ? undefined : this.states.get(from);
    const on = state ? (state.on ??= {}) : root;
    (on[event] ??= []).push(transition);
  }

  get stateNames(): string[] {
    return [...this.states.keys()];
  }
}

function convertProcess(processId: string, process: Record<string, unknown>, path: string, scope: ProcessScope): ProcessDefinition {
  const { log } = scope;
  const at = (field: string) => childPath(path, field);
  if (isRecord(process.states)) return keepStatechart(processId, process, path, scope);
  const table = new StateTable(log);
  const finals = new Set<string>();
  const initials: string[] = [];
  const descriptions = new Map<string, string>();

  if (process.type === 'stateful' || process.type === 'stateless') {
    const note = process.type === 'stateful' ? '' : ' (a stateless one is a process whose context nothing changes, and the older shape had no way to change it)';
    log.change(at('type'), 'removed', `Every DSL v1 process is a statechart with a context of its own${note}`);
  } else if (process.type !== undefined) {
    log.keep(at('type'), process.type, `Process type ${JSON.stringify(process.type)} is neither stateful nor stateless`, true);
  }

  if (Array.isArray(process.states)) {
    process.states.forEach((entry, i) => {
      const statePath = childPath(at('states'), i);
      const raw = typeof entry === 'string' ? entry : isRecord(entry) ? (entry.name ?? entry.id) : undefined;
      if (typeof raw !== 'string' || raw === '') {
        log.keep(statePath, entry, 'A state without a name', true);
        return;
      }
      if (table.state(raw) !== undefined) {
        log.change(statePath, 'removed', `State "${raw}" is listed twice; it is one state`);
        return;
      }
      const name = table.state(raw, statePath) as string;
      if (!isRecord(entry)) return;
      if (typeof entry.description === 'string') descriptions.set(name, entry.description);
      if (entry.type === 'final') finals.add(name);
      else if (entry.type === 'initial') initials.push(name);
      else if (entry.type !== undefined && entry.type !== 'normal' && entry.type !== 'atomic') log.keep(childPath(statePath, 'type'), entry.type, `State type ${JSON.stringify(entry.type)} has no counterpart in DSL v1`, true);
      keepUnknownFields(entry, STATE_FIELDS, statePath, 'State', log);
    });
  } else if (process.states !== undefined) {
    log.keep(at('states'), process.states, 'The states are not a list', true);
  }

  const rootOn: Record<string, TransitionObject[]> = {};
  if (Array.isArray(process.transitions)) {
    process.transitions.forEach((t, i) => convertTransition(t, childPath(at('transitions'), i), table, rootOn, log));
  } else if (process.transitions !== undefined) {
    log.keep(at('transitions'), process.transitions, 'The transitions are not a list', true);
  }

  if (table.states.size === 0) {
    table.state('idle', at('states'));
    log.approximate(at('states'), 'The process has no states, and a DSL v1 process needs one: it has the single state "idle", and nothing moves it');
  }

  const out = {} as ProcessDefinition;
  const description = describe(process, path, log);
  if (description !== undefined) out.description = description;
  out.initial = initialState(process, table, initials, path, log);
  if (isRecord(process.context)) out.context = process.context;
  else if (process.context !== undefined) log.keep(at('context'), process.context, 'The context is not an object', true);

  const states: Record<string, StateDefinition> = {};
  for (const [name, state] of table.states) {
    const built: StateDefinition = {};
    const stateDescription = descriptions.get(name);
    if (stateDescription !== undefined) built.description = stateDescription;
    if (finals.has(name)) {
      if (state.on) log.approximate(at('states'), `State "${name}" is final, but transitions leave it; a final state ends the process, so it is an ordinary state`);
      else built.type = 'final';
    }
    if (state.on) built.on = compactTransitions(state.on);
    states[name] = built;
  }
  out.states = states;
  if (Object.keys(rootOn).length > 0) out.on = compactTransitions(rootOn);
  if (isRecord(process.on)) out.on = { ...(out.on ?? {}), ...(process.on as NonNullable<ProcessDefinition['on']>) };

  convertMembership(processId, process, path, scope);
  keepUnknownFields(process, PROCESS_FIELDS, path, 'Process', log);
  return out;
}

function initialState(process: Record<string, unknown>, table: StateTable, initials: readonly string[], path: string, log: MigrationLog): string {
  for (const field of ['initialState', 'initial'] as const) {
    const raw = process[field];
    if (raw === undefined) continue;
    const name = typeof raw === 'string' ? table.state(raw) : undefined;
    if (name !== undefined) {
      if (field === 'initialState') log.change(childPath(path, field), 'renamed', 'initialState is now initial');
      return name;
    }
    log.approximate(childPath(path, field), `Initial state ${JSON.stringify(raw)} is not one of the states; the process starts in "${table.stateNames[0]}", the first`);
  }
  return initials[0] ?? (table.stateNames[0] as string);
}

function convertTransition(t: unknown, path: string, table: StateTable, rootOn: Record<string, TransitionObject[]>, log: MigrationLog): void {
  if (!isRecord(t)) {
    log.keep(path, t, 'The transition is not an object', true);
    return;
  }
  const eventField = (['on', 'trigger', 'event'] as const).find((field) => typeof t[field] === 'string' && t[field] !== '');
  const to = typeof t.to === 'string' && t.to !== '' ? t.to : undefined;
  const froms = t.from === '*' ? [undefined] : typeof t.from === 'string' ? [t.from] : Array.isArray(t.from) && t.from.every((f) => typeof f === 'string') ? (t.from as string[]) : [];
  if (eventField === undefined || to === undefined || froms.length === 0) {
    const missing = eventField === undefined ? 'an event (on)' : to === undefined ? 'a target state (to)' : 'a source state (from)';
    log.keep(path, t, `The transition has no ${missing}`, true);
    return;
  }
  const event = t[eventField] as string;
  if (eventField !== 'on') log.change(childPath(path, eventField), 'renamed', `${eventField} is now the event of the transition (on)`);
  const transition: TransitionObject = { target: stateNamed(to, childPath(path, 'to'), table, log) };
  const conditionField = (['condition', 'guard'] as const).find((field) => t[field] !== undefined);
  if (conditionField !== undefined) {
    const converted = convertCondition(t[conditionField]);
    if ('expression' in converted) {
      transition.guard = converted.expression;
      if (conditionField === 'condition') log.change(childPath(path, 'condition'), 'renamed', 'condition is now the guard of the transition');
    } else {
      transition.guard = NEVER;
      log.keep(childPath(path, conditionField), t[conditionField], `The transition's condition can't be kept: ${converted.problem}. The guard is "${NEVER}", so the transition is never taken until the condition is rewritten`, true);
    }
  }
  if (typeof t.description === 'string') transition.description = t.description;
  for (const from of froms) {
    const source = from === undefined ? undefined : stateNamed(from, childPath(path, 'from'), table, log);
    table.addTransition(source, event, transition, rootOn);
  }
  if (froms[0] === undefined) log.change(childPath(path, 'from'), 'converted', `from "*" is a transition of the process itself, taken in any state`);
  keepUnknownFields(t, TRANSITION_FIELDS, path, 'Transition', log);
}

/** The state a transition names; one that the states list does not have is added. */
function stateNamed(raw: string, path: string, table: StateTable, log: MigrationLog): string {
  const known = table.state(raw);
  if (known !== undefined) return known;
  const added = table.state(raw, path) as string;
  log.change(path, 'added', `State "${added}" is not in the list of states; it is added`);
  return added;
}

/** One transition per event: a target name when it is plain, else the object, or guarded alternatives in order. */
function compactTransitions(on: Record<string, TransitionObject[]>): NonNullable<StateDefinition['on']> {
  const out: NonNullable<StateDefinition['on']> = {};
  for (const [event, list] of Object.entries(on)) {
    const only = list.length === 1 ? list[0] : undefined;
    out[event] = only ? (Object.keys(only).length === 1 && only.target !== undefined ? only.target : only) : list;
  }
  return out;
}

/** A process whose states are a statechart already (a document may mix shapes): kept, but for the older fields around it. */
function keepStatechart(processId: string, process: Record<string, unknown>, path: string, scope: ProcessScope): ProcessDefinition {
  const out = {} as ProcessDefinition;
  const description = describe(process, path, scope.log);
  if (description !== undefined) out.description = description;
  if (process.type === 'compound' || process.type === 'parallel') out.type = process.type;
  else if (process.type === 'stateful' || process.type === 'stateless') scope.log.change(childPath(path, 'type'), 'removed', 'Every DSL v1 process is a statechart with a context of its own');
  for (const field of ['initial', 'context', 'states', 'on'] as const) if (process[field] !== undefined) (out as unknown as Record<string, unknown>)[field] = process[field];
  convertMembership(processId, process, path, scope);
  keepUnknownFields(process, STATECHART_FIELDS, path, 'Process', scope.log);
  return out;
}

/** `contextId` and `tasks`: the process's place in a bounded context, and the tasks it used. */
function convertMembership(processId: string, process: Record<string, unknown>, path: string, { tasks, contexts, log }: ProcessScope): void {
  const contextId = typeof process.contextId === 'string' && process.contextId !== '' ? process.contextId : undefined;
  const members = contextId === undefined ? undefined : contexts.get(contextId) ?? contexts.set(contextId, { processes: [], tasks: [] }).get(contextId);
  if (members) {
    members.processes.push(processId);
    log.change(childPath(path, 'contextId'), 'converted', `The process is listed in boundedContexts.${contextId}.processes`);
  } else if (process.contextId !== undefined) {
    log.keep(childPath(path, 'contextId'), process.contextId, 'The context id is not a non-empty string', true);
  }
  if (process.triggers !== undefined) {
    const names = Array.isArray(process.triggers) ? process.triggers.map((t) => (isRecord(t) ? t.name : t)).filter((n): n is string => typeof n === 'string') : [];
    const handler = names[0] === undefined ? 'an event handler' : `runtime.registerEventHandler("${names[0]}", …)`;
    log.keep(
      childPath(path, 'triggers'),
      process.triggers,
      `DSL v1 processes don't start on events: each process has a default instance from the start, and runtime.createProcess("${processId}", …) spawns more; to start one per event, call it in ${handler}`,
      true,
    );
  }
  if (process.tasks !== undefined) {
    const listed = Array.isArray(process.tasks) ? process.tasks.filter((t): t is string => typeof t === 'string') : [];
    const ids = listed.map((name) => tasks.resolve(name)).filter((id): id is string => id !== undefined);
    if (members) members.tasks.push(...ids);
    const where = members && ids.length > 0 ? `; they are listed in boundedContexts.${contextId}.tasks` : '';
    log.keep(
      childPath(path, 'tasks'),
      process.tasks,
      `DSL v1 processes don't list tasks: a state runs one with invoke (onDone, onError), and nothing here says which state ran which task, so no state invokes them${where}`,
      true,
    );
  }
}
