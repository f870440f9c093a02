// The built-in task kinds: a task whose definition has `implementation: { type, … }` runs without code.
import type { ExpressionCache } from '../../../machines/expression.js';
import type { BuiltinTaskKind, TaskDefinition } from '../../dsl/schema.js';
import type { BuiltinTask, BuiltinTaskFactory } from './builtin-task.js';
import { createEmitTask } from './emit.js';
import { createHttpTask } from './http.js';
import { createMockTask } from './mock.js';
import { createTransformTask } from './transform.js';

/** One factory per kind; a new kind without one is a type error. */
export const BUILTIN_TASKS: { readonly [K in BuiltinTaskKind]: BuiltinTaskFactory<K> } = {
  http: createHttpTask,
  transform: createTransformTask,
  mock: createMockTask,
  emit: createEmitTask,
};

/** The built-in implementation a task definition describes, or undefined when it describes none. */
export function createBuiltinTask(taskId: string, definition: TaskDefinition, expressions: ExpressionCache): BuiltinTask | undefined {
  const implementation = definition.implementation;
  if (!implementation) return undefined;
  const factory = BUILTIN_TASKS[implementation.type] as BuiltinTaskFactory<BuiltinTaskKind>;
  return factory(implementation, { taskId, definition, expressions });
}

export type { BuiltinTask, BuiltinTaskFactory, BuiltinTaskSource } from './builtin-task.js';
export { TaskFailure } from './task-failure.js';
