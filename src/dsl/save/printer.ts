// Prints document values as TypeScript: 2-space indent, single quotes, trailing commas in multi-line
// literals, a literal on one line when it fits. Keys are printed in the order the value holds them.
import { functionSource } from './function-source.js';

/** Where a value is printed. */
export interface PrintPosition {
  /** Indentation of the line the value starts on. */
  readonly indent: string;
  /** Column at which the value starts. */
  readonly column: number;
  /** Characters that follow the value on its line (a `,` is 1). @default 0 */
  readonly tail?: number;
  /** One level of indentation. @default '  ' */
  readonly unit?: string;
}

/** Lines are kept within this many columns where a literal can be broken. */
export const PRINT_WIDTH = 100;

/** The comment written above the export of a document that holds functions. */
export const TRUSTED_COMMENT = '// This document holds functions: load it with loadSystemFromDsl(path, { trusted: true }).';

type Fn = (...args: never[]) => unknown;
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** A whole `.dsl.ts` module for an arranged document (keys already in canonical order). */
export function printModule(doc: Record<string, unknown>): string {
  const body = printMultiline(doc, { indent: '', column: 'export default defineSystem('.length, tail: 2 });
  const warning = containsFunction(doc) ? `${TRUSTED_COMMENT}\n` : '';
  return `import { defineSystem } from 'runtime-core';\n\n${warning}export default defineSystem(${body});\n`;
}

/** A value as TypeScript source, on one line when it fits, else broken over lines indented from `at.indent`. */
export function printValue(value: unknown, at: PrintPosition): string {
  if (typeof value === 'function') return printFunction(value as Fn, at.indent, at.unit ?? '  ');
  if (typeof value !== 'object' || value === null) return printScalar(value);
  const budget = PRINT_WIDTH - at.column - (at.tail ?? 0);
  const flat = printFlat(value, budget);
  return flat ?? printMultiline(value, at);
}

/** An object key: bare when it is an identifier, quoted otherwise. */
export function printKey(key: string): string {
  // A quoted '__proto__' is a plain key to the static loader (running the file would make it a prototype).
  return IDENTIFIER.test(key) && key !== '__proto__' ? key : printString(key);
}

/** `key: value` as an object property starting at `at`. */
export function printProperty(key: string, value: unknown, at: PrintPosition): string {
  const head = `${printKey(key)}: `;
  return head + printValue(value, { ...at, column: at.column + head.length });
}

/** A string literal in single quotes. */
export function printString(value: string): string {
  let out = "'";
  for (const char of value) {
    const code = char.codePointAt(0) ?? 0;
    if (char === "'") out += "\\'";
    else if (char === '\\') out += '\\\\';
    else if (char === '\n') out += '\\n';
    else if (char === '\r') out += '\\r';
    else if (char === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f || code === 0x2028 || code === 0x2029 || (code >= 0xd800 && code <= 0xdfff)) {
      out += `\\u${code.toString(16).padStart(4, '0')}`;
    } else out += char;
  }
  return `${out}'`;
}

/** Whether a value holds a function anywhere: such a document loads only when trusted. */
export function containsFunction(value: unknown): boolean {
  if (typeof value === 'function') return true;
  if (typeof value !== 'object' || value === null) return false;
  return (Array.isArray(value) ? value : Object.values(value)).some(containsFunction);
}

function printScalar(value: unknown): string {
  if (typeof value === 'string') return printString(value);
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (value === undefined) return 'undefined';
  return String(value);
}

/** The one-line form, or undefined when it is longer than `budget` or cannot be on one line. */
function printFlat(value: unknown, budget: number): string | undefined {
  if (budget < 0) return undefined;
  let text: string | undefined;
  if (typeof value === 'function') {
    const source = functionSource(value as Fn);
    text = source.text.includes('\n') ? undefined : source.text;
  } else if (Array.isArray(value)) {
    text = join('[', value.map((item) => () => printFlat(item, budget)), ']', budget);
  } else if (isObject(value)) {
    const entries = Object.entries(value);
    text =
      entries.length === 0
        ? '{}'
        : join('{ ', entries.map(([key, item]) => () => {
            const head = `${printKey(key)}: `;
            const rest = printFlat(item, budget - head.length);
            return rest === undefined ? undefined : head + rest;
          }), ' }', budget);
  } else text = printScalar(value);
  return text !== undefined && text.length <= budget ? text : undefined;
}

function join(open: string, parts: (() => string | undefined)[], close: string, budget: number): string | undefined {
  let text = open;
  for (const [index, part] of parts.entries()) {
    const printed = part();
    if (printed === undefined) return undefined;
    text += (index === 0 ? '' : ', ') + printed;
    if (text.length > budget) return undefined;
  }
  return text + close;
}

function printMultiline(value: object, at: PrintPosition): string {
  const unit = at.unit ?? '  ';
  const inner = at.indent + unit;
  const child = { indent: inner, unit, tail: 1 };
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    const lines = value.map((item: unknown) => `${inner}${printValue(item, { ...child, column: inner.length })},`);
    return `[\n${lines.join('\n')}\n${at.indent}]`;
  }
  const entries = Object.entries(value);
  if (entries.length === 0) return '{}';
  const lines = entries.map(([key, item]) => `${inner}${printProperty(key, item, { ...child, column: inner.length })},`);
  return `{\n${lines.join('\n')}\n${at.indent}}`;
}

/** A function's source, its continuation lines re-indented under the line it starts on. */
function printFunction(fn: Fn, indent: string, unit: string): string {
  const { text, reindentable } = functionSource(fn);
  const lines = text.split('\n');
  if (lines.length === 1 || !reindentable) return text;
  // Leading tabs become indentation units, so that the body lines up with the rest of the file.
  const rest = lines.slice(1).map((line) => line.replace(/^[ \t]+/, (lead) => lead.replace(/\t/g, unit)));
  const margin = Math.min(...rest.filter((line) => line.trim() !== '').map((line) => line.length - line.trimStart().length));
  return [lines[0], ...rest.map((line) => (line.trim() === '' ? '' : indent + line.slice(margin)))].join('\n');
}
