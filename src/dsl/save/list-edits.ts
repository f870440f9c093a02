// Adds and removes the items of a multi-line object or array literal in place, so that the items kept,
// their comments and the layout around them stay as they were.
import type { Node } from 'ts-morph';
import type { PrintPosition } from './printer.js';
import { beginsLine, endOfLineAfter, lineIndent, lineStart, skipTrivia, type TextEdit } from './text-edits.js';

/** Prints one new item (a `key: value` property or an array element) where it is placed. */
export type ItemPrinter = (at: PrintPosition) => string;

/** The structural changes of one literal. */
export interface ListChange {
  /** The items of the literal, in source order. */
  readonly items: readonly Node[];
  /** Per item, whether it stays. */
  readonly keep: readonly boolean[];
  /** New items, after the kept item at that index (-1: before the first kept item), in order. */
  readonly inserts: ReadonlyMap<number, readonly ItemPrinter[]>;
}

/** Whether the items of `list` can be added and removed in place: a literal over several lines that keeps an item. */
export function canEditInPlace(list: Node, change: Pick<ListChange, 'keep'>): boolean {
  const text = list.getSourceFile().getFullText();
  return text.slice(list.getStart(), list.getEnd()).includes('\n') && change.keep.some(Boolean);
}

interface Geometry {
  /** First character of the item's leading comments, or of the item. */
  readonly block: number;
  readonly start: number;
  readonly end: number;
  /** Offset of the comma after the item, if there is one. */
  readonly comma: number | undefined;
  /** After the comma, or after the item. */
  readonly after: number;
  /** After the line break that ends the item's line, when nothing but comments follow it there. */
  readonly lineEnd: number | undefined;
  readonly begins: boolean;
}

/**
 * The edits that make `list` hold the kept items and the new ones. Commas follow the literal's own style
 * (a trailing comma after the last item or not); new items take the indentation of their neighbours.
 * Call only when `canEditInPlace` holds.
 */
export function listEdits(list: Node, change: ListChange, options: { unit: string; newline: string }): TextEdit[] {
  const text = list.getSourceFile().getFullText();
  const { items, keep, inserts } = change;
  const geometry = items.map((item) => measure(text, item));
  const last = geometry[geometry.length - 1];
  const trailing = last?.comma !== undefined;
  const openEnd = list.getStart() + 1;
  const firstStart = endOfLineAfter(text, openEnd) ?? openEnd;
  const segmentStart = (i: number): number => (i === 0 ? firstStart : segmentEnd(i - 1));
  const segmentEnd = (i: number): number => {
    const g = geometry[i] as Geometry;
    return g.lineEnd ?? g.after;
  };

  const listIndent = lineIndent(text, list.getStart());
  const lined = geometry.find((g) => g.begins);
  const indent = lined ? lineIndent(text, lined.start) : listIndent + options.unit;
  const unit = indent.startsWith(listIndent) && indent.length > listIndent.length ? indent.slice(listIndent.length) : options.unit;
  const nl = (s: string) => (options.newline === '\n' ? s : s.replace(/\n/g, options.newline));

  // The final sequence decides the commas: every item but the last has one; the last follows the style.
  type Slot = { kind: 'kept'; index: number } | { kind: 'new'; anchor: number; print: ItemPrinter };
  const slots: Slot[] = [];
  for (const print of inserts.get(-1) ?? []) slots.push({ kind: 'new', anchor: -1, print });
  items.forEach((_, index) => {
    if (!keep[index]) return;
    slots.push({ kind: 'kept', index });
    for (const print of inserts.get(index) ?? []) slots.push({ kind: 'new', anchor: index, print });
  });
  const wantsComma = (slot: number) => slot < slots.length - 1 || trailing;

  const edits: TextEdit[] = [];
  slots.forEach((slot, position) => {
    if (slot.kind !== 'kept') return;
    const g = geometry[slot.index] as Geometry;
    if (wantsComma(position) && g.comma === undefined) edits.push({ start: g.end, end: g.end, text: ',' });
    if (!wantsComma(position) && g.comma !== undefined) edits.push({ start: g.comma, end: g.comma + 1, text: '' });
  });

  // Removed items go in runs, with the lines they filled when they had lines to themselves.
  for (let i = 0; i < items.length; i++) {
    if (keep[i]) continue;
    let j = i;
    while (j + 1 < items.length && !keep[j + 1]) j++;
    const first = geometry[i] as Geometry;
    const final = geometry[j] as Geometry;
    const whole = final.lineEnd !== undefined;
    if (first.begins && whole) edits.push({ start: segmentStart(i), end: segmentEnd(j), text: '' });
    else if (first.begins) edits.push({ start: first.block, end: skipTrivia(text, final.after), text: '' });
    else if (whole) edits.push({ start: segmentStart(i), end: lineBreakBefore(text, final.lineEnd as number), text: '' });
    else edits.push({ start: segmentStart(i), end: final.after, text: '' });
    i = j;
  }

  slots.forEach((slot, position) => {
    if (slot.kind !== 'new') return;
    const comma = wantsComma(position) ? ',' : '';
    if (slot.anchor === -1) {
      const next = geometry[items.findIndex((_, index) => keep[index])] as Geometry;
      if (next.begins) {
        const at = lineStart(text, next.block);
        edits.push({ start: at, end: at, text: nl(`${indent}${slot.print({ indent, unit, column: indent.length, tail: 1 })}${comma}\n`) });
      } else {
        const column = next.block - lineStart(text, next.block);
        const own = lineIndent(text, next.block);
        edits.push({ start: next.block, end: next.block, text: nl(`${slot.print({ indent: own, unit, column, tail: 1 })}${comma} `) });
      }
      return;
    }
    const anchor = geometry[slot.anchor] as Geometry;
    if (anchor.lineEnd !== undefined) {
      const at = anchor.lineEnd;
      const prefix = at === text.length && !text.endsWith('\n') ? '\n' : '';
      edits.push({ start: at, end: at, text: nl(`${prefix}${indent}${slot.print({ indent, unit, column: indent.length, tail: 1 })}${comma}\n`) });
    } else {
      const column = anchor.after - lineStart(text, anchor.after) + 1;
      const own = lineIndent(text, anchor.start);
      edits.push({ start: anchor.after, end: anchor.after, text: nl(` ${slot.print({ indent: own, unit, column, tail: 1 })}${comma}`) });
    }
  });
  return edits;
}

function measure(text: string, item: Node): Geometry {
  const start = item.getStart();
  const end = item.getEnd();
  const block = item.getLeadingCommentRanges()[0]?.getPos() ?? start;
  const next = skipTrivia(text, end);
  const comma = text[next] === ',' ? next : undefined;
  const after = comma === undefined ? end : comma + 1;
  return { block, start, end, comma, after, lineEnd: endOfLineAfter(text, after), begins: beginsLine(text, block) };
}

/** The offset of the line break that ends at `lineEnd` (before a `\r\n` pair), so that it is kept. */
function lineBreakBefore(text: string, lineEnd: number): number {
  if (lineEnd === text.length && !text.endsWith('\n')) return lineEnd;
  return text[lineEnd - 2] === '\r' ? lineEnd - 2 : lineEnd - 1;
}
