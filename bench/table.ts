// Console tables and the number formats of the report.

export const round2 = (n: number): number => Math.round(n * 100) / 100;
export const int = (n: number | undefined): string => (n !== undefined && Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '–');
/** Two decimals, or two significant digits below 0.1 (runtime-core against plain async is far below 1). */
export const ratio = (n: number | undefined): string => (n === undefined || !Number.isFinite(n) ? '–' : `${n >= 0.1 ? n.toFixed(2) : n.toPrecision(2)}×`);

/** Rows as aligned columns: the first left-aligned, the others right-aligned, a rule under the header row. */
export function table(rows: string[][]): string {
  const widths = (rows[0] ?? []).map((_, c) => Math.max(...rows.map((row) => (row[c] ?? '').length)));
  const line = (row: string[]) => row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0))).join('  ');
  const [head, ...body] = rows;
  return [line(head ?? []), widths.map((w) => '─'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}
