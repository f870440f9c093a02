// One step of an older flow as DSL steps: task, process (an emitted event, or a task that starts the process), wait.
import { durationIssue } from '../duration.js';
import { findExpressionError } from '../expression/index.js';
import type { Expression, FlowStep, ProcessDefinition, StepBase } from '../schema.js';
import { childPath } from '../validate-report.js';
import { keepUnknownFields } from './legacy-fields.js';
import type { StepNode } from './legacy-flow-graph.js';
import { toIdentifier } from './legacy-ids.js';
import { convertRetry, type TaskTable } from './legacy-tasks.js';
import type { MigrationLog } from './report.js';

/** What step conversion needs of the rest of the system. */
export interface StepScope {
  readonly flowId: string;
  readonly tasks: TaskTable;
  readonly processes: Readonly<Record<string, ProcessDefinition>>;
  readonly processIds: ReadonlyMap<string, string>;
  readonly log: MigrationLog;
}

type Convert = (node: StepNode, id: string, scope: StepScope) => FlowStep[];

const COMMON_FIELDS = ['id', 'type', 'name', 'description', 'next'];
const isDuration = (value: unknown): value is number | string => durationIssue(value, '') === undefined;

/** Converters by the older step type; decisions and parallel steps are structure, built by the flow walker. */
export const STEP_CONVERTERS: Readonly<Record<string, Convert>> = {
  task: convertTaskStep,
  process: convertProcessStep,
  wait: convertWaitStep,
};

/** The fields every DSL step takes: id, name, description. */
export function stepBase(node: StepNode, id: string): StepBase {
  const base: StepBase = { id };
  if (typeof node.step.name === 'string') base.name = node.step.name;
  if (typeof node.step.description === 'string') base.description = node.step.description;
  return base;
}

function convertTaskStep(node: StepNode, id: string, scope: StepScope): FlowStep[] {
  const { step, path } = node;
  const { log, tasks } = scope;
  keepUnknownFields(step, new Set([...COMMON_FIELDS, 'taskId', 'task', 'input', 'timeout', 'retry', 'onError']), path, 'Task step', log);
  const name = typeof step.taskId === 'string' ? step.taskId : typeof step.task === 'string' ? step.task : undefined;
  if (name === undefined) {
    log.keep(path, step, 'The task step names no task (taskId), so it is not in the converted flow', true);
    return [];
  }
  let task = tasks.resolve(name);
  if (task === undefined) {
    task = tasks.declareMissing(toIdentifier(name), { description: `Run by step "${node.key}" of flow "${scope.flowId}"; the older document did not define it` });
    log.change(childPath(path, 'taskId'), 'added', `Task "${name}" is not defined; task "${task}" is declared (it needs an implementation)`);
  }
  const out: FlowStep = { ...stepBase(node, id), type: 'task', task };
  if (step.input !== undefined) {
    const input = convertInput(step.input, childPath(path, 'input'), log);
    if (input !== undefined) out.input = input;
  }
  if (step.timeout !== undefined) {
    if (isDuration(step.timeout)) out.timeout = step.timeout;
    else log.keep(childPath(path, 'timeout'), step.timeout, 'The timeout is not a duration', true);
  }
  if (step.retry !== undefined) {
    const retry = convertRetry(step.retry, childPath(path, 'retry'), log, tasks.tasks[task]?.retry);
    if (retry) out.retry = retry;
  }
  if (step.onError === 'fail' || step.onError === 'continue') out.onError = step.onError;
  else if (step.onError !== undefined) log.keep(childPath(path, 'onError'), step.onError, 'onError is fail or continue', true);
  return [out];
}

/** A step input: an expression when it parses, else a fixed value (a JSON literal is an expression of itself). */
function convertInput(value: unknown, path: string, log: MigrationLog): Expression | undefined {
  if (typeof value === 'string' && findExpressionError(value) === undefined) return value;
  if (typeof value === 'function' || value === undefined) {
    log.keep(path, String(value), 'The input is not data', true);
    return undefined;
  }
  const literal = JSON.stringify(value);
  const references = literal.match(/"(\$[^"]*|[^"]*\{\{[^"]*)"/g);
  if (references) {
    const these = references.length === 1 ? `${references[0]} looks like a reference` : `${references.join(', ')} look like references`;
    log.approximate(path, `The input is a fixed value now, but ${these} to data; rewrite it as an expression (docs/expressions.md), such as '{ "subject": input.subject }'`);
  }
  else log.change(path, 'converted', 'The input is a fixed value (a JSON literal, which is an expression of itself)');
  return literal;
}

/** The events a process reacts to, in any state. */
function eventsOf(process: ProcessDefinition | undefined): Set<string> {
  const events = new Set(Object.keys(process?.on ?? {}));
  if (process && !Array.isArray(process.states)) for (const state of Object.values(process.states)) for (const event of Object.keys(state.on ?? {})) events.add(event);
  return events;
}

function convertProcessStep(node: StepNode, id: string, scope: StepScope): FlowStep[] {
  const { step, path } = node;
  const { log, tasks } = scope;
  keepUnknownFields(step, new Set([...COMMON_FIELDS, 'processId', 'event', 'eventType', 'action']), path, 'Process step', log);
  const processId = typeof step.processId === 'string' ? scope.processIds.get(step.processId) : undefined;
  if (processId === undefined) {
    log.keep(path, step, `The process step names no process of the system (${JSON.stringify(step.processId)}), so it is not in the converted flow`, true);
    return [];
  }
  const event = typeof step.event === 'string' && step.event !== '' ? step.event : typeof step.eventType === 'string' && step.eventType !== '' ? step.eventType : undefined;
  if (event !== undefined) {
    const { id: task, isNew } = tasks.generate(`emit:${event}`, `emit_${toIdentifier(event).replace(/-/g, '_')}`, () => ({
      description: `Sends "${event}" with its input as payload (added by migration for process steps)`,
      implementation: { type: 'emit', event },
    }));
    if (isNew) log.change(path, 'added', `Task "${task}" (built-in emit) sends "${event}"`);
    const listeners = Object.keys(scope.processes).filter((p) => eventsOf(scope.processes[p]).has(event));
    if (!listeners.includes(processId)) {
      log.approximate(path, `The step sends "${event}" through task "${task}", but process "${processId}" has no transition on "${event}", so the event does not move it`);
    } else if (listeners.length > 1) {
      log.approximate(path, `The step sends "${event}" through task "${task}"; an event goes to every process listening for it, so ${listeners.filter((p) => p !== processId).join(', ')} receive it too, not only "${processId}"`);
    } else {
      log.change(path, 'converted', `The step sends "${event}" through task "${task}", with the flow's input as payload; process "${processId}" is the one that listens for it (every instance of it receives the event)`);
    }
    return [{ ...stepBase(node, id), type: 'task', task }];
  }
  const { id: task } = tasks.generate(`start:${processId}`, `start_${processId}`, () => ({
    description: `Starts process "${processId}" (added by migration for process steps): register an implementation that calls runtime.createProcess("${processId}", …)`,
  }));
  log.approximate(
    path,
    `DSL v1 flows can't start a process instance; the step runs task "${task}", which has no implementation: register one that calls runtime.createProcess("${processId}", { context: input })`,
  );
  return [{ ...stepBase(node, id), type: 'task', task }];
}

function convertWaitStep(node: StepNode, id: string, scope: StepScope): FlowStep[] {
  const { step, path } = node;
  const { log } = scope;
  keepUnknownFields(step, new Set([...COMMON_FIELDS, 'timeout', 'duration', 'delay', 'event', 'eventType']), path, 'Wait step', log);
  const field = (['timeout', 'duration', 'delay'] as const).find((f) => step[f] !== undefined);
  const time = field === undefined ? undefined : step[field];
  if (time !== undefined && !isDuration(time)) log.keep(childPath(path, field as string), time, 'Not a duration (milliseconds, or 250ms, 30s, 5m, 2h, 1d)', true);
  const duration = isDuration(time) ? time : undefined;
  const event = typeof step.event === 'string' && step.event !== '' ? step.event : typeof step.eventType === 'string' && step.eventType !== '' ? step.eventType : undefined;
  if (event !== undefined) {
    if (duration === undefined) log.change(path, 'converted', `The step waits for event "${event}"`);
    else log.approximate(path, `The step waits for event "${event}" for ${String(duration)}; when none comes in time it fails with TimeoutError (add onError: 'continue' if the flow should go on)`);
    return [{ ...stepBase(node, id), type: 'event', event, ...(duration === undefined ? {} : { timeout: duration }) }];
  }
  if (duration === undefined) {
    log.approximate(path, 'The wait says neither how long nor for what; it waits 0 ms');
    return [{ ...stepBase(node, id), type: 'wait', duration: 0 }];
  }
  if (field !== 'duration') log.change(childPath(path, field as string), 'renamed', `${field} is now the duration of a wait step`);
  return [{ ...stepBase(node, id), type: 'wait', duration }];
}
