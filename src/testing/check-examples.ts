import { isDeepStrictEqual } from 'node:util';
import type { SystemDefinition, TaskExample } from '../dsl/schema.js';
import type { TaskExecutionResult } from '../runtime/runtime.js';
import type { TaskImplementation } from '../runtime/task-runner.js';
import { createTestRuntime } from './test-runtime.js';

/** How one example of a task fared against the task's implementation. */
export interface TaskExampleResult {
  taskId: string;
  /** 1-based position in the task's `examples`. */
  index: number;
  description?: string;
  status: 'passed' | 'failed' | 'skipped';
  /** Why it failed, or was skipped. */
  message?: string;
  /** What `executeTask` resolved with. */
  result?: TaskExecutionResult;
}

export interface TaskExampleOptions {
  /** The implementations to check; a task without one is checked through its built-in kind, if any. @default none */
  tasks?: Record<string, TaskImplementation>;
  /** Only these tasks. @default every task with examples */
  only?: readonly string[];
}

const show = (value: unknown): string => {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
};

/** Why a result does not match an example, or undefined when it does. */
export function exampleMismatch(example: TaskExample, result: TaskExecutionResult): string | undefined {
  if (example.error) {
    if (result.success) return `expected it to fail with ${show(example.error)}, but it succeeded with ${show(result.output)}`;
    const differs = (['name', 'message', 'code'] as const).filter((key) => example.error?.[key] !== undefined && example.error[key] !== result.error?.[key]);
    return differs.length ? `expected it to fail with ${show(example.error)}, but it failed with ${show(result.error)}` : undefined;
  }
  if (!result.success) return `expected ${'output' in example ? show(example.output) : 'it to succeed'}, but it failed with ${show(result.error)}`;
  if ('output' in example && !isDeepStrictEqual(result.output, example.output)) return `expected output ${show(example.output)}, got ${show(result.output)}`;
  return undefined;
}

/**
 * Runs every example of every task (`examples: [{ input, output | error }]`) through `executeTask` with the
 * task's implementation, on a simulated clock (retry backoff and timeouts take no real time), and says for
 * each whether the result matches: the same output (deep equality), or a failure with the same `name`,
 * `message` and `code` as far as the example gives them. A task with neither an implementation nor a
 * built-in kind is skipped, as is a built-in `http` task (it would call the network).
 */
export async function runTaskExamples(system: SystemDefinition, options: TaskExampleOptions = {}): Promise<TaskExampleResult[]> {
  const t = createTestRuntime(system, { ...(options.tasks ? { tasks: options.tasks } : {}) });
  const tasks = t.runtime.system.tasks ?? {};
  const results: TaskExampleResult[] = [];
  try {
    for (const [taskId, definition] of Object.entries(tasks)) {
      if (options.only && !options.only.includes(taskId)) continue;
      const implemented = options.tasks?.[taskId] !== undefined;
      const kind = definition.implementation?.type;
      const skip = !implemented && (kind === undefined || kind === 'http') ? (kind === 'http' ? 'a built-in http task calls the network; pass an implementation to check it' : 'no implementation') : undefined;
      for (const [i, example] of (definition.examples ?? []).entries()) {
        const base = { taskId, index: i + 1, ...(example.description === undefined ? {} : { description: example.description }) };
        if (skip) {
          results.push({ ...base, status: 'skipped', message: skip });
          continue;
        }
        try {
          const result = await t.executeTask(taskId, example.input);
          const message = exampleMismatch(example, result);
          results.push(message ? { ...base, status: 'failed', message, result } : { ...base, status: 'passed', result });
        } catch (error) {
          results.push({ ...base, status: 'failed', message: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
        }
      }
    }
  } finally {
    t.stop();
  }
  return results;
}
