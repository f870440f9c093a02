import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  BUILTIN_NAMES,
  SCOPE_ROOTS,
  findExpressionError,
  parseExpression,
  referencedSteps,
  BUILTIN_FUNCTIONS,
  type AnyExpressionNode,
  type BuiltinSignature,
} from '../../src/dsl/expression/index.js';
import { ExpressionError } from '../../src/errors.js';

/** The tree as a fully parenthesised S-expression; lambda parameters are shown as `$x`. */
function show(node: AnyExpressionNode): string {
  switch (node.kind) {
    case 'literal':
      return typeof node.value === 'string' ? JSON.stringify(node.value) : String(node.value);
    case 'root':
      return node.name;
    case 'local':
      return `$${node.name}`;
    case 'array':
      return `[${node.elements.map(show).join(' ')}]`;
    case 'object':
      return `{${node.properties.map(show).join(' ')}}`;
    case 'property':
      return `${node.key}: ${show(node.value)}`;
    case 'spread':
      return `...${show(node.argument)}`;
    case 'member':
      return `${show(node.object)}${node.optional ? '?.' : '.'}${node.property}`;
    case 'computedMember':
      return `${show(node.object)}${node.optional ? '?.' : ''}[${show(node.property)}]`;
    case 'call':
      return `${node.callee}(${node.args.map(show).join(', ')})`;
    case 'lambda':
      return `(${node.params.map((p) => `$${p}`).join(' ')} => ${show(node.body)})`;
    case 'unary':
      return `(${node.operator} ${show(node.argument)})`;
    case 'binary':
    case 'logical':
      return `(${node.operator} ${show(node.left)} ${show(node.right)})`;
    case 'conditional':
      return `(? ${show(node.test)} ${show(node.consequent)} ${show(node.alternate)})`;
  }
}

const tree = (source: string): string => show(parseExpression(source));

function syntaxErrorOf(source: string): ExpressionError {
  try {
    parseExpression(source);
  } catch (error) {
    if (error instanceof ExpressionError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(source)} not to parse`);
}

describe('parseExpression: precedence and associativity', () => {
  it.each([
    ['1 + 2 * 3', '(+ 1 (* 2 3))'],
    ['(1 + 2) * 3', '(* (+ 1 2) 3)'],
    ['1 - 2 - 3', '(- (- 1 2) 3)'],
    ['10 % 3 * 2 / 4', '(/ (* (% 10 3) 2) 4)'],
    ['2 ** 3 ** 2', '(** 2 (** 3 2))'],
    ['2 * 3 ** 2', '(* 2 (** 3 2))'],
    ['(-2) ** 2', '(** (- 2) 2)'],
    ['-input.a * 2', '(* (- input.a) 2)'],
    ['-input.a.b', '(- input.a.b)'],
    ['!!input.a', '(! (! input.a))'],
    ['+input.a - -1', '(- (+ input.a) (- 1))'],
    ['1 + 2 < 4 * 5', '(< (+ 1 2) (* 4 5))'],
    ['input.a < 1 == input.b >= 2', '(== (< input.a 1) (>= input.b 2))'],
    ['"a" in input.list === true', '(=== (in "a" input.list) true)'],
    ['input.a = 1 != input.b !== 2', '(!== (!= (= input.a 1) input.b) 2)'],
    ['!input.a && input.b', '(&& (! input.a) input.b)'],
    ['input.a || input.b && input.c', '(|| input.a (&& input.b input.c))'],
    ['input.a and input.b or input.c', '(|| (&& input.a input.b) input.c)'],
    ['not input.a = 1 and input.b', '(&& (! (= input.a 1)) input.b)'],
    ['not not input.a', '(! (! input.a))'],
    ['input.a and not input.b', '(&& input.a (! input.b))'],
    ['input.a ?? input.b ?? 1', '(?? (?? input.a input.b) 1)'],
    ['(input.a ?? 1) || input.b', '(|| (?? input.a 1) input.b)'],
    ['input.a ?? (input.b && 1)', '(?? input.a (&& input.b 1))'],
    ['input.a || input.b ? 1 : 2', '(? (|| input.a input.b) 1 2)'],
    ['input.a ? 1 : input.b ? 2 : 3', '(? input.a 1 (? input.b 2 3))'],
    ['input.a ? input.b ? 1 : 2 : 3', '(? input.a (? input.b 1 2) 3)'],
    ['input?.5:1', '(? input 0.5 1)'],
  ])('%s', (source, expected) => {
    expect(tree(source)).toBe(expected);
  });
});

describe('parseExpression: constructs', () => {
  it('reads numbers', () => {
    expect(['0', '42', '1.5', '.5', '1e3', '2.5E-3', '1e+2'].map((s) => parseExpression(s))).toMatchObject(
      [0, 42, 1.5, 0.5, 1000, 0.0025, 100].map((value) => ({ kind: 'literal', value })),
    );
  });

  it('reads strings with JavaScript escapes', () => {
    const value = (source: string): unknown => (parseExpression(source) as { value?: unknown }).value;
    expect(value(`'it\\'s'`)).toBe("it's");
    expect(value(`"say \\"hi\\""`)).toBe('say "hi"');
    expect(value(`"\\n\\t\\r\\b\\f\\v\\0\\\\"`)).toBe('\n\t\r\b\f\v\0\\');
    expect(value(`"\\x41\\u00e9\\u{1F600}"`)).toBe('Aé😀');
    expect(value(`"\\q"`)).toBe('q');
    expect(value(`"a\\\nb"`)).toBe('ab');
    expect(value(`''`)).toBe('');
  });

  it('reads keyword literals', () => {
    expect(tree('[true, false, null, undefined]')).toBe('[true false null undefined]');
  });

  it('reads arrays and objects with spreads, shorthand keys and trailing commas', () => {
    expect(tree('[1, ...input.more, "x",]')).toBe('[1 ...input.more "x"]');
    expect(tree('[]')).toBe('[]');
    expect(tree('{ "a": input.x, b: 2, input, ...context, "with space": [], }')).toBe(
      '{a: input.x b: 2 input: input ...context with space: []}',
    );
    expect(tree('{}')).toBe('{}');
    expect(tree('{ in: 1, true: 2 }')).toBe('{in: 1 true: 2}');
  });

  it('reads member access of every form', () => {
    expect(tree('input.a.b[0]?.c?.["d"][input.k]')).toBe('input.a.b[0]?.c?.["d"][input.k]');
    expect(tree('input.in.true.not')).toBe('input.in.true.not');
    expect(tree('"abc".length')).toBe('"abc".length');
  });

  it('reads calls and lambdas, and resolves lambda parameters', () => {
    expect(tree('len(input.lines)')).toBe('len(input.lines)');
    expect(tree('map(input.lines, (line, i) => line.qty * i)')).toBe('map(input.lines, ($line $i => (* $line.qty $i)))');
    expect(tree('filter(input, (x) => x > 1,)')).toBe('filter(input, ($x => (> $x 1)))');
    expect(tree('map(input, x => map(x, y => x + y))')).toBe('map(input, ($x => map($x, ($y => (+ $x $y)))))');
    // a parameter may hide a scope root; a built-in name still calls the built-in
    expect(tree('map(input, input => input.a)')).toBe('map(input, ($input => $input.a))');
    expect(tree('map(input, len => len(len))')).toBe('map(input, ($len => len($len)))');
    expect(tree('count(input)')).toBe('count(input)');
    expect(tree('round(1.5, 0)')).toBe('round(1.5, 0)');
    expect(tree('coalesce(input.a, input.b, input.c, 1)')).toBe('coalesce(input.a, input.b, input.c, 1)');
  });

  it('reads every scope root', () => {
    for (const root of SCOPE_ROOTS) expect(parseExpression(root)).toMatchObject({ kind: 'root', name: root });
  });

  it('records where each node is', () => {
    const node = parseExpression('  input.a + len(steps["x"]) ');
    expect(node).toMatchObject({
      kind: 'binary',
      start: 2,
      end: 27,
      operatorStart: 10,
      left: { kind: 'member', start: 2, end: 9, object: { kind: 'root', start: 2, end: 7 } },
      right: { kind: 'call', start: 12, end: 27, args: [{ kind: 'computedMember', start: 16, end: 26, property: { start: 22, end: 25 } }] },
    });
  });

  it('produces plain data', () => {
    const node = parseExpression('{ a: [1, "x"], b: map(input, x => x ? 1 : 2) }');
    expect(JSON.parse(JSON.stringify(node))).toEqual(node);
  });
});

describe('parseExpression: errors', () => {
  it('throws ExpressionError with code EXPRESSION_SYNTAX, the source and the position', () => {
    const error = syntaxErrorOf('len(input.lines]');
    expect(error).toBeInstanceOf(ExpressionError);
    expect(error.code).toBe('EXPRESSION_SYNTAX');
    expect(error.source).toBe('len(input.lines]');
    expect(error.position).toBe(15);
    expect(error.message).toBe('Expected ")" but found "]" at position 15 in expression "len(input.lines]"');
  });

  it('names unknown names and what can be read instead', () => {
    expect(syntaxErrorOf('input.a + foo').message).toBe(
      'Unknown name "foo"; an expression can read input, steps, context, event, item, index at position 10 in expression "input.a + foo"',
    );
    expect(syntaxErrorOf('map(input, x => y)').message).toContain('Unknown name "y"; an expression can read input, steps, context, event, item, index and the lambda parameters x');
    expect(syntaxErrorOf('len').message).toContain('(len is a function: call it as len(...))');
    expect(syntaxErrorOf('Math.round(input.x)').message).toContain('Unknown name "Math"; an expression can read input, steps, context, event, item, index; use round(...)');
    expect(syntaxErrorOf('JSON.stringify(input)').message).toContain('; use json(...)');
    // parameters are not visible outside their lambda
    expect(syntaxErrorOf('count(map(input, x => x)) + x').position).toBe(28);
  });

  it('rejects __proto__, constructor and prototype written literally', () => {
    for (const source of ['input.__proto__', 'input?.constructor', 'input["prototype"]', '{ __proto__: 1 }', '{ "constructor": 1 }', '{ prototype }']) {
      expect(syntaxErrorOf(source).message).toMatch(/^Property "(__proto__|constructor|prototype)" is not allowed: expressions read own data properties only/);
    }
    expect(syntaxErrorOf('input.a.constructor').position).toBe(8);
    // computed at run time, they are allowed by the parser (and read as undefined)
    expect(tree('input[input.key]')).toBe('input[input.key]');
  });

  it('rejects method calls and suggests the built-in', () => {
    expect(syntaxErrorOf('input.name.toUpperCase()').message).toMatchInlineSnapshot(`"Method calls are not supported: write upper(input.name) instead of input.name.toUpperCase() at position 11 in expression "input.name.toUpperCase()""`);
    expect(syntaxErrorOf('input.tags.includes("vip")').message).toContain('write includes(input.tags, "vip") instead of input.tags.includes("vip")');
    expect(syntaxErrorOf('input.lines.indexOf(1)').message).toContain('write contains(input.lines, 1) instead of input.lines.indexOf(1)');
    expect(syntaxErrorOf('input.s.foo(1)').message).toContain('Method calls are not supported (input.s.foo(1)); call a built-in function instead: len, lower,');
    expect(syntaxErrorOf('input(1)').message).toContain('"input" is not a function');
    expect(syntaxErrorOf('input.lines[0](1)').message).toContain('Only built-in functions can be called');
  });

  it('rejects unknown functions and wrong argument counts', () => {
    expect(syntaxErrorOf('now()').message).toBe(
      `Unknown function "now"; the built-in functions are ${BUILTIN_NAMES.join(', ')} at position 0 in expression "now()"`,
    );
    expect(syntaxErrorOf('String(input)').message).toContain('Unknown function "String"; did you mean string()?');
    expect(syntaxErrorOf('round(1, 2, 3)').message).toMatchInlineSnapshot(`"round() takes 1 or 2 arguments (round(number, digits?)) but found more than 2 at position 12 in expression "round(1, 2, 3)""`);
    expect(syntaxErrorOf('len()').message).toContain('len() takes 1 argument (len(value)) but found 0');
    expect(syntaxErrorOf('coalesce()').message).toContain('coalesce() takes at least 1 argument');
    expect(syntaxErrorOf('replace("a")').message).toContain('replace() takes 3 arguments');
    expect(syntaxErrorOf('len(input, 1)').position).toBe(11);
  });

  it('allows lambdas only where a higher-order function takes one', () => {
    expect(syntaxErrorOf('x => x').message).toContain('A lambda is only allowed as an argument of map, filter, find, some, every, count, sort');
    expect(syntaxErrorOf('[(x) => x]').position).toBe(1);
    expect(syntaxErrorOf('map(input, 1)').message).toContain('map() expects a lambda such as x => x.price as argument 2, found "1"');
    expect(syntaxErrorOf('len(x => 1)').message).toContain('len() does not take a lambda as argument 1');
    expect(syntaxErrorOf('map(input, () => 1)').message).toContain('A lambda takes one or two parameters');
    expect(syntaxErrorOf('map(input, (a, b, c) => 1)').message).toContain('A lambda takes one or two parameters');
    expect(syntaxErrorOf('map(input, (x, x) => 1)').message).toContain('Duplicate lambda parameter "x"');
    expect(syntaxErrorOf('map(input, (null) => 1)').message).toContain('"null" is a keyword');
  });

  it('explains operators that JavaScript would reject or that do not exist', () => {
    expect(syntaxErrorOf('input.a ?? input.b || 1').message).toContain('Mixing ?? with || or && needs parentheses');
    expect(syntaxErrorOf('input.a || input.b ?? 1').position).toBe(19);
    expect(syntaxErrorOf('input.a && input.b ?? 1').position).toBe(19);
    expect(syntaxErrorOf('input.a ?? input.b and 1').position).toBe(8);
    expect(syntaxErrorOf('-2 ** 2').message).toContain('Put parentheses around the unary expression before "**"');
    expect(syntaxErrorOf('input.a == not input.b').message).toContain('"not" binds more loosely than comparisons');
    expect(syntaxErrorOf('input.a & 1').message).toContain('Unexpected character "&"; use && (or and) for "and", and + to join strings');
    expect(syntaxErrorOf('`x`').message).toContain('template literals are not supported');
    expect(syntaxErrorOf('input.a | 1').position).toBe(8);
  });

  it.each([
    ['', 0, 'Expected an expression but found the end of the expression'],
    ['   ', 3, 'Expected an expression but found the end of the expression'],
    ['1 +', 3, 'Expected an expression but found the end of the expression'],
    ['input.a input.b', 8, 'Expected an operator or the end of the expression but found "input"'],
    ['input "||" 1', 6, 'Expected an operator or the end of the expression but found the string "||"'],
    ['(1', 2, 'Expected ")" but found the end of the expression'],
    ['[1 2]', 3, 'Expected "," or "]" but found "2"'],
    ['{ a: 1 b: 2 }', 7, 'Expected "," or "}" but found "b"'],
    ['{ a 1 }', 4, 'Expected ":" but found "1"'],
    ['{ 1: 2 }', 2, 'Expected a property name (a name or a string) but found "1"'],
    ['{ [input]: 2 }', 2, 'computed keys are not supported'],
    ['[1,,2]', 3, 'Expected an expression but found ","'],
    ['input ? 1', 9, 'Expected ":" but found the end of the expression'],
    ['input.', 6, 'Expected a property name after "." but found the end of the expression'],
    ['input.0', 6, 'Expected a property name after "." but found "0"; write [0] to read by index'],
    ['and', 0, 'Expected an expression but found "and"'],
    ['"abc', 0, 'Unterminated string: expected a closing "'],
    ["'abc\\", 0, "Unterminated string: expected a closing '"],
    ['"a\nb"', 2, 'Line break inside a string; write \\n instead'],
    ['"\\x4"', 1, 'Invalid escape: expected 2 hex digits after \\x'],
    ['"\\u12"', 1, 'Invalid escape: expected 4 hex digits after \\u'],
    ['"\\u{12"', 1, 'Invalid escape: expected hex digits after \\u{...}'],
    ['"\\u{110000}"', 1, 'Invalid escape: \\u{...} is at most 10FFFF'],
    ['"\\1"', 1, 'Octal escapes are not allowed'],
    ['10px', 0, 'Invalid number "10px"'],
    ['1e', 0, 'Invalid number "1e"'],
    ['1e999', 0, 'Number 1e999 is too large'],
    ['input.a # 1', 8, 'Unexpected character "#"'],
    ['max(...input)', 4, 'Spread (...) is only allowed in array and object literals'],
    ['...input', 0, 'Spread (...) is only allowed in array and object literals'],
  ])('%j fails at %i', (source, position, message) => {
    const error = syntaxErrorOf(source);
    expect(error.position).toBe(position);
    expect(error.message).toContain(message);
  });
});

describe('parseExpression: limits', () => {
  it('accepts 10,000 characters and rejects more', () => {
    const longest = `"${'a'.repeat(9_998)}"`;
    expect(parseExpression(longest)).toMatchObject({ kind: 'literal' });
    const error = syntaxErrorOf(`${longest} `);
    expect(error.position).toBe(10_000);
    expect(error.message).toContain('Expression is 10001 characters long; the limit is 10000');
  });

  it('accepts 64 levels of nesting and rejects 65', () => {
    const parens = (n: number): string => `${'('.repeat(n)}input${')'.repeat(n)}`;
    const arrays = (n: number): string => `${'['.repeat(n)}${']'.repeat(n)}`;
    const chain = (n: number): string => Array.from({ length: n }, () => 'input').join(' + ');
    const nots = (n: number): string => `${'!'.repeat(n)}input`;
    expect(findExpressionError(parens(63))).toBeUndefined();
    expect(findExpressionError(arrays(64))).toBeUndefined();
    expect(findExpressionError(chain(64))).toBeUndefined();
    expect(findExpressionError(nots(63))).toBeUndefined();
    for (const source of [parens(64), arrays(65), chain(65), nots(64)]) {
      expect(findExpressionError(source)?.message).toMatch(/^Expression is nested more than 64 levels deep at position \d+/);
    }
  });

  it('fails cleanly, without exhausting the stack, on deeply nested junk', () => {
    for (const source of ['('.repeat(4_999), '['.repeat(9_999), '-'.repeat(9_999), 'not '.repeat(2_400), 'input.a'.repeat(1_400), '1 ** '.repeat(1_900) + '1']) {
      expect(syntaxErrorOf(source).code).toBe('EXPRESSION_SYNTAX');
    }
  });
});

describe('findExpressionError', () => {
  it('is undefined for a valid expression', () => {
    expect(findExpressionError('steps.charge.amount > 100')).toBeUndefined();
  });

  it('returns the message and the position', () => {
    expect(findExpressionError('input.total >')).toEqual({
      message: 'Expected an expression but found the end of the expression at position 13 in expression "input.total >"',
      position: 13,
    });
  });
});

describe('referencedSteps', () => {
  const refs = (source: string): string[] => referencedSteps(parseExpression(source));

  it('lists step ids read through steps.x, steps?.x and steps["x"], once each, in order', () => {
    expect(refs('steps.charge.amount > 100')).toEqual(['charge']);
    expect(refs('steps.b + steps["send-mail"].id + steps?.c + steps.b.x + steps?.["d"]')).toEqual(['b', 'send-mail', 'c', 'd']);
    expect(refs('{ a: [steps.x], b: map(steps.y.list, l => l.id), c: input.a ? steps.z : 0 }')).toEqual(['x', 'y', 'z']);
  });

  it('ignores computed ids, other roots, and lambda parameters named steps', () => {
    expect(refs('steps[input.which]')).toEqual([]);
    expect(refs('input.steps.x + context.steps')).toEqual([]);
    expect(refs('map(input.list, steps => steps.x)')).toEqual([]);
    expect(refs('steps')).toEqual([]);
  });
});

describe('the built-in function table', () => {
  it('is documented in docs/expressions.md', () => {
    const docs = readFileSync(new URL('../../docs/expressions.md', import.meta.url), 'utf8');
    const missing = BUILTIN_NAMES.filter((name) => !docs.includes(`\`${name}(`) && !docs.includes(`, \`${name}(`));
    expect(missing).toEqual([]);
  });

  it('parses a call of every built-in with its minimum arguments', () => {
    for (const name of BUILTIN_NAMES) {
      const signature: BuiltinSignature = BUILTIN_FUNCTIONS[name];
      const args = Array.from({ length: Math.max(signature.minArgs, 1) }, (_, i) => (i === signature.lambdaAt ? 'x => x' : 'input'));
      expect(parseExpression(`${name}(${args.join(', ')})`)).toMatchObject({ kind: 'call', callee: name });
    }
  });
});
