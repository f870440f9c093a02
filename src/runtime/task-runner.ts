import type { TaskAttemptRequest } from '../../machines/environment.js';
import { toSerializedError } from '../failure.js';
import type { TaskDefinition } from '../dsl/schema.js';
import type { SerializedError } from '../errors.js';
import { checkJsonSchema, jsonProblem } from './json-schemas.js';
import { runWithTaskContext } from './task-context.js';

/** A task implementation: called with the task's input alone. */
export type TaskImplementation = (input: never) => unknown;

export interface TaskRunnerDependencies {
  definition(taskId: string): TaskDefinition | undefined;
  implementation(taskId: string): TaskImplementation | undefined;
  implementedTasks(): string[];
  /** `getTaskContext().emit`: like `runtime.sendEvent`, so it checks the payload and honours `instanceId`. */
  dispatch(type: string, payload: Record<string, unknown>): void;
  /** Lifecycle notices (`task.started`, …); cheap when nobody listens. */
  lifecycle(type: string, payload: () => Record<string, unknown>): void;
}

const failure = (name: string, message: string, code?: string, nonRetryable = false): SerializedError => ({
  name,
  message,
  ...(code ? { code } : {}),
  ...(nonRetryable ? { nonRetryable } : {}),
});

/**
 * Runs one attempt of a task: finds the implementation, checks the input and output against the task's
 * schemas, makes `getTaskContext()` work inside it, and turns every way it can go wrong into data.
 */
export function createTaskRunner(deps: TaskRunnerDependencies) {
  return async function runTask(request: TaskAttemptRequest): Promise<unknown> {
    const { taskId, instanceId, stepId, attempt } = request;
    const definition = deps.definition(taskId);
    const implementation = deps.implementation(taskId);
    if (!implementation) {
      const implemented = deps.implementedTasks();
      throw failure(
        'MissingImplementationError',
        `Task "${taskId}" has no implementation; register one with runtime.registerTaskImplementation("${taskId}", fn)${implemented.length ? ` (implemented: ${implemented.join(', ')})` : ''}`,
        'NO_IMPLEMENTATION',
        true,
      );
    }
    if (definition?.input) {
      const issues = checkJsonSchema(definition.input, request.input, 'input');
      if (issues.length) {
        throw failure('InputValidationError', `Input of task "${taskId}" does not match its schema: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, 'INVALID_INPUT', true);
      }
    }
    deps.lifecycle('task.started', () => ({ taskId, instanceId, stepId, attempt }));
    let output: unknown;
    try {
      output = await runWithTaskContext(
        {
          signal: request.signal,
          attempt,
          idempotencyKey: request.idempotencyKey,
          taskId,
          instanceId,
          emit: (type, payload = {}) => deps.dispatch(type, payload),
        },
        () => (implementation as (input: unknown) => unknown)(request.input),
      );
    } catch (thrown) {
      const error = toSerializedError(thrown);
      if (!request.signal.aborted) deps.lifecycle('task.failed', () => ({ taskId, instanceId, stepId, attempt, error }));
      throw error;
    }
    const problem = jsonProblem(output);
    if (problem) throw failure('OutputValidationError', `Task "${taskId}" returned a value that is not JSON: ${problem}`, 'NON_JSON_OUTPUT', true);
    if (definition?.output) {
      const issues = checkJsonSchema(definition.output, output, 'output');
      if (issues.length) {
        throw failure('OutputValidationError', `Output of task "${taskId}" does not match its schema: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, 'INVALID_OUTPUT', true);
      }
    }
    if (!request.signal.aborted) deps.lifecycle('task.completed', () => ({ taskId, instanceId, stepId, attempt }));
    return output;
  };
}
