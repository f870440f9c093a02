import type { BinaryOperator, ExpressionNode, LogicalOperator } from './ast.js';
import { syntaxError, type Token } from './lexer.js';
import { TokenCursor } from './token-cursor.js';

const EQUALITY = new Set(['=', '==', '===', '!=', '!==']);
const RELATIONAL = new Set(['<', '<=', '>', '>=']);
const UNARY = new Set(['!', '-', '+']);

/**
 * The operator levels of the grammar, lowest precedence first, as in JavaScript:
 * `?:`, `|| ??`, `&&`, `not`, equality, comparison and `in`, `+ -`, `* / %`, `**`, unary.
 */
export abstract class OperatorParser extends TokenCursor {
  protected readonly parenthesized = new WeakSet<ExpressionNode>();

  /** Operands: a primary followed by member accesses. */
  protected abstract parsePostfix(): ExpressionNode;

  protected parseExpression(): ExpressionNode {
    this.enter();
    const test = this.parseLogicalOr();
    let node = test;
    if (this.isPunct('?')) {
      this.next();
      const consequent = this.parseExpression();
      this.expect(':');
      const alternate = this.parseExpression();
      node = this.made({ kind: 'conditional', test, consequent, alternate, start: test.start, end: alternate.end });
    }
    this.leave();
    return node;
  }

  /** `||`, `or` and `??`; like JavaScript, `??` can't be mixed with `||` or `&&` without parentheses. */
  private parseLogicalOr(): ExpressionNode {
    let left = this.parseLogicalAnd();
    for (;;) {
      const token = this.tok;
      const operator: LogicalOperator | undefined =
        this.isPunct('||') || this.isWord('or') ? '||' : this.isPunct('??') ? '??' : undefined;
      if (operator === undefined) return left;
      this.next();
      const right = this.parseLogicalAnd();
      const mixes = (node: ExpressionNode): boolean =>
        node.kind === 'logical' && !this.parenthesized.has(node) && (operator === '??') !== (node.operator === '??');
      if (mixes(left) || (operator === '??' && mixes(right))) {
        throw syntaxError(this.source, token.start, 'Mixing ?? with || or && needs parentheses, e.g. (a ?? b) || c');
      }
      left = this.made({ kind: 'logical', operator, left, right, start: left.start, end: right.end });
    }
  }

  private parseLogicalAnd(): ExpressionNode {
    let left = this.parseNot();
    while (this.isPunct('&&') || this.isWord('and')) {
      this.next();
      const right = this.parseNot();
      left = this.made({ kind: 'logical', operator: '&&', left, right, start: left.start, end: right.end });
    }
    return left;
  }

  /** The `not` keyword binds more loosely than comparisons, as in Python: `not a = b` is `!(a = b)`. */
  private parseNot(): ExpressionNode {
    if (!this.isWord('not')) return this.parseEquality();
    const start = this.next().start;
    this.enter();
    const argument = this.parseNot();
    this.leave();
    return this.made({ kind: 'unary', operator: '!', argument, start, end: argument.end });
  }

  private parseEquality(): ExpressionNode {
    return this.parseBinaryLevel(() => this.parseRelational(), (t) => t.type === 'punct' && EQUALITY.has(t.value as string));
  }

  private parseRelational(): ExpressionNode {
    return this.parseBinaryLevel(
      () => this.parseAdditive(),
      (t) => (t.type === 'punct' && RELATIONAL.has(t.value as string)) || (t.type === 'name' && t.value === 'in'),
    );
  }

  private parseAdditive(): ExpressionNode {
    return this.parseBinaryLevel(() => this.parseMultiplicative(), (t) => t.type === 'punct' && (t.value === '+' || t.value === '-'));
  }

  private parseMultiplicative(): ExpressionNode {
    return this.parseBinaryLevel(() => this.parseExponent(), (t) => t.type === 'punct' && (t.value === '*' || t.value === '/' || t.value === '%'));
  }

  /** A left-associative level of binary operators. */
  private parseBinaryLevel(operand: () => ExpressionNode, isOperator: (token: Token) => boolean): ExpressionNode {
    let left = operand();
    while (isOperator(this.tok)) {
      const token = this.next();
      const right = operand();
      const operator = token.value as BinaryOperator;
      left = this.made({ kind: 'binary', operator, operatorStart: token.start, left, right, start: left.start, end: right.end });
    }
    return left;
  }

  /** `**` is right-associative, and `-2 ** 2` needs parentheses as in JavaScript. */
  private parseExponent(): ExpressionNode {
    const left = this.parseUnary();
    if (!this.isPunct('**')) return left;
    const token = this.next();
    if (left.kind === 'unary' && !this.parenthesized.has(left)) {
      throw syntaxError(this.source, token.start, 'Put parentheses around the unary expression before "**", e.g. (-2) ** 2');
    }
    this.enter();
    const right = this.parseExponent();
    this.leave();
    return this.made({ kind: 'binary', operator: '**', operatorStart: token.start, left, right, start: left.start, end: right.end });
  }

  protected parseUnary(): ExpressionNode {
    const token = this.tok;
    if (token.type === 'punct' && UNARY.has(token.value as string)) {
      this.next();
      this.enter();
      const argument = this.parseUnary();
      this.leave();
      return this.made({ kind: 'unary', operator: token.value as '!' | '-' | '+', argument, start: token.start, end: argument.end });
    }
    if (this.isWord('not')) {
      this.fail('"not" binds more loosely than comparisons and arithmetic; write !x here, or put the not expression in parentheses');
    }
    return this.parsePostfix();
  }
}
