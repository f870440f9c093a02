import { childNodes, type AnyExpressionNode } from './ast.js';
import { describeToken } from './hints.js';
import { syntaxError, type Token } from './lexer.js';

/** Deepest nesting accepted (brackets, operands, unary operators), so evaluation can't exhaust the stack. */
export const MAX_EXPRESSION_DEPTH = 64;

/** The parser's position in the token list, its lookahead, and the nesting limit. */
export abstract class TokenCursor {
  private pos = 0;
  private depth = 0;
  private readonly treeDepth = new WeakMap<AnyExpressionNode, number>();

  constructor(
    protected readonly source: string,
    private readonly tokens: readonly Token[],
  ) {}

  protected get tok(): Token {
    return this.peek(0);
  }

  /** The token `offset` ahead; past the end, the end token. */
  protected peek(offset: number): Token {
    const tokens = this.tokens;
    return tokens[Math.min(this.pos + offset, tokens.length - 1)] as Token;
  }

  protected next(): Token {
    const token = this.tok;
    if (token.type !== 'end') this.pos++;
    return token;
  }

  protected isPunct(value: string): boolean {
    return this.isPunctAt(0, value);
  }

  protected isPunctAt(offset: number, value: string): boolean {
    const token = this.peek(offset);
    return token.type === 'punct' && token.value === value;
  }

  protected isWord(value: string): boolean {
    return this.tok.type === 'name' && this.tok.value === value;
  }

  protected expect(value: string, alternative?: string): Token {
    if (!this.isPunct(value)) {
      const expected = alternative === undefined ? `"${value}"` : `"${value}" or "${alternative}"`;
      this.fail(`Expected ${expected} but found ${this.found()}`);
    }
    return this.next();
  }

  /** `x =>`, `(x) =>`, `(x, i) =>` or `() =>` starts at the current token. */
  protected isArrowAhead(): boolean {
    if (this.tok.type === 'name') return this.isPunctAt(1, '=>');
    if (!this.isPunct('(')) return false;
    let offset = 1;
    while (this.peek(offset).type === 'name' && this.isPunctAt(offset + 1, ',')) offset += 2;
    if (this.peek(offset).type === 'name') offset++;
    return this.isPunctAt(offset, ')') && this.isPunctAt(offset + 1, '=>');
  }

  /** The source text of a call's arguments when the current token is its `(`. */
  protected argumentsText(): string | undefined {
    let depth = 0;
    for (let offset = 0; ; offset++) {
      const token = this.peek(offset);
      if (token.type === 'end') return undefined;
      if (token.type !== 'punct') continue;
      if (token.value === '(') depth++;
      if (token.value === ')' && --depth === 0) return this.source.slice(this.tok.end, token.start).trim();
    }
  }

  protected found(): string {
    return describeToken(this.source, this.tok);
  }

  protected fail(detail: string): never {
    throw syntaxError(this.source, this.tok.start, detail);
  }

  /** Called on the way into a nested sub-expression; `leave` on the way out. */
  protected enter(): void {
    if (++this.depth > MAX_EXPRESSION_DEPTH) this.fail(depthMessage());
  }

  protected leave(): void {
    this.depth--;
  }

  /** Records the node's depth in the tree; left-nested chains such as `a + b + c …` grow it too. */
  protected made<T extends AnyExpressionNode>(node: T): T {
    let depth = 0;
    for (const child of childNodes(node)) depth = Math.max(depth, this.treeDepth.get(child) ?? 1);
    const wrapper = node.kind === 'property' || node.kind === 'spread' || node.kind === 'lambda';
    depth += wrapper ? 0 : 1;
    if (depth > MAX_EXPRESSION_DEPTH) throw syntaxError(this.source, node.start, depthMessage());
    this.treeDepth.set(node, depth);
    return node;
  }
}

function depthMessage(): string {
  return `Expression is nested more than ${MAX_EXPRESSION_DEPTH} levels deep`;
}
