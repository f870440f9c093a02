import { FORBIDDEN_PROPERTIES } from '../src/dsl/expression/index.js';

// How expressions see values: null-safe own-property reads, deep equality of JSON values, text conversion.

/** Throws an EXPRESSION_EVALUATION error positioned where the failing construct is written. */
export type Fail = (detail: string) => never;

/** The type of a value as messages name it: `null`, `array`, `object`, `string`, `number`, … */
export function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** An object that is not an array (a JSON object, or any object whose own properties are data). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads an own property; anything else (inherited members, reads from null or undefined, from numbers
 * or functions) is undefined. Strings expose `length` and their characters by index.
 */
export function readProperty(target: unknown, key: string): unknown {
  if (typeof target === 'object' && target !== null) {
    return Object.hasOwn(target, key) ? (target as Record<string, unknown>)[key] : undefined;
  }
  if (typeof target === 'string') return Object.hasOwn(Object(target), key) ? (target as unknown as Record<string, unknown>)[key] : undefined;
  return undefined;
}

/** `target[key]` with a computed key: strings and numbers only, and never `__proto__`, `constructor`, `prototype`. */
export function readComputed(target: unknown, key: unknown): unknown {
  if (typeof key === 'number') return readProperty(target, String(key));
  if (typeof key !== 'string' || FORBIDDEN_PROPERTIES.has(key)) return undefined;
  return readProperty(target, key);
}

/** Sets a property without ever touching a prototype, even for the key `__proto__` (from parsed JSON). */
export function setProperty(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/** Strict equality, deep for arrays and plain objects; a key whose value is undefined counts as absent, as in JSON. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b) || !isPlainObject(a) || !isPlainObject(b)) return false;
  const keysA = definedKeys(a);
  const keysB = definedKeys(b);
  if (keysA.length !== keysB.length) return false;
  for (const key of keysA) {
    if (!Object.hasOwn(b, key) || !deepEqual(a[key], b[key])) return false;
  }
  return true;
}

function isPlainObject(value: object): value is Record<string, unknown> {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function definedKeys(value: Record<string, unknown>): string[] {
  return Object.keys(value).filter((key) => value[key] !== undefined);
}

/** Text for `+` and `string()`: strings as they are, primitives as JavaScript writes them, arrays and objects as JSON. */
export function toText(value: unknown, fail: Fail): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null) return toJson(value, fail);
  return String(value);
}

/** JSON text; `undefined` is written `null`. Cycles and BigInts fail with a message instead of a TypeError. */
export function toJson(value: unknown, fail: Fail): string {
  try {
    return JSON.stringify(value ?? null) ?? 'null';
  } catch (error) {
    return fail(`Can't write the value as JSON: ${(error as Error).message}`);
  }
}
