// What every built-in task kind implements: a factory from its `implementation` to a task function.
import type { ExpressionCache } from '../../../machines/expression.js';
import type { BuiltinImplementation, BuiltinTaskKind, TaskDefinition } from '../../dsl/schema.js';

/** What a factory knows about the task it implements. */
export interface BuiltinTaskSource {
  readonly taskId: string;
  readonly definition: TaskDefinition;
  /** Shared by the runtime's built-in tasks, so each expression is compiled once. */
  readonly expressions: ExpressionCache;
}

/** A built-in implementation: called with the task's input, inside its task context. */
export type BuiltinTask = (input: unknown) => unknown;

export type BuiltinTaskFactory<K extends BuiltinTaskKind> = (implementation: Extract<BuiltinImplementation, { type: K }>, source: BuiltinTaskSource) => BuiltinTask;
