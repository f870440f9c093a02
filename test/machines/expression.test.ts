import { describe, expect, it, vi } from 'vitest';
import { parseExpression } from '../../src/dsl/expression/index.js';
import type { ExpressionScope } from '../../src/dsl/schema.js';
import { ExpressionError } from '../../src/errors.js';
import { ExpressionCache, compileExpression } from '../../machines/expression.js';

// counts parses, to show that compiled expressions never parse again
vi.mock('../../src/dsl/expression/index.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src/dsl/expression/index.js')>();
  return { ...actual, parseExpression: vi.fn(actual.parseExpression) };
});

const scope = (over: Partial<ExpressionScope> = {}): ExpressionScope => ({ input: {}, steps: {}, context: {}, event: undefined, ...over });
const run = (source: string, over: Partial<ExpressionScope> = {}): unknown => compileExpression(source)(scope(over));

function errorOf(source: string, over: Partial<ExpressionScope> = {}): ExpressionError {
  const evaluate = compileExpression(source);
  try {
    evaluate(scope(over));
  } catch (error) {
    if (error instanceof ExpressionError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(source)} to fail`);
}

const order = {
  input: { total: 150, orderId: 'o-1', name: ' Ada ', tags: ['vip', 'eu'], lines: [{ sku: 'a', qty: 2, price: 5 }, { sku: 'b', qty: 1, price: 20 }] },
  steps: { charge: { amount: 120, chargeId: 'ch_1' } },
  context: { paid: false, count: 0 },
  event: { type: 'payment.confirmed', orderId: 'o-1', amount: 5 },
};

describe('the examples of DESIGN.md', () => {
  it('maps a task input', () => {
    expect(run('{ "amount": input.total }', { input: { total: 42 } })).toEqual({ amount: 42 });
  });

  it('decides a condition on a step output', () => {
    expect(run('steps.charge.amount > 100', order)).toBe(true);
    expect(run('steps.charge.amount > 100', { steps: { charge: { amount: 100 } } })).toBe(false);
    expect(run('steps.charge.amount > 100', { steps: {} })).toBe(false);
  });

  it('matches an event with the JSONata-style =', () => {
    expect(run('event.orderId = input.orderId', order)).toBe(true);
    expect(run('event.orderId = input.orderId', { ...order, event: { orderId: 'o-2' } })).toBe(false);
    expect(run('event.amount > 0', order)).toBe(true);
  });
});

describe('reading values', () => {
  it('reads every scope root', () => {
    const s = { input: 1, steps: { a: 2 }, context: { c: 3 }, event: 4, item: 5, index: 6 };
    expect(run('[input, steps.a, context.c, event, item, index]', s)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(run('[item, index]')).toEqual([undefined, undefined]);
  });

  it('is null-safe everywhere', () => {
    expect(run('input.customer.address.city', { input: { customer: null } })).toBeUndefined();
    expect(run('input.a[0].b', { input: {} })).toBeUndefined();
    expect(run('input?.a?.[0]?.b', { input: null })).toBeUndefined();
    expect(run('event.orderId')).toBeUndefined();
    expect(run('input[null]', { input: { null: 1 } })).toBeUndefined();
    expect(run('(1).x')).toBeUndefined();
    expect(run('true.x')).toBeUndefined();
  });

  it('reads own properties only', () => {
    const input = Object.assign(Object.create({ inherited: 1 }) as object, { own: 2 });
    expect(run('[input.own, input.inherited, input.toString, input.hasOwnProperty, input.valueOf]', { input })).toEqual([2, undefined, undefined, undefined, undefined]);
    expect(run('[input.list.map, input.list.push, input.s.toUpperCase]', { input: { list: [], s: 'x' } })).toEqual([undefined, undefined, undefined]);
    class Order {
      readonly id = 'o-1';
      get total(): number {
        return 1;
      }
    }
    expect(run('[input.id, input.total]', { input: new Order() })).toEqual(['o-1', undefined]);
    expect(run('input.fn.name', { input: { fn: () => 1 } })).toBeUndefined();
  });

  it('reads __proto__, constructor and prototype as undefined when the key is computed', () => {
    const input = { ...(JSON.parse('{"__proto__": {"polluted": true}}') as object), constructor: 'own', prototype: 'own', keys: ['__proto__', 'constructor', 'prototype'] };
    expect(run('map(input.keys, k => input[k])', { input })).toEqual([undefined, undefined, undefined]);
    expect(run('input[input.keys[0]].polluted', { input })).toBeUndefined();
  });

  it('reads length and indexes of arrays and strings', () => {
    const input = { list: ['a', 'b', 'c'], s: 'xyz', o: { '0': 'zero', length: 7 } };
    expect(run('[input.list.length, input.s.length, input.o.length, input.o[0], input.o["0"]]', { input })).toEqual([3, 3, 7, 'zero', 'zero']);
    expect(run('[input.list[0], input.list["1"], input.list[-1], input.list[1.5], input.list[3], input.list[true]]', { input })).toEqual(['a', 'b', undefined, undefined, undefined, undefined]);
    expect(run('[input.s[0], input.s[2], input.s[3], "abc".length]', { input })).toEqual(['x', 'z', undefined, 3]);
  });
});

describe('literals', () => {
  it('builds arrays and objects with spreads', () => {
    const input = { a: [1, 2], o: { x: 1, y: 2 } };
    expect(run('[0, ...input.a, ...input.missing, 3]', { input })).toEqual([0, 1, 2, 3]);
    expect(run('{ ...input.o, y: 3, "z w": [input.a[0]], input, ...null }', { input })).toEqual({ x: 1, y: 3, 'z w': [1], input });
    expect(run('{ a: input.missing }', { input })).toEqual({ a: undefined });
  });

  it('builds a new value on every evaluation', () => {
    const build = compileExpression('{ list: [1] }');
    expect(build(scope())).not.toBe(build(scope()));
  });

  it('copies an own __proto__ key as data, without touching the prototype', () => {
    const result = run('{ ...input }', { input: JSON.parse('{"__proto__": {"polluted": true}}') as unknown }) as Record<string, unknown>;
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect(Object.keys(result)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('rejects spreading the wrong kind of value', () => {
    expect(errorOf('[...input]', { input: 'abc' }).message).toBe('Spread in an array expects an array, found string at position 1 in expression "[...input]"');
    expect(errorOf('{ ...input }', { input: [1] }).message).toContain('Spread in an object expects an object, found array');
  });
});

describe('operators', () => {
  it.each([
    ['1 + 2 * 3', 7],
    ['(1 + 2) * 3', 9],
    ['7 - 2 - 1', 4],
    ['7 / 2', 3.5],
    ['7 % 3', 1],
    ['-7 % 3', -1],
    ['2 ** 3 ** 2', 512],
    ['(-2) ** 2', 4],
    ['-input.total + +1', -149],
    ['1.5e3 + .5', 1500.5],
    ['"a" + 1', 'a1'],
    ['1 + "a"', '1a'],
    ['"a" + true + null + undefined', 'atruenullundefined'],
    ['"tags: " + input.tags', 'tags: ["vip","eu"]'],
    ['"o: " + { a: 1 }', 'o: {"a":1}'],
    ['1 + 2 + "3"', '33'],
  ])('%s is %j', (source, expected) => {
    expect(run(source, order)).toEqual(expected);
  });

  it('requires numbers for arithmetic and names the operator and the types', () => {
    expect(errorOf('input.total - input.fee', order).message).toBe(
      'Operator "-" expects numbers, found number and undefined at position 12 in expression "input.total - input.fee"',
    );
    expect(errorOf('"5" * 2').message).toContain('Operator "*" expects numbers, found string and number');
    expect(errorOf('null + 1').message).toContain('Operator "+" expects two numbers, or a string on either side, found null and number');
    expect(errorOf('[1] + [2]').message).toContain('found array and array');
    expect(errorOf('input ** 2', { input: true }).message).toContain('Operator "**" expects numbers, found boolean and number');
    expect(errorOf('-input', { input: '1' }).message).toContain('Operator "-" expects a number, found string');
    expect(errorOf('+input', { input: '1' }).message).toContain('Operator "+" expects a number, found string; use number(x) to convert');
    expect(errorOf('1 / 0').message).toBe('Division by zero in "/" at position 2 in expression "1 / 0"');
    expect(errorOf('0 / 0').code).toBe('EXPRESSION_EVALUATION');
    expect(errorOf('5 % input', { input: 0 }).message).toContain('Division by zero in "%"');
  });

  it('compares numbers with numbers and strings with strings, anything else is false', () => {
    expect(run('[1 < 2, 2 <= 2, 3 > 2, 2 >= 3, "a" < "b", "B" < "a", "10" < "9"]')).toEqual([true, true, true, false, true, true, true]);
    expect(run('[1 < "2", "1" >= 1, input.missing > 3, null < 1, input.missing <= input.missing, [1] < [2]]')).toEqual([false, false, false, false, false, false]);
  });

  it('tests equality strictly and deeply, in every spelling', () => {
    expect(run('[1 = 1, 1 == 1, 1 === 1, 1 != 2, 1 !== 2]')).toEqual([true, true, true, true, true]);
    expect(run('[1 = "1", null = undefined, 0 == false, "" == 0, [] == false]')).toEqual([false, false, false, false, false]);
    expect(run('[[1, { a: [2] }] = [1, { a: [2] }], { a: 1, b: 2 } = { b: 2, a: 1 }, [1, 2] = [2, 1], { a: 1 } = { a: 1, b: 2 }]')).toEqual([true, true, false, false]);
    expect(run('{ a: 1, b: undefined } = { a: 1 }')).toBe(true);
    expect(run('input.lines = input.copy', { input: { lines: order.input.lines, copy: structuredClone(order.input.lines) } })).toBe(true);
    expect(run('[1] != [1]')).toBe(false);
    const date = new Date(0);
    expect(run('[input.d = input.d, input.d = input.other, input.nan = input.nan]', { input: { d: date, other: new Date(0), nan: NaN } })).toEqual([true, false, false]);
  });

  it('returns operands from logical operators and evaluates the right side only when needed', () => {
    expect(run('[0 || "x", 1 || 1 / 0, 0 && 1 / 0, 1 && "y", null ?? "z", 0 ?? 1 / 0, false ?? 1]')).toEqual(['x', 1, 0, 'y', 'z', 0, false]);
    expect(run('[true and false, false or "w", not true, not 0, not input.missing]')).toEqual([false, 'w', false, true, true]);
    expect(run('context.paid = false and steps.charge.amount > 100', order)).toBe(true);
  });

  it('uses JavaScript truthiness', () => {
    expect(run('[!0, !"", !null, !undefined, !input.nan, ![], !{}, !"0", !-1]', { input: { nan: NaN } })).toEqual([true, true, true, true, true, false, false, false, false]);
  });

  it('evaluates only the chosen branch of a conditional', () => {
    expect(run('input.total > 100 ? "big" : 1 / 0', order)).toBe('big');
    expect(run('input.tags ? 1 : 2', { input: { tags: [] } })).toBe(1);
    expect(run('input.a ? 1 : input.b ? 2 : 3', { input: { b: true } })).toBe(2);
  });

  it('tests membership with in', () => {
    expect(run('["orderId" in input, "nope" in input, "toString" in input, "constructor" in input, 1 in { "1": 0 }]', order)).toEqual([true, false, false, false, true]);
    expect(run('["vip" in input.tags, { sku: "b", qty: 1, price: 20 } in input.lines, 3 in input.tags, 1 in null, 1 in input.missing]', order)).toEqual([true, true, false, false, false]);
    expect(run('input in { a: 1 }', { input: ['a'] })).toBe(false);
    expect(errorOf('"a" in input.name', order).message).toContain('Operator "in" expects an array or an object on the right, found string; use contains(text, part) for text');
    expect(errorOf('1 in 2').message).toContain('found number');
  });
});

describe('built-in functions', () => {
  it.each([
    ['len("héllo")', 5],
    ['len(input.tags)', 2],
    ['len({ a: 1, b: 2 })', 2],
    ['lower("AbC")', 'abc'],
    ['upper(trim(input.name))', 'ADA'],
    ['trim("\\t x \\n")', 'x'],
    ['contains("hello", "ell")', true],
    ['contains(input.tags, "eu")', true],
    ['contains(input.lines, { sku: "a", qty: 2, price: 5 })', true],
    ['contains([1], "1")', false],
    ['includes("abc", "d")', false],
    ['startsWith(input.orderId, "o-")', true],
    ['endsWith(input.orderId, "-2")', false],
    ['replace("a-b-c", "-", "+")', 'a+b+c'],
    ['replace("a.b", ".", "$&$1")', 'a$&$1b'],
    ['split("a,b,,c", ",")', ['a', 'b', '', 'c']],
    ['join(input.tags)', 'vip,eu'],
    ['join([1, null, "x", undefined, true, [2]], " ")', '1  x  true [2]'],
    ['slice("hello", 1, 3)', 'el'],
    ['slice("hello", -3)', 'llo'],
    ['slice([1, 2, 3, 4], 1, -1)', [2, 3]],
    ['concat([1], [2, 3], [])', [1, 2, 3]],
    ['concat("order ", input.orderId, ": ", 2, " ", true)', 'order o-1: 2 true'],
    ['keys({ b: 1, a: 2 })', ['b', 'a']],
    ['values({ b: 1, a: 2 })', [1, 2]],
    ['entries({ a: 1 })', [['a', 1]]],
    ['fromEntries([["a", 1], ["b", [2]], [3, 4]])', { a: 1, b: [2], 3: 4 }],
    ['fromEntries(map(input.lines, l => [l.sku, l.qty]))', { a: 2, b: 1 }],
    ['sum([1, 2, 3.5])', 6.5],
    ['sum([])', 0],
    ['avg([1, 2])', 1.5],
    ['avg([])', undefined],
    ['min([3, 1, 2])', 1],
    ['max(3, 1, 2)', 3],
    ['min(5)', 5],
    ['max([])', undefined],
    ['round(2.5)', 3],
    ['round(-2.5)', -3],
    ['round(1.005, 2)', 1.01],
    ['round(1234.5678, 1)', 1234.6],
    ['round(1250, -2)', 1300],
    ['round(0.000001234, 8)', 0.00000123],
    ['floor(-1.5)', -2],
    ['ceil(1.2)', 2],
    ['abs(-3)', 3],
    ['number("12.5")', 12.5],
    ['number(" 7 ")', 7],
    ['number(true)', 1],
    ['number(3)', 3],
    ['string(12)', '12'],
    ['string(null)', 'null'],
    ['string({ a: [1] })', '{"a":[1]}'],
    ['string("x")', 'x'],
    ['boolean("")', false],
    ['boolean([])', true],
    ['[exists(0), exists(""), exists(null), exists(input.missing)]', [true, true, false, false]],
    ['[isArray([]), isArray({}), isArray("a")]', [true, false, false]],
    ['json({ a: [1, "x"], b: undefined })', '{"a":[1,"x"]}'],
    ['json(input.missing)', 'null'],
    ['json("x")', '"x"'],
    ['coalesce(input.missing, null, 0, 1)', 0],
    ['coalesce(null, undefined)', undefined],
    ['map(input.lines, l => l.qty * l.price)', [10, 20]],
    ['filter(input.lines, l => l.qty > 1)', [{ sku: 'a', qty: 2, price: 5 }]],
    ['find(input.lines, l => l.sku = "b").price', 20],
    ['find(input.lines, l => l.sku = "z")', undefined],
    ['some(input.lines, l => l.price > 10)', true],
    ['every(input.lines, l => l.price > 10)', false],
    ['every([], x => false)', true],
    ['count(input.lines)', 2],
    ['count(input.lines, l => l.qty = 1)', 1],
    ['sort([3, 1, 2])', [1, 2, 3]],
    ['sort(["b", "B", "a"])', ['B', 'a', 'b']],
    ['map(sort(input.lines, l => -l.price), l => l.sku)', ['b', 'a']],
    ['sort([])', []],
    ['reverse([1, 2, 3])', [3, 2, 1]],
    ['unique([1, "1", 1, { a: 1 }, { a: 1 }, [2], [2], null, null])', [1, '1', { a: 1 }, [2], null]],
  ])('%s is %j', (source, expected) => {
    expect(run(source, order)).toEqual(expected);
  });

  it('sorts stably and does not change its argument', () => {
    const input = { list: [{ k: 1, id: 'a' }, { k: 0, id: 'b' }, { k: 1, id: 'c' }, { k: 0, id: 'd' }] };
    expect(run('map(sort(input.list, x => x.k), x => x.id)', { input })).toEqual(['b', 'd', 'a', 'c']);
    expect(run('reverse(input.list)', { input })).not.toBe(input.list);
    expect(input.list.map((x) => x.id)).toEqual(['a', 'b', 'c', 'd']);
  });

  it.each([
    ['len(input.missing)', 'len() expects a string, an array or an object as argument 1, found undefined at position 4'],
    ['upper(5)', 'upper() expects a string as argument 1, found number at position 6'],
    ['startsWith("a", null)', 'startsWith() expects a string as argument 2, found null at position 16'],
    ['contains(5, 1)', 'contains() expects a string or an array as argument 1, found number'],
    ['contains("abc", 1)', 'contains() expects a string as argument 2, found number'],
    ['replace("abc", "", "x")', 'replace() expects a non-empty search text as argument 2'],
    ['join("abc")', 'join() expects an array as argument 1, found string'],
    ['slice("abc", 1.5)', 'slice() expects an integer as argument 2, found number'],
    ['slice(5, 1)', 'slice() expects a string or an array as argument 1, found number'],
    ['concat([1], "x")', 'concat() expects an array as argument 2 (argument 1 is an array), found string'],
    ['concat("x", [1])', 'concat() expects a string, a number or a boolean as argument 2 (argument 1 is not an array), found array'],
    ['concat(null, "x")', 'concat() expects arrays, or strings, numbers and booleans, found null as argument 1'],
    ['keys([1])', 'keys() expects an object as argument 1, found array'],
    ['fromEntries([["a"]])', 'fromEntries() expects [key, value] pairs with a string or number key, and the element at index 0 is not one'],
    ['sum([1, "2"])', 'sum() expects an array of numbers as argument 1, found string at index 1'],
    ['avg(input)', 'avg() expects an array as argument 1, found object'],
    ['min(1, "2")', 'min() expects an array of numbers, or numbers, found string as argument 2'],
    ['round("1")', 'round() expects a number as argument 1, found string'],
    ['round(1, 0.5)', 'round() expects an integer as argument 2, found number'],
    ['number("12abc")', 'number() can\'t read the string "12abc" as a number'],
    ['number("")', 'number() can\'t read the string "" as a number'],
    ['number(null)', 'number() expects a number, a numeric string or a boolean as argument 1, found null'],
    ['map(input.missing, x => x)', 'map() expects an array as argument 1, found undefined'],
    ['sort([1, "a"])', 'sort() can only order elements that are all numbers or all strings, found number and string'],
    ['sort([{ a: 1 }], x => x)', 'sort() can only order keys that are all numbers or all strings, found object and object'],
  ])('%s fails: %s', (source, message) => {
    const error = errorOf(source);
    expect(error.code).toBe('EXPRESSION_EVALUATION');
    expect(error.message).toContain(message);
  });

  it('writes cycles as an error rather than a TypeError', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(errorOf('json(input)', { input: cyclic }).message).toMatch(/^json\(\) Can't write the value as JSON: .*circular/i);
    expect(errorOf('"x" + input', { input: cyclic }).code).toBe('EXPRESSION_EVALUATION');
  });
});

describe('lambdas', () => {
  it('receive the element and its index', () => {
    expect(run('map(["a", "b"], (x, i) => x + i)')).toEqual(['a0', 'b1']);
    expect(run('filter([5, 6, 7], (x, i) => i != 1)')).toEqual([5, 7]);
  });

  it('read outer parameters and the scope, and may hide a scope root', () => {
    const input = { groups: [{ name: 'g1', items: [1, 2] }, { name: 'g2', items: [3] }], suffix: '!' };
    expect(run('map(input.groups, g => map(g.items, i => g.name + "/" + i + input.suffix))', { input })).toEqual([['g1/1!', 'g1/2!'], ['g2/3!']]);
    expect(run('map([1, 2], item => item * 10 + index)', { index: 5 })).toEqual([15, 25]);
    expect(run('map(input, input => input * 2)', { input: [1, 2] })).toEqual([2, 4]);
  });

  it('keep each evaluation independent', () => {
    const pairs = compileExpression('map(input, x => map(input, y => [x, y]))');
    expect(pairs(scope({ input: [1, 2] }))).toEqual([[[1, 1], [1, 2]], [[2, 1], [2, 2]]]);
    expect(pairs(scope({ input: ['a'] }))).toEqual([[['a', 'a']]]);
  });

  it('report errors at the position inside the lambda body', () => {
    const error = errorOf('map(input, x => x * 2)', { input: [1, 'two'] });
    expect(error.position).toBe(18);
    expect(error.message).toMatchInlineSnapshot(`"Operator "*" expects numbers, found string and number at position 18 in expression "map(input, x => x * 2)""`);
  });
});

describe('evaluation errors', () => {
  it('are ExpressionErrors with code EXPRESSION_EVALUATION, the source and the position', () => {
    const error = errorOf('input.total - input.fee', order);
    expect(error).toBeInstanceOf(ExpressionError);
    expect(error.code).toBe('EXPRESSION_EVALUATION');
    expect(error.source).toBe('input.total - input.fee');
    expect(error.position).toBe(12);
    expect(errorOf('len(input.lines) + upper(input.total)', order).message).toMatchInlineSnapshot(`"upper() expects a string as argument 1, found number at position 25 in expression "len(input.lines) + upper(input.total)""`);
  });

  it('match the examples of docs/expressions.md', () => {
    expect(() => compileExpression('order.total')).toThrow(
      'Unknown name "order"; an expression can read input, steps, context, event, item, index at position 0 in expression "order.total"',
    );
    expect(() => compileExpression('len(input.lines]')).toThrow('Expected ")" but found "]" at position 15 in expression "len(input.lines]"');
    expect(errorOf('input.total - input.fee', { input: { total: 'x', fee: 1 } }).message).toBe(
      'Operator "-" expects numbers, found string and number at position 12 in expression "input.total - input.fee"',
    );
    expect(() => compileExpression('round(input.x, 2, 3)')).toThrow(
      'round() takes 1 or 2 arguments (round(number, digits?)) but found more than 2 at position 18 in expression "round(input.x, 2, 3)"',
    );
  });
});

describe('compileExpression and ExpressionCache', () => {
  it('throws syntax errors when compiling, not when evaluating', () => {
    expect(() => compileExpression('input.')).toThrow(expect.objectContaining({ code: 'EXPRESSION_SYNTAX', position: 6 }));
  });

  it('parses once, however often the compiled expression runs', () => {
    const parse = vi.mocked(parseExpression);
    parse.mockClear();
    const big = compileExpression('sum(map(input.lines, l => l.qty * l.price)) > 25');
    const results = Array.from({ length: 100 }, (_, i) => big(scope({ input: { lines: [{ qty: i, price: 1 }] } })));
    expect(results.filter(Boolean)).toHaveLength(74);
    expect(parse).toHaveBeenCalledTimes(1);
  });

  it('returns the same function for the same source, compiled once per cache', () => {
    const parse = vi.mocked(parseExpression);
    parse.mockClear();
    const cache = new ExpressionCache();
    const first = cache.get('steps.charge.amount > 100');
    expect(cache.get('steps.charge.amount > 100')).toBe(first);
    expect(cache.get('input.total')).not.toBe(first);
    expect(cache.size).toBe(2);
    expect(parse).toHaveBeenCalledTimes(2);
    expect(first(scope(order))).toBe(true);
    expect(new ExpressionCache().get('steps.charge.amount > 100')).not.toBe(first);
  });

  it('does not cache syntax errors', () => {
    const cache = new ExpressionCache();
    expect(() => cache.get('1 +')).toThrow(ExpressionError);
    expect(() => cache.get('1 +')).toThrow(ExpressionError);
    expect(cache.size).toBe(0);
  });
});
