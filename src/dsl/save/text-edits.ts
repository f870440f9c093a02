// Text edits on a source file, and the small facts about lines that placing them needs.

/** Replace `[start, end)` with `text`; an insertion has `start === end`. */
export interface TextEdit {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/** Applies edits that do not overlap; insertions at one offset keep the order they were given in. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = edits
    .map((edit, order) => ({ edit, order }))
    .sort((a, b) => a.edit.start - b.edit.start || a.edit.end - a.edit.start - (b.edit.end - b.edit.start) || a.order - b.order)
    .map(({ edit }) => edit);
  let out = '';
  let cursor = 0;
  for (const edit of sorted) {
    if (edit.start < cursor) throw new Error(`overlapping edits at offset ${edit.start}`);
    out += text.slice(cursor, edit.start) + edit.text;
    cursor = edit.end;
  }
  return out + text.slice(cursor);
}

/** Offset of the first character of the line `pos` is on. */
export function lineStart(text: string, pos: number): number {
  return text.lastIndexOf('\n', pos - 1) + 1;
}

/** The whitespace that starts the line `pos` is on. */
export function lineIndent(text: string, pos: number): string {
  const start = lineStart(text, pos);
  return /^[ \t]*/.exec(text.slice(start, pos))?.[0] ?? '';
}

/** Whether only spaces and tabs come between the start of its line and `pos`. */
export function beginsLine(text: string, pos: number): boolean {
  return /^[ \t]*$/.test(text.slice(lineStart(text, pos), pos));
}

/** The offset after the whitespace and comments that follow `pos` (across lines). */
export function skipTrivia(text: string, pos: number): number {
  let p = pos;
  for (;;) {
    while (p < text.length && /\s/.test(text[p] as string)) p++;
    if (text.startsWith('//', p)) {
      const end = text.indexOf('\n', p);
      p = end === -1 ? text.length : end;
    } else if (text.startsWith('/*', p)) {
      const end = text.indexOf('*/', p + 2);
      p = end === -1 ? text.length : end + 2;
    } else return p;
  }
}

/**
 * When only spaces, tabs and comments follow `pos` on its line, the offset just after that line's break
 * (or the end of the text); otherwise undefined.
 */
export function endOfLineAfter(text: string, pos: number): number | undefined {
  let p = pos;
  for (;;) {
    while (p < text.length && (text[p] === ' ' || text[p] === '\t' || text[p] === '\r')) p++;
    if (p >= text.length) return text.length;
    if (text[p] === '\n') return p + 1;
    if (text.startsWith('//', p)) {
      const end = text.indexOf('\n', p);
      return end === -1 ? text.length : end + 1;
    }
    if (text.startsWith('/*', p)) {
      const end = text.indexOf('*/', p + 2);
      if (end === -1 || text.slice(p, end).includes('\n')) return undefined;
      p = end + 2;
      continue;
    }
    return undefined;
  }
}
