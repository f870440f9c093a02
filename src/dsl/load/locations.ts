// Where each property and array element of a loaded document is written, looked up by validation path.
import { formatPath } from '../validate-report.js';

/** A place in a file: 1-based line and column. */
export interface SourceLocation {
  /** The file, as an absolute path. */
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/** A line and column (1-based) in a file that is known from context. */
export interface SourcePosition {
  readonly line: number;
  readonly column: number;
}

/** The source locations of a loaded document. */
export interface SourceLocations {
  /** The file, as an absolute path. */
  readonly file: string;
  /**
   * Where the node at `path` is written (`flows.checkout.steps[2].task`, the path syntax of validation issues):
   * a property at its key, an array element at its start, `''` at the document itself. A path that is not in the
   * file (a missing field, a value computed by code) gets its nearest enclosing node. Undefined when nothing is known.
   */
  locate(path: string): SourceLocation | undefined;
}

/** Positions by document path, filled while a reader walks the file. */
export type PositionMap = Map<string, SourcePosition>;

/** A document read from a file, before validation, with the position of each of its nodes. */
export interface LocatedDocument {
  readonly value: unknown;
  readonly positions: PositionMap;
}

/** Locations over `positions`; with no positions, `locate` always answers undefined. */
export function createSourceLocations(file: string, positions: PositionMap = new Map()): SourceLocations {
  return {
    file,
    locate(path) {
      for (const candidate of enclosingPaths(path)) {
        const position = positions.get(candidate);
        if (position) return { file, line: position.line, column: position.column };
      }
      return undefined;
    },
  };
}

// `.name` (or a leading `name`), `[2]`, `["order.paid"]`: the three forms `childPath` writes.
const SEGMENT = /(?:^|\.)([A-Za-z_$][A-Za-z0-9_$]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/y;

/** The segments of a validation path, or undefined when it is not one that `childPath` writes. */
export function parsePath(path: string): (string | number)[] | undefined {
  const segments: (string | number)[] = [];
  SEGMENT.lastIndex = 0;
  while (SEGMENT.lastIndex < path.length) {
    const match = SEGMENT.exec(path);
    if (!match) return undefined;
    const [, name, index, quoted] = match;
    segments.push(name ?? (index === undefined ? (JSON.parse(quoted ?? '""') as string) : Number(index)));
  }
  return segments;
}

/** `path`, then each enclosing path out to the document (`''`). */
function enclosingPaths(path: string): string[] {
  const segments = parsePath(path);
  if (!segments) return [path, ''];
  return segments.map((_, i) => formatPath(segments.slice(0, segments.length - i))).concat('');
}
