import type { ExpressionCache } from '../../../machines/expression.js';
import type { Expression, ExpressionScope } from '../../dsl/schema.js';
import { ExpressionError } from '../../errors.js';
import { TaskFailure } from './task-failure.js';

/** An expression of a built-in task, as a function of the task's input. */
export type InputExpression = (input: unknown) => unknown;

/** The scope a task's expressions see: its input, and nothing of the flow or process that called it. */
export function inputScope(input: unknown): ExpressionScope {
  return { input, steps: {}, context: {}, event: undefined };
}

/**
 * Compiles an expression over `{ input }` (a function in code is called with the same scope). An evaluation
 * error fails the attempt without retry: the same input would fail the same way.
 */
export function compileInputExpression(expression: Expression, expressions: ExpressionCache): InputExpression {
  const evaluate = typeof expression === 'string' ? expressions.get(expression) : expression;
  return (input) => {
    try {
      return evaluate(inputScope(input));
    } catch (error) {
      if (!(error instanceof ExpressionError)) throw error;
      throw new TaskFailure(error.name, error.message, { code: error.code, nonRetryable: true, cause: error });
    }
  };
}
