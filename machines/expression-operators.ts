import type { BinaryOperator, LogicalOperator, UnaryOperator } from '../src/dsl/expression/index.js';
import type { ExpressionScope } from '../src/dsl/schema.js';
import { FORBIDDEN_PROPERTIES } from '../src/dsl/expression/index.js';
import { deepEqual, typeName, toText, type Fail } from './expression-values.js';

/** A compiled node: reads the scope, and the lambda parameters of the current evaluation from `locals`. */
export type Evaluate = (scope: ExpressionScope, locals: unknown[]) => unknown;

type BinaryFactory = (left: Evaluate, right: Evaluate, fail: Fail) => Evaluate;

/** Each operator builds its own closure, so the hot path is one call per operand and no dispatch. */
export const BINARY_OPERATORS: Record<BinaryOperator, BinaryFactory> = {
  '+': (left, right, fail) => (s, l) => {
    const a = left(s, l);
    const b = right(s, l);
    if (typeof a === 'number' && typeof b === 'number') return a + b;
    if (typeof a === 'string' || typeof b === 'string') return toText(a, fail) + toText(b, fail);
    return fail(`Operator "+" expects two numbers, or a string on either side, found ${typeName(a)} and ${typeName(b)}`);
  },
  '-': (left, right, fail) => (s, l) => numbers('-', left(s, l), right(s, l), fail, (a, b) => a - b),
  '*': (left, right, fail) => (s, l) => numbers('*', left(s, l), right(s, l), fail, (a, b) => a * b),
  '**': (left, right, fail) => (s, l) => numbers('**', left(s, l), right(s, l), fail, (a, b) => a ** b),
  '/': (left, right, fail) => (s, l) => numbers('/', left(s, l), right(s, l), fail, (a, b) => (b === 0 ? fail('Division by zero in "/"') : a / b)),
  '%': (left, right, fail) => (s, l) => numbers('%', left(s, l), right(s, l), fail, (a, b) => (b === 0 ? fail('Division by zero in "%"') : a % b)),
  '<': (left, right) => (s, l) => compare(left(s, l), right(s, l), (a, b) => a < b),
  '<=': (left, right) => (s, l) => compare(left(s, l), right(s, l), (a, b) => a <= b),
  '>': (left, right) => (s, l) => compare(left(s, l), right(s, l), (a, b) => a > b),
  '>=': (left, right) => (s, l) => compare(left(s, l), right(s, l), (a, b) => a >= b),
  '=': (left, right) => (s, l) => deepEqual(left(s, l), right(s, l)),
  '==': (left, right) => (s, l) => deepEqual(left(s, l), right(s, l)),
  '===': (left, right) => (s, l) => deepEqual(left(s, l), right(s, l)),
  '!=': (left, right) => (s, l) => !deepEqual(left(s, l), right(s, l)),
  '!==': (left, right) => (s, l) => !deepEqual(left(s, l), right(s, l)),
  in: (left, right, fail) => (s, l) => isIn(left(s, l), right(s, l), fail),
};

function numbers(operator: string, a: unknown, b: unknown, fail: Fail, apply: (a: number, b: number) => number): number {
  if (typeof a === 'number' && typeof b === 'number') return apply(a, b);
  return fail(`Operator "${operator}" expects numbers, found ${typeName(a)} and ${typeName(b)}`);
}

/** Numbers with numbers and strings with strings (by UTF-16 code units, the same everywhere); anything else is false. */
function compare(a: unknown, b: unknown, test: (a: number | string, b: number | string) => boolean): boolean {
  if ((typeof a === 'number' && typeof b === 'number') || (typeof a === 'string' && typeof b === 'string')) return test(a, b);
  return false;
}

/** `key in object` reads own keys; `element in array` compares deeply; `x in null` is false. */
function isIn(needle: unknown, haystack: unknown, fail: Fail): boolean {
  if (haystack === null || haystack === undefined) return false;
  if (Array.isArray(haystack)) return haystack.some((element) => deepEqual(element, needle));
  if (typeof haystack === 'object') {
    if (typeof needle !== 'string' && typeof needle !== 'number') return false;
    const key = String(needle);
    return !FORBIDDEN_PROPERTIES.has(key) && Object.hasOwn(haystack, key);
  }
  const hint = typeof haystack === 'string' ? '; use contains(text, part) for text' : '';
  return fail(`Operator "in" expects an array or an object on the right, found ${typeName(haystack)}${hint}`);
}

type UnaryFactory = (argument: Evaluate, fail: Fail) => Evaluate;

export const UNARY_OPERATORS: Record<UnaryOperator, UnaryFactory> = {
  '!': (argument) => (s, l) => !argument(s, l),
  '-': (argument, fail) => (s, l) => {
    const value = argument(s, l);
    return typeof value === 'number' ? -value : fail(`Operator "-" expects a number, found ${typeName(value)}`);
  },
  '+': (argument, fail) => (s, l) => {
    const value = argument(s, l);
    return typeof value === 'number' ? value : fail(`Operator "+" expects a number, found ${typeName(value)}; use number(x) to convert`);
  },
};

/** JavaScript semantics: the result is one of the operands, and the right one is evaluated only when needed. */
export const LOGICAL_OPERATORS: Record<LogicalOperator, (left: Evaluate, right: Evaluate) => Evaluate> = {
  '&&': (left, right) => (s, l) => left(s, l) && right(s, l),
  '||': (left, right) => (s, l) => left(s, l) || right(s, l),
  '??': (left, right) => (s, l) => left(s, l) ?? right(s, l),
};
