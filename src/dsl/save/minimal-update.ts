// Updates an existing `.dsl.ts` file to hold a new document by rewriting only what changed: a changed
// property's value, a new property (placed where the canonical order puts it), a removed property.
import { Node, Project, ts, type ObjectLiteralExpression, type SourceFile } from 'ts-morph';
import { childPath } from '../validate-report.js';
import { findDocumentLiteral } from './default-export.js';
import { syntaxErrors } from './function-source.js';
import { alignItems } from './array-alignment.js';
import { canEditInPlace, listEdits, type ItemPrinter } from './list-edits.js';
import { propertyName, readLiteral, unwrapExpression } from './literal-reader.js';
import { containsFunction, printProperty, printValue, TRUSTED_COMMENT, type PrintPosition } from './printer.js';
import { isReadRecord, sameValue } from './same-value.js';
import { UnsavableError } from './save-error.js';
import { applyEdits, endOfLineAfter, lineIndent, lineStart, type TextEdit } from './text-edits.js';

/** One rewritten part of a document, by path (`tasks.charge.retry.maxAttempts`). */
export interface DocumentChange {
  readonly path: string;
  readonly kind: 'added' | 'removed' | 'changed';
}

interface Patch {
  readonly text: string;
  readonly edits: TextEdit[];
  /** With the offset they are at, to list them in file order. */
  readonly changes: (DocumentChange & { offset: number })[];
  readonly unit: string;
  readonly newline: string;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The text of `source` changed to hold `doc` (an arranged document), and what was rewritten. Text outside
 * the rewritten values, comments included, is kept byte for byte.
 * @throws UnsavableError when the file does not parse or has no default-export literal.
 */
export function updateDocumentSource(source: string, doc: Record<string, unknown>): { text: string; changes: DocumentChange[] } {
  const file = parse(source);
  const literal = findDocumentLiteral(file);
  const read = readLiteral(literal);
  if (!isReadRecord(read) || !objectIsEditable(literal)) {
    throw new UnsavableError('the exported object uses spreads, computed keys or repeated keys, which the saver cannot update in place');
  }
  const patch: Patch = { text: file.getFullText(), edits: [], changes: [], unit: detectUnit(file, literal), newline: source.includes('\r\n') ? '\r\n' : '\n' };
  if (!patchObject(patch, literal, read, doc, '')) replace(patch, literal, doc, '');
  markTrust(patch, file, literal, containsFunction(doc));
  const changes = [...patch.changes].sort((a, b) => a.offset - b.offset).map(({ path, kind }) => ({ path, kind }));
  return { text: applyEdits(patch.text, patch.edits), changes };
}

let project: Project | undefined;

function parse(source: string): SourceFile {
  // One in-memory project for every update: each parse replaces the one file it holds.
  project ??= new Project({ useInMemoryFileSystem: true });
  const file = project.createSourceFile('/document.ts', source, { overwrite: true });
  const [first] = syntaxErrors(file.compilerNode);
  if (first) {
    const { line, column } = file.getLineAndColumnAtPos(first.start ?? 0);
    const message = ts.flattenDiagnosticMessageText(first.messageText, ' ');
    throw new UnsavableError(`the existing file does not parse (line ${line}, column ${column}: ${message}); it was left as it is`);
  }
  return file;
}

/** Properties all named, once each, with no spreads or accessors: each key maps to one property. */
function objectIsEditable(object: ObjectLiteralExpression): boolean {
  const seen = new Set<string>();
  for (const property of object.getProperties()) {
    const key = propertyName(property);
    if (key === undefined || seen.has(key)) return false;
    seen.add(key);
  }
  return true;
}

/** Patches `object` in place; false when it must be printed anew instead. */
function patchObject(patch: Patch, object: ObjectLiteralExpression, read: Record<string, unknown>, next: Record<string, unknown>, path: string): boolean {
  if (!objectIsEditable(object)) return false;
  const items = object.getProperties();
  const keys = items.map((item) => propertyName(item) as string);
  const keep = keys.map((key) => Object.hasOwn(next, key));
  const inserts = new Map<number, ItemPrinter[]>();
  const added: { key: string; offset: number }[] = [];
  let anchor = -1;
  for (const key of Object.keys(next)) {
    const index = keys.indexOf(key);
    if (index >= 0) {
      anchor = index;
      continue;
    }
    const value = next[key];
    inserts.set(anchor, [...(inserts.get(anchor) ?? []), (at) => printProperty(key, value, at)]);
    added.push({ key, offset: insertionOffset(object, items, anchor) });
  }
  const structural = added.length > 0 || keep.includes(false);
  if (structural && !canEditInPlace(object, { keep })) return false;

  items.forEach((item, index) => {
    const key = keys[index] as string;
    if (!keep[index]) return;
    const at = childPath(path, key);
    if (Node.isPropertyAssignment(item)) {
      const initializer = item.getInitializerOrThrow();
      patchValue(patch, initializer, read[key], next[key], at);
    } else if (!sameValue(read[key], next[key])) {
      // Shorthand (`{ retry }`) and methods: the whole property is rewritten as `key: value`.
      patch.edits.push({ start: item.getStart(), end: item.getEnd(), text: print(patch, item, (p) => printProperty(key, next[key], p)) });
      patch.changes.push({ path: at, kind: 'changed', offset: item.getStart() });
    }
  });
  if (!structural) return true;
  keys.forEach((key, index) => {
    if (!keep[index]) patch.changes.push({ path: childPath(path, key), kind: 'removed', offset: (items[index] as Node).getStart() });
  });
  for (const { key, offset } of added) patch.changes.push({ path: childPath(path, key), kind: 'added', offset });
  patch.edits.push(...listEdits(object, { items, keep, inserts }, patch));
  return true;
}

function patchValue(patch: Patch, node: Node, read: unknown, next: unknown, path: string): void {
  if (sameValue(read, next)) return;
  const inner = unwrapExpression(node);
  if (Node.isObjectLiteralExpression(inner) && isPlainObject(next) && isReadRecord(read)) {
    if (patchObject(patch, inner, read, next, path)) return;
  } else if (Node.isArrayLiteralExpression(inner) && Array.isArray(next) && Array.isArray(read)) {
    if (patchArray(patch, inner, read, next, path)) return;
  }
  replace(patch, inner, next, path);
}

function replace(patch: Patch, node: Node, next: unknown, path: string): void {
  patch.edits.push({ start: node.getStart(), end: node.getEnd(), text: print(patch, node, (at) => printValue(next, at)) });
  patch.changes.push({ path: path || '(root)', kind: 'changed', offset: node.getStart() });
}

/** Prints at the place of `node`, in the file's indentation and line breaks. */
function print(patch: Patch, node: Node, printer: (at: PrintPosition) => string): string {
  const start = node.getStart();
  const text = printer({ indent: lineIndent(patch.text, start), column: start - lineStart(patch.text, start), tail: 1, unit: patch.unit });
  return patch.newline === '\n' ? text : text.replace(/\n/g, patch.newline);
}

/**
 * Patches an array in place: items are matched by `id` when every item has a distinct one (flow steps), else
 * by equality; unmatched items between two matches are patched pairwise, and the rest added or removed.
 */
function patchArray(patch: Patch, array: Node, read: unknown[], next: unknown[], path: string): boolean {
  if (!Node.isArrayLiteralExpression(array)) return false;
  const items = array.getElements();
  if (items.length !== read.length || items.some((item) => Node.isSpreadElement(item) || Node.isOmittedExpression(item))) return false;
  const pairs = alignItems(read, next);
  const keep = read.map((_, i) => pairs.some(([oldIndex]) => oldIndex === i));
  const inserts = new Map<number, ItemPrinter[]>();
  const added: { index: number; offset: number }[] = [];
  let anchor = -1;
  next.forEach((value, newIndex) => {
    const pair = pairs.find(([, n]) => n === newIndex);
    if (pair) {
      anchor = pair[0];
      return;
    }
    inserts.set(anchor, [...(inserts.get(anchor) ?? []), (at) => printValue(value, at)]);
    added.push({ index: newIndex, offset: insertionOffset(array, items, anchor) });
  });
  const structural = added.length > 0 || keep.includes(false);
  if (structural && !canEditInPlace(array, { keep })) return false;
  for (const [oldIndex, newIndex] of pairs) patchValue(patch, items[oldIndex] as Node, read[oldIndex], next[newIndex], childPath(path, newIndex));
  if (!structural) return true;
  keep.forEach((kept, index) => {
    if (!kept) patch.changes.push({ path: childPath(path, index), kind: 'removed', offset: (items[index] as Node).getStart() });
  });
  for (const { index, offset } of added) patch.changes.push({ path: childPath(path, index), kind: 'added', offset });
  patch.edits.push(...listEdits(array, { items, keep, inserts }, patch));
  return true;
}

/** Where a new item after `items[anchor]` goes (-1: the start of the literal), to order the list of changes. */
function insertionOffset(list: Node, items: readonly Node[], anchor: number): number {
  return anchor === -1 ? list.getStart() : (items[anchor] as Node).getEnd();
}

/** One level of indentation, from the document literal's first property. */
function detectUnit(file: SourceFile, literal: ObjectLiteralExpression): string {
  const text = file.getFullText();
  const first = literal.getProperties()[0];
  if (!first) return '  ';
  const outer = lineIndent(text, literal.getStart());
  const inner = lineIndent(text, first.getStart());
  return inner.startsWith(outer) && inner.length > outer.length ? inner.slice(outer.length) : '  ';
}

/** Adds the trusted-loading comment above the export when the document holds functions, and removes it when not. */
function markTrust(patch: Patch, file: SourceFile, literal: Node, holdsFunctions: boolean): void {
  const text = patch.text;
  const at = text.indexOf(TRUSTED_COMMENT);
  if (holdsFunctions && at === -1) {
    const statement =
      file.getExportAssignment((candidate) => !candidate.isExportEquals()) ??
      literal.getFirstAncestor((node) => Node.isStatement(node) && node.getParent() === file) ??
      literal;
    const start = lineStart(text, statement.getStart(true)); // above the export's doc comment, if it has one
    patch.edits.push({ start, end: start, text: `${TRUSTED_COMMENT}${patch.newline}` });
  } else if (!holdsFunctions && at !== -1 && lineStart(text, at) === at) {
    patch.edits.push({ start: at, end: endOfLineAfter(text, at + TRUSTED_COMMENT.length) ?? at + TRUSTED_COMMENT.length, text: '' });
  }
}
