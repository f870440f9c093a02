// Conditions of the older shape (JavaScript-like strings) kept as expressions when the expression language reads them.
import { findExpressionError, parseExpression, referencedSteps } from '../expression/index.js';

/** An expression, or why the condition is not one. */
export type ConvertedCondition = { readonly expression: string } | { readonly problem: string };

/** An expression that is never true: what a condition that could not be converted becomes, so that nothing runs by mistake. */
export const NEVER = 'false';

/**
 * A condition as an expression. It must parse (docs/expressions.md) and, in a flow, read only steps the
 * flow has (`stepIds`). Booleans become `true` / `false`.
 */
export function convertCondition(source: unknown, stepIds?: ReadonlySet<string>): ConvertedCondition {
  if (typeof source === 'boolean') return { expression: String(source) };
  if (typeof source !== 'string' || source.trim() === '') return { problem: 'the condition is not a non-empty string' };
  const expression = source.trim();
  const error = findExpressionError(expression);
  if (error) return { problem: `the condition is not an expression of the language (docs/expressions.md): ${error.message}` };
  if (stepIds) {
    const unknown = referencedSteps(parseExpression(expression)).filter((id) => !stepIds.has(id));
    if (unknown.length > 0) return { problem: `the condition reads ${unknown.map((id) => `steps.${id}`).join(', ')}, which the flow has no step for` };
  }
  return { expression };
}
