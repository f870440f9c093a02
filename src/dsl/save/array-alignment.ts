// Which items of an array in the file and of the same array in the document are the same item.
import { isReadRecord, sameValue } from './same-value.js';

/**
 * Pairs `[readIndex, nextIndex]` of the items that are one item before and after, in increasing order of both.
 * Items are matched by `id` when every item on both sides has a distinct one (flow steps), else by equality;
 * between two matches, the remaining items are paired in order, so that an edited item is patched, not replaced.
 */
export function alignItems(read: readonly unknown[], next: readonly unknown[]): [number, number][] {
  const readIds = ids(read);
  const nextIds = ids(next);
  const byId = readIds !== undefined && nextIds !== undefined;
  const match = byId ? (i: number, j: number) => readIds[i] === nextIds[j] : (i: number, j: number) => sameValue(read[i], next[j]);
  const anchors = longestCommonSubsequence(read.length, next.length, match);
  if (byId) return anchors;
  const pairs: [number, number][] = [];
  let [i, j] = [0, 0];
  for (const [a, b] of [...anchors, [read.length, next.length] as [number, number]]) {
    for (let k = 0; k < Math.min(a - i, b - j); k++) pairs.push([i + k, j + k]);
    if (a < read.length) pairs.push([a, b]);
    [i, j] = [a + 1, b + 1];
  }
  return pairs;
}

function ids(items: readonly unknown[]): string[] | undefined {
  const out = items.map((item) => (isReadRecord(item) && typeof item.id === 'string' ? item.id : undefined));
  return out.every((id) => id !== undefined) && new Set(out).size === out.length ? (out as string[]) : undefined;
}

function longestCommonSubsequence(n: number, m: number, match: (i: number, j: number) => boolean): [number, number][] {
  const table = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  const at = (i: number, j: number) => (table[i] as number[])[j] as number;
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      (table[i] as number[])[j] = match(i, j) ? at(i + 1, j + 1) + 1 : Math.max(at(i + 1, j), at(i, j + 1));
    }
  }
  const pairs: [number, number][] = [];
  let [i, j] = [0, 0];
  while (i < n && j < m) {
    if (match(i, j) && at(i, j) === at(i + 1, j + 1) + 1) pairs.push([i++, j++]);
    else if (at(i + 1, j) >= at(i, j + 1)) i++;
    else j++;
  }
  return pairs;
}
