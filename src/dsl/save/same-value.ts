// Equality between what a file holds (read statically) and the document being saved.
import { sameFunctionText } from './function-equality.js';
import { functionSource } from './function-source.js';
import { FunctionText, OpaqueValue } from './read-values.js';

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof OpaqueValue) && !(value instanceof FunctionText);
const definedKeys = (value: Record<string, unknown>) => Object.keys(value).filter((key) => value[key] !== undefined);

/**
 * Whether `read` (a value read from the file) stands for `next` (a value of the document). Key order does not
 * matter; a function matches the same function however it is formatted or transpiled; what could not be read
 * matches nothing.
 */
export function sameValue(read: unknown, next: unknown): boolean {
  if (read instanceof OpaqueValue) return false;
  if (typeof next === 'function') {
    return read instanceof FunctionText && sameFunctionText(read.text, functionSource(next as (...args: never[]) => unknown).text);
  }
  if (read instanceof FunctionText) return false;
  if (Array.isArray(next)) return Array.isArray(read) && read.length === next.length && next.every((item, i) => sameValue(read[i], item));
  if (isRecord(next)) {
    if (!isRecord(read)) return false;
    const keys = definedKeys(next);
    const readKeys = definedKeys(read);
    return keys.length === readKeys.length && keys.every((key) => Object.hasOwn(read, key) && sameValue(read[key], next[key]));
  }
  return Object.is(read, next);
}

export { isRecord as isReadRecord };
