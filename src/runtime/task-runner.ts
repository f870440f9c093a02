import type { TaskAttemptRequest } from '../../machines/environment.js';
import type { TaskDefinition } from '../dsl/schema.js';
import { invalidInputFailure, invalidOutputFailure, missingImplementationFailure, toSerializedError, type SerializedError } from '../failure.js';
import { checkJsonSchema, jsonProblem } from './json-schemas.js';
import type { EventAddress } from './host/instance-host.js';
import { runWithTaskContext, type TaskContext } from './task-context.js';

/** A task implementation: called with the task's input alone. */
export type TaskImplementation = (input: never) => unknown;

export interface TaskRunnerDependencies {
  definition(taskId: string): TaskDefinition | undefined;
  implementation(taskId: string): TaskImplementation | undefined;
  implementedTasks(): string[];
  /** `getTaskContext().emit`: like `runtime.sendEvent`, so it checks the payload and honours the target. */
  dispatch(type: string, payload: Record<string, unknown>, target?: EventAddress): void;
  /** Lifecycle notices (`task.started`, …). */
  lifecycle(type: string, payload: () => Record<string, unknown>): void;
  /** Whether anyone listens for a lifecycle notice: when nobody does, its payload is never built. */
  wants(type: string): boolean;
}

/** The context of one attempt: one object, no closures, as there is one per attempt on the hot path. */
class AttemptContext implements TaskContext {
  constructor(
    private readonly request: TaskAttemptRequest,
    private readonly dispatch: TaskRunnerDependencies['dispatch'],
  ) {}

  get signal(): AbortSignal {
    return this.request.signal;
  }

  get attempt(): number {
    return this.request.attempt;
  }

  get idempotencyKey(): string {
    return this.request.idempotencyKey;
  }

  get taskId(): string {
    return this.request.taskId;
  }

  get instanceId(): string {
    return this.request.instanceId;
  }

  emit(type: string, payload: Record<string, unknown> = {}, target?: EventAddress): void {
    this.dispatch(type, payload, target);
  }
}

const issueList = (issues: ReadonlyArray<{ path: string; message: string }>) => issues.map((i) => `${i.path}: ${i.message}`).join('; ');

/**
 * Runs one attempt of a task: finds the implementation, checks the input and output against the task's
 * schemas, makes `getTaskContext()` work inside it, and turns every way it can go wrong into data.
 */
export function createTaskRunner(deps: TaskRunnerDependencies) {
  const notice = (type: string, request: TaskAttemptRequest, error?: unknown) => {
    if (!deps.wants(type)) return;
    const { taskId, instanceId, stepId, attempt } = request;
    deps.lifecycle(type, () => (error === undefined ? { taskId, instanceId, stepId, attempt } : { taskId, instanceId, stepId, attempt, error }));
  };

  const finish = (request: TaskAttemptRequest, definition: TaskDefinition | undefined, output: unknown): unknown => {
    const problem = jsonProblem(output);
    if (problem) throw invalidOutputFailure('NON_JSON_OUTPUT', `Task "${request.taskId}" returned a value that is not JSON: ${problem}`);
    if (definition?.output) {
      const issues = checkJsonSchema(definition.output, output, 'output');
      if (issues.length) throw invalidOutputFailure('INVALID_OUTPUT', `Output of task "${request.taskId}" does not match its schema: ${issueList(issues)}`);
    }
    if (!request.aborted) notice('task.completed', request);
    return output;
  };

  const failed = (request: TaskAttemptRequest, thrown: unknown): SerializedError => {
    const error = toSerializedError(thrown);
    if (!request.aborted) notice('task.failed', request, error);
    return error;
  };

  return function runTask(request: TaskAttemptRequest): Promise<unknown> {
    const { taskId } = request;
    const definition = deps.definition(taskId);
    const implementation = deps.implementation(taskId) as ((input: unknown) => unknown) | undefined;
    if (!implementation) {
      const implemented = deps.implementedTasks();
      return Promise.reject(
        missingImplementationFailure(
          `Task "${taskId}" has no implementation; register one with runtime.registerTaskImplementation("${taskId}", fn)${implemented.length ? ` (implemented: ${implemented.join(', ')})` : ''}`,
        ),
      );
    }
    if (definition?.input) {
      const issues = checkJsonSchema(definition.input, request.input, 'input');
      if (issues.length) return Promise.reject(invalidInputFailure(`Input of task "${taskId}" does not match its schema: ${issueList(issues)}`));
    }
    notice('task.started', request);
    let returned: unknown;
    try {
      returned = runWithTaskContext(new AttemptContext(request, deps.dispatch), implementation, request.input);
    } catch (thrown) {
      return Promise.reject(failed(request, thrown));
    }
    if (returned !== null && typeof (returned as PromiseLike<unknown> | undefined)?.then === 'function') {
      return Promise.resolve(returned).then(
        (output) => finish(request, definition, output),
        (thrown: unknown) => {
          throw failed(request, thrown);
        },
      );
    }
    try {
      return Promise.resolve(finish(request, definition, returned));
    } catch (failure) {
      return Promise.reject(failure);
    }
  };
}
