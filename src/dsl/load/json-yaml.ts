// JSON and YAML files: parsed with the yaml package (JSON is YAML), whose node ranges give every value's location.
import { isAlias, isMap, isNode, isScalar, isSeq, LineCounter, parseDocument, type Document, type YAMLError } from 'yaml';
import { childPath } from '../validate-report.js';
import type { DslFile } from './dsl-file.js';
import { findJsonSyntaxError, lineColumnAt } from './json-syntax.js';
import { count, DslLoadError, formatLocation, listLines, type DslLoadProblem } from './load-error.js';
import type { LocatedDocument, PositionMap } from './locations.js';

/** Reads a `.json` file. Strict JSON: a trailing comma, a comment or a duplicate key is a DSL_SYNTAX error. */
export function readJsonFile(source: DslFile): LocatedDocument {
  const error = findJsonSyntaxError(source.text);
  if (error) {
    const at = lineColumnAt(source.text, error.offset);
    throw syntaxError(source, 'JSON', [{ location: { file: source.file, ...at }, message: error.message }]);
  }
  // The strict check passed, so JSON.parse gives the value with JSON's own semantics.
  const value: unknown = JSON.parse(source.text);
  const lineCounter = new LineCounter();
  const document = parseDocument(source.text, { lineCounter, prettyErrors: false, uniqueKeys: false });
  return { value, positions: positionsOf(document, lineCounter) };
}

/** Reads a `.yaml` or `.yml` file holding one YAML document. */
export function readYamlFile(source: DslFile): LocatedDocument {
  const lineCounter = new LineCounter();
  const document = parseDocument(source.text, { lineCounter, prettyErrors: false });
  if (document.errors.length > 0) {
    const problems = document.errors.map((error) => yamlProblem(source, error, lineCounter));
    throw syntaxError(source, 'YAML', problems);
  }
  if (document.contents === null) {
    throw new DslLoadError('DSL_EMPTY', source.file, `${source.display} holds no document, only comments; expected a YAML mapping such as id: my-system`);
  }
  let value: unknown;
  try {
    value = document.toJS();
  } catch (cause) {
    // yaml refuses documents whose aliases expand too far (a "billion laughs" document).
    throw new DslLoadError('DSL_LOAD', source.file, `Cannot read ${source.display}: ${(cause as Error).message}`, { cause });
  }
  return { value, positions: positionsOf(document, lineCounter) };
}

function yamlProblem(source: DslFile, error: YAMLError, lineCounter: LineCounter): DslLoadProblem {
  const { line, col } = lineCounter.linePos(error.pos[0]);
  const message = error.code === 'MULTIPLE_DOCS' ? 'A DSL file holds one YAML document; a second one starts here' : error.message;
  return { location: { file: source.file, line, column: col }, message };
}

function syntaxError(source: DslFile, language: string, problems: readonly DslLoadProblem[]): DslLoadError {
  const lines = problems.map((p) => `${formatLocation(source.display, p.location)} ${p.message}`);
  const message = `${source.display} is not valid ${language} (${count(problems.length, 'syntax error')}):\n${listLines(lines)}`;
  return new DslLoadError('DSL_SYNTAX', source.file, message, { problems });
}

/** The position of the document (`''`), of each pair at its key and of each sequence item at its start. */
function positionsOf(document: Document, lineCounter: LineCounter): PositionMap {
  const positions: PositionMap = new Map();
  const mark = (path: string, offset: number | undefined) => {
    if (offset === undefined) return;
    const { line, col } = lineCounter.linePos(offset);
    positions.set(path, { line, column: col });
  };
  const ancestors = new Set<unknown>();
  const visit = (node: unknown, path: string): void => {
    // An alias's children are written at its anchor; an alias of an ancestor would never end.
    const target = isAlias(node) ? node.resolve(document) : node;
    if (ancestors.has(target)) return;
    ancestors.add(target);
    if (isMap(target)) {
      for (const pair of target.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : typeof pair.key === 'string' ? pair.key : undefined;
        if (key === undefined) continue;
        const at = childPath(path, key);
        mark(at, isNode(pair.key) ? pair.key.range?.[0] : undefined);
        visit(pair.value, at);
      }
    } else if (isSeq(target)) {
      target.items.forEach((item, index) => {
        const at = childPath(path, index);
        mark(at, isNode(item) ? item.range?.[0] : undefined);
        visit(item, at);
      });
    }
    ancestors.delete(target);
  };
  mark('', isNode(document.contents) ? document.contents.range?.[0] : undefined);
  visit(document.contents, '');
  return positions;
}
