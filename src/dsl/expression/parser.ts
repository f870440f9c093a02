import { SCOPE_ROOTS, type ExpressionNode, type LambdaNode, type PropertyNode, type ScopeRoot, type SpreadElement } from './ast.js';
import { BUILTIN_FUNCTIONS, isBuiltinName, type BuiltinName, type BuiltinSignature } from './functions.js';
import { arityText, higherOrderNames, methodCallMessage, unknownFunctionMessage, unknownNameMessage } from './hints.js';
import { syntaxError, tokenize, type Token } from './lexer.js';
import { OperatorParser } from './operators.js';

export { MAX_EXPRESSION_DEPTH } from './token-cursor.js';

/** Longest source accepted; longer text is rejected before it is read. */
export const MAX_EXPRESSION_LENGTH = 10_000;

/** Names that can't be read as a property written literally, nor used as an object key. */
export const FORBIDDEN_PROPERTIES: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

const LITERAL_WORDS: Record<string, string | boolean | null | undefined> = { true: true, false: false, null: null, undefined };
const KEYWORDS = new Set(['true', 'false', 'null', 'undefined', 'and', 'or', 'not', 'in']);
const SCOPE_ROOT_SET: ReadonlySet<string> = new Set(SCOPE_ROOTS);

/** Parses an expression; throws ExpressionError (code EXPRESSION_SYNTAX) with the position of the problem. */
export function parse(source: string): ExpressionNode {
  if (source.length > MAX_EXPRESSION_LENGTH) {
    throw syntaxError(source, MAX_EXPRESSION_LENGTH, `Expression is ${source.length} characters long; the limit is ${MAX_EXPRESSION_LENGTH}`);
  }
  return new Parser(source, tokenize(source)).parseAll();
}

/** A recursive-descent parser: the operator levels are inherited, this class reads the operands. */
class Parser extends OperatorParser {
  /** Parameters of the lambdas being parsed, innermost last. */
  private readonly locals: string[][] = [];

  parseAll(): ExpressionNode {
    const node = this.parseExpression();
    if (this.tok.type !== 'end') this.fail(`Expected an operator or the end of the expression but found ${this.found()}`);
    return node;
  }

  /** Member access after a primary: `.name`, `?.name`, `[key]`, `?.[key]`. */
  protected parsePostfix(): ExpressionNode {
    let node = this.parsePrimary();
    for (;;) {
      const token = this.tok;
      if (token.type !== 'punct') return node;
      if (token.value === '?.' && this.isPunctAt(1, '[')) {
        this.next();
        node = this.parseComputedMember(node, true);
      } else if (token.value === '[') {
        node = this.parseComputedMember(node, false);
      } else if (token.value === '.' || token.value === '?.') {
        this.next();
        const name = this.tok;
        if (name.type !== 'name') {
          const hint = name.type === 'number' ? `; write [${name.value}] to read by index` : '';
          this.fail(`Expected a property name after "${token.value}" but found ${this.found()}${hint}`);
        }
        this.checkPropertyName(name);
        this.next();
        if (this.isPunct('(')) {
          throw syntaxError(this.source, name.start, methodCallMessage(this.text(node), String(name.value), this.argumentsText()));
        }
        node = this.made({ kind: 'member', object: node, property: String(name.value), optional: token.value === '?.', start: node.start, end: name.end });
      } else if (token.value === '(') {
        const what = node.kind === 'root' || node.kind === 'local' ? `"${node.name}" is not a function` : 'Only built-in functions can be called';
        this.fail(`${what}; call a built-in function by name, e.g. len(x)`);
      } else {
        return node;
      }
    }
  }

  private parseComputedMember(object: ExpressionNode, optional: boolean): ExpressionNode {
    this.expect('[');
    const property = this.parseExpression();
    if (property.kind === 'literal' && typeof property.value === 'string' && FORBIDDEN_PROPERTIES.has(property.value)) {
      throw syntaxError(this.source, property.start, forbiddenMessage(property.value));
    }
    const end = this.expect(']').end;
    return this.made({ kind: 'computedMember', object, property, optional, start: object.start, end });
  }

  private parsePrimary(): ExpressionNode {
    const token = this.tok;
    if (this.isArrowAhead()) {
      this.fail(`A lambda is only allowed as an argument of ${higherOrderNames()}`);
    }
    switch (token.type) {
      case 'number':
      case 'string':
        this.next();
        return this.made({ kind: 'literal', value: token.value, start: token.start, end: token.end });
      case 'name':
        return this.parseName();
      case 'punct':
        if (token.value === '(') {
          this.next();
          const inner = this.parseExpression();
          this.expect(')');
          this.parenthesized.add(inner);
          return inner;
        }
        if (token.value === '[') return this.parseArray();
        if (token.value === '{') return this.parseObject();
        if (token.value === '...') this.fail('Spread (...) is only allowed in array and object literals');
        break;
      case 'end':
        break;
    }
    return this.fail(`Expected an expression but found ${this.found()}`);
  }

  private parseName(): ExpressionNode {
    const token = this.tok;
    const name = String(token.value);
    if (Object.hasOwn(LITERAL_WORDS, name)) {
      this.next();
      return this.made({ kind: 'literal', value: LITERAL_WORDS[name], start: token.start, end: token.end });
    }
    if (KEYWORDS.has(name)) this.fail(`Expected an expression but found ${this.found()}`);
    if (this.isPunctAt(1, '(')) {
      // built-in names win in call position; a scope root or a parameter followed by ( fails in parsePostfix
      if (isBuiltinName(name)) return this.parseCall(name);
      if (!this.isLocal(name) && !SCOPE_ROOT_SET.has(name)) this.fail(unknownFunctionMessage(name));
    }
    this.next();
    if (this.isLocal(name)) return this.made({ kind: 'local', name, start: token.start, end: token.end });
    if (SCOPE_ROOT_SET.has(name)) return this.made({ kind: 'root', name: name as ScopeRoot, start: token.start, end: token.end });
    throw syntaxError(this.source, token.start, unknownNameMessage(name, this.locals.flat(), [this.peek(0), this.peek(1), this.peek(2)]));
  }

  private parseArray(): ExpressionNode {
    const start = this.expect('[').start;
    const elements: (ExpressionNode | SpreadElement)[] = [];
    while (!this.isPunct(']')) {
      elements.push(this.isPunct('...') ? this.parseSpread() : this.parseExpression());
      if (this.isPunct(',')) this.next();
      else if (!this.isPunct(']')) this.expect(',', ']');
    }
    const end = this.next().end;
    return this.made({ kind: 'array', elements, start, end });
  }

  private parseObject(): ExpressionNode {
    const start = this.expect('{').start;
    const properties: (PropertyNode | SpreadElement)[] = [];
    while (!this.isPunct('}')) {
      properties.push(this.isPunct('...') ? this.parseSpread() : this.parseProperty());
      if (this.isPunct(',')) this.next();
      else if (!this.isPunct('}')) this.expect(',', '}');
    }
    const end = this.next().end;
    return this.made({ kind: 'object', properties, start, end });
  }

  private parseProperty(): PropertyNode {
    const key = this.tok;
    if (key.type !== 'name' && key.type !== 'string') {
      const hint = this.isPunct('[') ? '; computed keys are not supported' : '';
      this.fail(`Expected a property name (a name or a string) but found ${this.found()}${hint}`);
    }
    this.checkPropertyName(key);
    if (key.type === 'name' && !KEYWORDS.has(String(key.value)) && (this.isPunctAt(1, ',') || this.isPunctAt(1, '}'))) {
      // shorthand `{ input }` reads the name, as in JavaScript
      const value = this.parseName();
      return this.made({ kind: 'property', key: String(key.value), value, start: key.start, end: value.end });
    }
    this.next();
    this.expect(':');
    const value = this.parseExpression();
    return this.made({ kind: 'property', key: String(key.value), value, start: key.start, end: value.end });
  }

  private parseSpread(): SpreadElement {
    const start = this.expect('...').start;
    const argument = this.parseExpression();
    return this.made({ kind: 'spread', argument, start, end: argument.end });
  }

  private parseCall(callee: BuiltinName): ExpressionNode {
    const start = this.next().start;
    this.expect('(');
    const signature: BuiltinSignature = BUILTIN_FUNCTIONS[callee];
    const args: (ExpressionNode | LambdaNode)[] = [];
    while (!this.isPunct(')')) {
      const position = args.length;
      if (position >= signature.maxArgs) {
        this.fail(`${callee}() ${arityText(signature)} (${signature.usage}) but found more than ${signature.maxArgs}`);
      }
      if (position === signature.lambdaAt) {
        if (!this.isArrowAhead()) this.fail(`${callee}() expects a lambda such as x => x.price as argument ${position + 1}, found ${this.found()}`);
        args.push(this.parseLambda());
      } else {
        if (this.isArrowAhead()) this.fail(`${callee}() does not take a lambda as argument ${position + 1}; lambdas are arguments of ${higherOrderNames()}`);
        if (this.isPunct('...')) this.fail('Spread (...) is only allowed in array and object literals');
        args.push(this.parseExpression());
      }
      if (this.isPunct(',')) this.next();
      else if (this.isPunct(')')) break;
      else if (args.length >= signature.maxArgs) this.expect(')');
      else this.expect(',', ')');
    }
    if (args.length < signature.minArgs) this.fail(`${callee}() ${arityText(signature)} (${signature.usage}) but found ${args.length}`);
    const end = this.next().end;
    return this.made({ kind: 'call', callee, args, start, end });
  }

  private parseLambda(): LambdaNode {
    const start = this.tok.start;
    const params: string[] = [];
    const parenthesized = this.isPunct('(');
    if (parenthesized) this.next();
    while (this.tok.type === 'name') {
      const param = this.next();
      const name = String(param.value);
      if (KEYWORDS.has(name)) throw syntaxError(this.source, param.start, `"${name}" is a keyword and can't name a lambda parameter`);
      if (params.includes(name)) throw syntaxError(this.source, param.start, `Duplicate lambda parameter "${name}"`);
      params.push(name);
      if (!parenthesized || !this.isPunct(',')) break;
      this.next();
    }
    if (parenthesized) this.expect(')');
    if (params.length === 0 || params.length > 2) {
      throw syntaxError(this.source, start, 'A lambda takes one or two parameters: x => ... or (x, i) => ...');
    }
    this.expect('=>');
    this.locals.push(params);
    const body = this.parseExpression();
    this.locals.pop();
    return this.made({ kind: 'lambda', params, body, start, end: body.end });
  }

  private checkPropertyName(token: Token): void {
    const name = String(token.value);
    if (FORBIDDEN_PROPERTIES.has(name)) throw syntaxError(this.source, token.start, forbiddenMessage(name));
  }

  private isLocal(name: string): boolean {
    return this.locals.some((params) => params.includes(name));
  }

  private text(node: ExpressionNode): string {
    return this.source.slice(node.start, node.end);
  }
}

function forbiddenMessage(name: string): string {
  return `Property "${name}" is not allowed: expressions read own data properties only`;
}
