// How validation issues are located and worded: paths a person can follow, known names, "did you mean".

const PLAIN_KEY = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `base` followed by a key: `.name` when it reads as an identifier, `["order.paid"]` otherwise, `[2]` for an index. */
export function childPath(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`;
  if (PLAIN_KEY.test(key)) return base === '' ? key : `${base}.${key}`;
  return `${base}[${JSON.stringify(key)}]`;
}

/** A path from its segments: `['flows', 'checkout', 'steps', 2, 'task']` → `flows.checkout.steps[2].task`. */
export function formatPath(segments: readonly PropertyKey[]): string {
  return segments.reduce<string>((path, key) => childPath(path, typeof key === 'symbol' ? String(key) : key), '');
}

/** The value at `segments` inside `root`, or undefined when the path leads nowhere. */
export function valueAt(root: unknown, segments: readonly PropertyKey[]): unknown {
  let value = root;
  for (const key of segments) {
    if (value === null || typeof value !== 'object' || !Object.prototype.hasOwnProperty.call(value, key)) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/** What a value is, for "received …": `"5 min"`, `5`, `an object`. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** `known tasks: a, b, c` or `there are no tasks`, listing at most 20 names. */
export function knownNames(kind: string, names: readonly string[]): string {
  if (names.length === 0) return `there are no ${kind}`;
  const shown = names.slice(0, 20).join(', ');
  return `known ${kind}: ${shown}${names.length > 20 ? `, … (${names.length - 20} more)` : ''}`;
}

/** ` (did you mean "guard"?)` when candidates are likely typos of `name` (the closest, up to three), else ''. */
export function didYouMean(name: string, candidates: Iterable<string>): string {
  const lower = name.toLowerCase();
  let best: string[] = [];
  let bestDistance = Math.max(1, Math.ceil(name.length / 3)) + 1;
  for (const candidate of candidates) {
    const distance = candidate.toLowerCase() === lower ? 0 : editDistance(lower, candidate.toLowerCase());
    if (distance < bestDistance) [best, bestDistance] = [[candidate], distance];
    else if (distance === bestDistance && best.length > 0) best.push(candidate);
  }
  if (best.length === 0) return '';
  return ` (did you mean ${best.slice(0, 3).map((c) => `"${c}"`).join(' or ')}?)`;
}

/** Edit distance counting a swap of two neighbours as one edit (`gaurd` → `guard`), as typos go. */
function editDistance(a: string, b: string): number {
  const rows: number[][] = [Array.from({ length: b.length + 1 }, (_, j) => j)];
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min((rows[i - 1]?.[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (rows[i - 1]?.[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, (rows[i - 2]?.[j - 2] ?? 0) + 1);
      row.push(best);
    }
    rows.push(row);
  }
  return rows[a.length]?.[b.length] ?? 0;
}
