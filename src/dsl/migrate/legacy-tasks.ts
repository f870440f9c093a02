// Tasks of the older shape: label, kind, field-list schemas, and implementations that map to built-in kinds.
import { durationIssue } from '../duration.js';
import { retryPolicyIssues } from '../retry-policy.js';
import type { RetryPolicy, TaskDefinition } from '../schema.js';
import { childPath } from '../validate-report.js';
import { IdAllocator, identifyCollection } from './legacy-ids.js';
import { describe, keepUnknownFields } from './legacy-fields.js';
import { convertSchema } from './legacy-schemas.js';
import { isRecord } from './legacy-shape.js';
import type { MigrationLog } from './report.js';

const isDuration = (value: unknown): value is number | string => durationIssue(value, '') === undefined;
const HTTP_METHODS: ReadonlySet<unknown> = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);

/** The tasks of the converted system, and the tasks the migration adds for flows (emit an event, start a process). */
export class TaskTable {
  readonly tasks: Record<string, TaskDefinition> = {};
  private readonly ids: Map<string, string>;
  private readonly allocator: IdAllocator;
  private readonly generated = new Map<string, string>();

  constructor(tasks: Record<string, TaskDefinition>, ids: Map<string, string>) {
    Object.assign(this.tasks, tasks);
    this.ids = ids;
    this.allocator = new IdAllocator(Object.keys(tasks));
  }

  /** The DSL id of a task the input names, or undefined when it names none. */
  resolve(name: string): string | undefined {
    return this.ids.get(name);
  }

  /** Declares a task the input names but does not define, so that the flow validates; it needs an implementation. */
  declareMissing(name: string, definition: TaskDefinition): string {
    const id = this.allocator.claim(name);
    this.ids.set(name, id);
    this.tasks[id] = definition;
    return id;
  }

  /** A task the migration adds, once per `key` (`emit:order.paid`). */
  generate(key: string, preferredId: string, definition: () => TaskDefinition): { id: string; isNew: boolean } {
    const known = this.generated.get(key);
    if (known !== undefined) return { id: known, isNew: false };
    const id = this.allocator.claim(preferredId);
    this.generated.set(key, id);
    this.tasks[id] = definition();
    return { id, isNew: true };
  }
}

const TASK_FIELDS = new Set(['id', 'type', 'label', 'name', 'description', 'input', 'output', 'implementation', 'timeout', 'retry', 'examples']);

/** Converts the `tasks` of an older document (a record or a list). */
export function convertTasks(value: unknown, log: MigrationLog): TaskTable {
  const { items, ids } = identifyCollection(value, 'tasks', 'Task', log);
  const tasks: Record<string, TaskDefinition> = {};
  for (const { id, item, path } of items) tasks[id] = convertTask(id, item, path, log);
  return new TaskTable(tasks, ids);
}

function convertTask(taskId: string, task: Record<string, unknown>, path: string, log: MigrationLog): TaskDefinition {
  const out: TaskDefinition = {};
  const at = (field: string) => childPath(path, field);
  const description = describe(task, path, log);
  if (description !== undefined) out.description = description;
  if (typeof task.type === 'string') {
    log.keep(at('type'), task.type, `Task kind "${task.type}" has no field in DSL v1: a task is what its implementation does`, false);
  } else if (task.type !== undefined) {
    log.keep(at('type'), task.type, 'The task kind is not a string', true);
  }
  const input = convertSchema(task.input, at('input'), log);
  if (input) out.input = input;
  const output = convertSchema(task.output, at('output'), log);
  if (output) out.output = output;
  if (task.retry !== undefined) {
    const retry = convertRetry(task.retry, at('retry'), log);
    if (retry) out.retry = retry;
  }
  if (task.timeout !== undefined) {
    if (isDuration(task.timeout)) out.timeout = task.timeout;
    else log.keep(at('timeout'), task.timeout, 'The timeout is not a duration (milliseconds, or 250ms, 30s, 5m, 2h, 1d)', true);
  }
  if (task.examples !== undefined) {
    if (Array.isArray(task.examples) && task.examples.every((e) => isRecord(e) && 'input' in e)) out.examples = task.examples as TaskDefinition['examples'] & unknown[];
    else log.keep(at('examples'), task.examples, 'Examples are a list of { input, output }', true);
  }
  if (task.implementation !== undefined) {
    const implementation = convertImplementation(taskId, task.implementation, at('implementation'), log, out);
    if (implementation) out.implementation = implementation;
  }
  keepUnknownFields(task, TASK_FIELDS, path, 'Task', log);
  return out;
}

type Implementation = NonNullable<TaskDefinition['implementation']>;
type HttpCall = { type: 'http'; url: string; method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'; headers?: Record<string, string> };

function convertImplementation(taskId: string, value: unknown, path: string, log: MigrationLog, task: TaskDefinition): Implementation | undefined {
  if (!isRecord(value)) {
    log.keep(path, value, 'The implementation is not an object', true);
    return undefined;
  }
  const register = `register it with runtime.registerTaskImplementation("${taskId}", fn)`;
  switch (value.type) {
    case 'function':
      log.keep(path, value, `Function code can't run from a document: documents are data, and loading one never runs its code. Turn the code into a function and ${register}`, true);
      return undefined;
    case 'external_service':
      return convertExternalService(value, path, log, register);
    case 'mock': {
      const { type: _type, ...rest } = value;
      const answerField = ['output', 'response', 'mockResponse', 'result'].find((field) => field in rest);
      if (answerField !== undefined) {
        const { [answerField]: answer, ...others } = rest;
        for (const [field, extra] of Object.entries(others)) log.keep(childPath(path, field), extra, `The mock's "${field}" has no counterpart in DSL v1`, true);
        log.change(path, 'converted', `The mock is the built-in mock, answering ${answerField === 'output' ? 'its output' : `its ${answerField} (now output)`}`);
        return { type: 'mock', output: answer };
      }
      for (const [field, extra] of Object.entries(rest)) log.keep(childPath(path, field), extra, `The mock's "${field}" has no counterpart in DSL v1`, true);
      if (task.examples?.length) {
        log.change(path, 'converted', "The mock is the built-in mock, answering from the task's examples");
        return { type: 'mock' };
      }
      log.approximate(path, "The mock says nothing about what it answers, and a built-in mock needs an answer: it answers {} (add examples to the task or an output to the mock)");
      return { type: 'mock', output: {} };
    }
    case 'http':
    case 'transform':
    case 'emit':
      // Already a built-in kind of DSL v1 (a document may mix shapes).
      return value as unknown as Implementation;
    default:
      log.keep(path, value, `Implementation type ${JSON.stringify(value.type)} has no built-in counterpart (http, transform, mock, emit); ${register}`, true);
      return undefined;
  }
}

function convertExternalService(value: Record<string, unknown>, path: string, log: MigrationLog, register: string): Implementation | undefined {
  const { type: _type, endpoint, service, method, headers, ...rest } = value;
  const url = typeof endpoint === 'string' && /^https?:\/\//i.test(endpoint) ? endpoint : undefined;
  const name = typeof service === 'string' ? `service "${service}"` : 'the service';
  if (url === undefined) {
    const why = endpoint === undefined ? 'has no endpoint' : `has endpoint ${JSON.stringify(endpoint)}, not an absolute http(s) URL`;
    log.keep(path, value, `The call of ${name} ${why}, so nothing says how to reach it; ${register}`, true);
    return undefined;
  }
  const upper = typeof method === 'string' ? method.toUpperCase() : undefined;
  const http: HttpCall = { type: 'http', url, method: HTTP_METHODS.has(upper) ? (upper as HttpCall['method']) : 'POST' };
  if (isRecord(headers) && Object.values(headers).every((h) => typeof h === 'string')) http.headers = headers as Record<string, string>;
  else if (headers !== undefined) log.keep(childPath(path, 'headers'), headers, 'Headers are an object of strings', true);
  if (method !== undefined && !HTTP_METHODS.has(upper)) log.keep(childPath(path, 'method'), method, 'Not an HTTP method; the call uses POST', true);
  if (service !== undefined) log.keep(childPath(path, 'service'), service, 'The service name has no field in DSL v1 (the url says where the call goes)', false);
  for (const [field, extra] of Object.entries(rest)) log.keep(childPath(path, field), extra, `The external service's "${field}" has no counterpart in DSL v1`, true);
  log.change(path, 'converted', `The call of ${name} is the built-in http task: ${http.method} ${url}, the input as JSON body, the JSON response as output, a non-2xx status a failure`);
  return http;
}

/**
 * A retry policy, with the older spellings (`maxRetries`, `delay`, `factor`, `strategy`) renamed. A field that
 * DSL v1 would reject in this policy (with `inherited`, the task's, under it) is kept under metadata.legacy instead.
 */
export function convertRetry(value: unknown, path: string, log: MigrationLog, inherited?: RetryPolicy): RetryPolicy | undefined {
  if (!isRecord(value)) {
    log.keep(path, value, 'The retry policy is not an object', true);
    return undefined;
  }
  const out: RetryPolicy = {};
  for (const [field, v] of Object.entries(value)) {
    const at = childPath(path, field);
    const isCount = typeof v === 'number' && Number.isInteger(v);
    if (field === 'maxAttempts' && isCount && v >= 1) out.maxAttempts = v;
    else if ((field === 'maxRetries' || field === 'retries') && isCount && v >= 0) {
      out.maxAttempts = v + 1;
      log.change(at, 'renamed', `${field}: ${v} is maxAttempts: ${v + 1} (attempts count the first one)`);
    } else if ((field === 'initialDelay' || field === 'delay') && isDuration(v)) {
      out.initialDelay = v;
      if (field === 'delay') log.change(at, 'renamed', 'delay is now initialDelay');
    } else if ((field === 'backoff' || field === 'strategy') && (v === 'fixed' || v === 'exponential' || v === 'linear')) {
      out.backoff = v;
      if (field === 'strategy') log.change(at, 'renamed', 'strategy is now backoff');
    } else if ((field === 'multiplier' || field === 'factor') && typeof v === 'number') {
      out.multiplier = v;
      if (field === 'factor') log.change(at, 'renamed', 'factor is now multiplier');
    } else if (field === 'maxDelay' && isDuration(v)) out.maxDelay = v;
    else if (field === 'jitter' && (v === 'none' || v === 'full' || typeof v === 'boolean')) out.jitter = v === true ? 'full' : v === false ? 'none' : v;
    else if (field === 'nonRetryable' && Array.isArray(v) && v.every((e) => typeof e === 'string')) out.nonRetryable = v as string[];
    else log.keep(at, v, `Retry field "${field}" with this value has no counterpart in DSL v1`, true);
  }
  for (const issue of retryPolicyIssues(out, path, inherited)) {
    const field = issue.path.slice(path.length + 1) as keyof RetryPolicy;
    if (!(field in out)) continue;
    log.keep(issue.path, out[field], `${issue.message} [${issue.code}], so the policy goes without it`, true);
    delete out[field];
  }
  return out;
}
