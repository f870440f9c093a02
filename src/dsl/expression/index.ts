import { ExpressionError } from '../../errors.js';
import { childNodes, type AnyExpressionNode, type ExpressionNode } from './ast.js';
import { parse } from './parser.js';

export * from './ast.js';
export { BUILTIN_FUNCTIONS, BUILTIN_NAMES, isBuiltinName, type BuiltinName, type BuiltinSignature } from './functions.js';
export { FORBIDDEN_PROPERTIES, MAX_EXPRESSION_DEPTH, MAX_EXPRESSION_LENGTH } from './parser.js';

/**
 * Parses an expression of the language described in docs/expressions.md.
 * @throws ExpressionError with code `EXPRESSION_SYNTAX` and the 0-based `position` of the problem.
 */
export function parseExpression(source: string): ExpressionNode {
  return parse(source);
}

/** The syntax problem of an expression, or undefined when it parses. */
export function findExpressionError(source: string): { message: string; position: number } | undefined {
  try {
    parse(source);
    return undefined;
  } catch (error) {
    if (!(error instanceof ExpressionError)) throw error;
    return { message: error.message, position: error.position };
  }
}

/**
 * Step ids an expression reads through `steps.<id>`, `steps?.<id>` or `steps["<id>"]`, in order of first use.
 * A computed key such as `steps[input.which]` names no step and is not listed.
 */
export function referencedSteps(node: ExpressionNode): string[] {
  const found = new Set<string>();
  const visit = (current: AnyExpressionNode): void => {
    if ((current.kind === 'member' || current.kind === 'computedMember') && current.object.kind === 'root' && current.object.name === 'steps') {
      const id = current.kind === 'member' ? current.property : current.property.kind === 'literal' ? current.property.value : undefined;
      if (typeof id === 'string' || typeof id === 'number') found.add(String(id));
    }
    for (const child of childNodes(current)) visit(child);
  };
  visit(node);
  return [...found];
}
