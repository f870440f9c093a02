import type { BuiltinName } from '../src/dsl/expression/index.js';
import { ExpressionError } from '../src/errors.js';
import { isRecord, typeName } from './expression-values.js';

/** A lambda argument, as a built-in receives it: called with an element and its index. */
export type Lambda = (value: unknown, index: number) => unknown;

/** A built-in: its evaluated arguments (lambdas as functions) and the call site, to check them and to fail. */
export type BuiltinImplementation = (args: readonly unknown[], site: CallSite) => unknown;

/**
 * Where a built-in is called. Its typed argument readers fail with the function's name, the position of
 * the argument, what was expected and what was found: `len() expects a string, an array or an object as
 * argument 1, found undefined`.
 */
export class CallSite {
  constructor(
    readonly name: BuiltinName,
    private readonly source: string,
    private readonly start: number,
    private readonly argumentStarts: readonly number[],
  ) {}

  /** Fails at the given argument (0-based), or at the call. */
  fail(detail: string, argument?: number): never {
    const position = argument === undefined ? this.start : (this.argumentStarts[argument] ?? this.start);
    throw new ExpressionError('EXPRESSION_EVALUATION', this.source, position, `${this.name}() ${detail}`);
  }

  reject(args: readonly unknown[], index: number, expected: string): never {
    return this.fail(`expects ${expected} as argument ${index + 1}, found ${typeName(args[index])}`, index);
  }

  string(args: readonly unknown[], index: number): string {
    const value = args[index];
    return typeof value === 'string' ? value : this.reject(args, index, 'a string');
  }

  number(args: readonly unknown[], index: number): number {
    const value = args[index];
    return typeof value === 'number' ? value : this.reject(args, index, 'a number');
  }

  integer(args: readonly unknown[], index: number): number {
    const value = args[index];
    return typeof value === 'number' && Number.isInteger(value) ? value : this.reject(args, index, 'an integer');
  }

  array(args: readonly unknown[], index: number): readonly unknown[] {
    const value = args[index];
    return Array.isArray(value) ? value : this.reject(args, index, 'an array');
  }

  /** An array whose elements are all numbers. */
  numbers(args: readonly unknown[], index: number): readonly number[] {
    const values = this.array(args, index);
    const bad = values.findIndex((v) => typeof v !== 'number');
    if (bad >= 0) this.fail(`expects an array of numbers as argument ${index + 1}, found ${typeName(values[bad])} at index ${bad}`, index);
    return values as readonly number[];
  }

  record(args: readonly unknown[], index: number): Record<string, unknown> {
    const value = args[index];
    return isRecord(value) ? value : this.reject(args, index, 'an object');
  }

  /** The lambda argument; the parser guarantees it is one. */
  lambda(args: readonly unknown[], index: number): Lambda {
    return args[index] as Lambda;
  }
}
