import { parseExpression } from '../src/dsl/expression/index.js';
import type { ExpressionScope } from '../src/dsl/schema.js';
import { compileTree } from './expression-compile.js';

/** A parsed-and-compiled expression: call it with a scope. Throws ExpressionError(EXPRESSION_EVALUATION). */
export type CompiledExpression = (scope: ExpressionScope) => unknown;

const NO_LOCALS: unknown[] = [];

/**
 * Parses once and returns a fast evaluator: the tree is compiled to nested closures, with no `eval` and
 * no `new Function`, so a document can't run code. See docs/expressions.md for the language.
 * @throws ExpressionError with code `EXPRESSION_SYNTAX` when the source does not parse.
 */
export function compileExpression(source: string): CompiledExpression {
  const { evaluate, slots } = compileTree(parseExpression(source), source);
  // lambda parameters live in a per-evaluation array, so concurrent evaluations never share them
  if (slots === 0) return (scope) => evaluate(scope, NO_LOCALS);
  return (scope) => evaluate(scope, new Array<unknown>(slots));
}

/**
 * Compiled expressions by source, so each expression is parsed and compiled once. The compiler creates
 * one per compiled machine; syntax errors are thrown on every `get` and never cached.
 */
export class ExpressionCache {
  readonly #compiled = new Map<string, CompiledExpression>();

  /** The compiled expression for `source`; the same function on every call with the same source. */
  get(source: string): CompiledExpression {
    let compiled = this.#compiled.get(source);
    if (compiled === undefined) {
      compiled = compileExpression(source);
      this.#compiled.set(source, compiled);
    }
    return compiled;
  }

  /** How many distinct expressions have been compiled. */
  get size(): number {
    return this.#compiled.size;
  }
}
