import type { BuiltinTaskFactory } from './builtin-task.js';
import { compileInputExpression } from './input-expression.js';

/** `{ type: 'transform', expression }`: the output is the expression's value over `{ input }`. */
export const createTransformTask: BuiltinTaskFactory<'transform'> = (transform, { expressions }) => compileInputExpression(transform.expression, expressions);
