/** How a built-in function is called; the parser checks calls against it, docs and messages quote it. */
export interface BuiltinSignature {
  /** The call as a person writes it, e.g. `round(number, digits?)`. */
  readonly usage: string;
  readonly minArgs: number;
  /** `Infinity` for functions that take any number of arguments. */
  readonly maxArgs: number;
  /** 0-based position of the lambda argument (`x => …` or `(x, i) => …`) of a higher-order function. */
  readonly lambdaAt?: number;
  readonly summary: string;
}

const one = (usage: string, summary: string): BuiltinSignature => ({ usage, minArgs: 1, maxArgs: 1, summary });
const fixed = (usage: string, args: number, summary: string): BuiltinSignature => ({ usage, minArgs: args, maxArgs: args, summary });
const variadic = (usage: string, summary: string): BuiltinSignature => ({ usage, minArgs: 1, maxArgs: Infinity, summary });
const higherOrder = (usage: string, minArgs: number, summary: string): BuiltinSignature => ({ usage, minArgs, maxArgs: 2, lambdaAt: 1, summary });

/**
 * The one table of built-in functions. The language has no other callable names, and the evaluator in
 * `machines/expression-functions.ts` implements exactly these keys (a missing one is a type error).
 */
export const BUILTIN_FUNCTIONS = {
  // text
  len: one('len(value)', 'Length of a string or an array, or the number of keys of an object.'),
  lower: one('lower(text)', 'The text in lower case.'),
  upper: one('upper(text)', 'The text in upper case.'),
  trim: one('trim(text)', 'The text without leading and trailing white space.'),
  contains: fixed('contains(textOrArray, part)', 2, 'Whether a string contains a substring, or an array an element (deep equality).'),
  includes: fixed('includes(textOrArray, part)', 2, 'Same as contains.'),
  startsWith: fixed('startsWith(text, prefix)', 2, 'Whether the text starts with the prefix.'),
  endsWith: fixed('endsWith(text, suffix)', 2, 'Whether the text ends with the suffix.'),
  replace: fixed('replace(text, search, replacement)', 3, 'Replaces every occurrence of search (plain text, not a pattern).'),
  split: fixed('split(text, separator)', 2, 'Splits the text at each separator.'),
  join: { usage: 'join(array, separator?)', minArgs: 1, maxArgs: 2, summary: 'Joins the elements as text; the separator defaults to ",".' },
  slice: { usage: 'slice(textOrArray, start, end?)', minArgs: 2, maxArgs: 3, summary: 'Part of a string or an array; negative positions count from the end.' },
  concat: variadic('concat(a, b, ...)', 'Concatenates arrays, or strings (numbers and booleans are written as text).'),
  // objects
  keys: one('keys(object)', 'The own keys of an object.'),
  values: one('values(object)', 'The values of an object.'),
  entries: one('entries(object)', 'The [key, value] pairs of an object.'),
  fromEntries: one('fromEntries(pairs)', 'An object built from [key, value] pairs.'),
  // numbers
  sum: one('sum(numbers)', 'Sum of an array of numbers (0 when empty).'),
  avg: one('avg(numbers)', 'Mean of an array of numbers (undefined when empty).'),
  min: variadic('min(numbers) or min(a, b, ...)', 'Smallest number (undefined when there is none).'),
  max: variadic('max(numbers) or max(a, b, ...)', 'Largest number (undefined when there is none).'),
  round: { usage: 'round(number, digits?)', minArgs: 1, maxArgs: 2, summary: 'Rounds half away from zero to the given decimal digits (default 0).' },
  floor: one('floor(number)', 'Largest integer less than or equal to the number.'),
  ceil: one('ceil(number)', 'Smallest integer greater than or equal to the number.'),
  abs: one('abs(number)', 'Absolute value.'),
  // conversions and tests
  number: one('number(value)', 'A number from a number, a numeric string or a boolean; anything else is an error.'),
  string: one('string(value)', 'The value as text: strings as they are, arrays and objects as JSON.'),
  boolean: one('boolean(value)', 'Truthiness of the value, as in JavaScript.'),
  exists: one('exists(value)', 'Whether the value is neither null nor undefined.'),
  isArray: one('isArray(value)', 'Whether the value is an array.'),
  json: one('json(value)', 'The value as a JSON string (undefined is written "null").'),
  coalesce: variadic('coalesce(a, b, ...)', 'The first argument that is neither null nor undefined.'),
  // arrays; lambdas receive (element, index)
  map: higherOrder('map(array, x => ...)', 2, 'The results of the lambda for each element.'),
  filter: higherOrder('filter(array, x => ...)', 2, 'The elements for which the lambda is truthy.'),
  find: higherOrder('find(array, x => ...)', 2, 'The first element for which the lambda is truthy, or undefined.'),
  some: higherOrder('some(array, x => ...)', 2, 'Whether the lambda is truthy for at least one element.'),
  every: higherOrder('every(array, x => ...)', 2, 'Whether the lambda is truthy for every element (true when empty).'),
  count: higherOrder('count(array, x => ...?)', 1, 'Number of elements, or of elements for which the lambda is truthy.'),
  sort: higherOrder('sort(array, x => key?)', 1, 'A sorted copy: numbers or strings ascending, by the key lambda when given.'),
  reverse: one('reverse(array)', 'A reversed copy of the array.'),
  unique: one('unique(array)', 'The array without repeated elements (deep equality), first occurrences kept.'),
} as const satisfies Record<string, BuiltinSignature>;

/** The name of a built-in function. */
export type BuiltinName = keyof typeof BUILTIN_FUNCTIONS;

/** The built-in names, in table order. */
export const BUILTIN_NAMES = Object.keys(BUILTIN_FUNCTIONS) as BuiltinName[];

/** Whether `name` is a built-in function (own keys only: `toString` is not one). */
export function isBuiltinName(name: string): name is BuiltinName {
  return Object.hasOwn(BUILTIN_FUNCTIONS, name);
}
