// The one error of loading a DSL file: a missing or empty file, a syntax error, code where data is expected.
import { RuntimeCoreError } from '../../errors.js';
import type { SourceLocation } from './locations.js';

export type DslLoadErrorCode = 'FILE_NOT_FOUND' | 'DSL_EMPTY' | 'DSL_SYNTAX' | 'DSL_NOT_DATA' | 'DSL_LOAD';

/** One thing wrong in a file, where it is written. */
export interface DslLoadProblem {
  readonly location: SourceLocation;
  /** The document path of the value it is about (`tasks.charge.input`); `''` is the whole document. Absent for syntax errors. */
  readonly path?: string;
  /** What was found: `a call to z.object()`, or the parser's message. */
  readonly message: string;
}

/**
 * A DSL file that could not be turned into a document. `code` says why: `FILE_NOT_FOUND`, `DSL_EMPTY`,
 * `DSL_SYNTAX` (a TypeScript, JSON or YAML syntax error), `DSL_NOT_DATA` (static loading met code) or `DSL_LOAD`.
 */
export class DslLoadError extends RuntimeCoreError {
  override readonly name = 'DslLoadError';
  declare readonly code: DslLoadErrorCode;
  /** The file, as an absolute path. */
  readonly file: string;
  /** Every problem found, each with its location; empty when the problem is the file itself. */
  readonly problems: readonly DslLoadProblem[];

  constructor(code: DslLoadErrorCode, file: string, message: string, options: { problems?: readonly DslLoadProblem[]; cause?: unknown } = {}) {
    super(code, message, options.cause === undefined ? undefined : { cause: options.cause });
    this.file = file;
    this.problems = options.problems ?? [];
  }
}

/** `orders.dsl.ts:12:9`, with the file as the caller named it. */
export function formatLocation(display: string, location: { readonly line: number; readonly column: number }): string {
  return `${display}:${location.line}:${location.column}`;
}

/** The indented lines under a message's first line, at most `limit` of them. */
export function listLines(lines: readonly string[], limit = 20): string {
  const shown = lines.slice(0, limit).map((line) => `  ${line}`);
  if (lines.length > limit) shown.push(`  … and ${lines.length - limit} more`);
  return shown.join('\n');
}

/** `1 problem`, `3 problems`. */
export function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
