// Ids of the older shape made valid DSL v1 ids, and kept unique.
import { IDENTIFIER_PATTERN } from '../schema.js';
import { collectionEntries, isRecord } from './legacy-shape.js';
import type { MigrationLog } from './report.js';

/** `raw` with every character DSL ids don't allow replaced by `_`, and `_` in front when it starts with a digit or `-`. */
export function toIdentifier(raw: string): string {
  if (IDENTIFIER_PATTERN.test(raw)) return raw;
  const id = raw.replace(/[^A-Za-z0-9_-]/g, '_');
  return /^[A-Za-z_]/.test(id) ? id : `_${id}`;
}

/** Hands out ids that no one else has: `preferred`, else `preferred_2`, `preferred_3`… */
export class IdAllocator {
  private readonly taken: Set<string>;

  constructor(taken: Iterable<string> = []) {
    this.taken = new Set(taken);
  }

  claim(preferred: string): string {
    let id = preferred;
    for (let n = 2; this.taken.has(id); n++) id = `${preferred}_${n}`;
    this.taken.add(id);
    return id;
  }

  has(id: string): boolean {
    return this.taken.has(id);
  }
}

/** One definition of a collection: its key in the input, its DSL v1 id, the item and its path. */
export interface IdentifiedItem {
  readonly key: string;
  readonly id: string;
  readonly item: Record<string, unknown>;
  readonly path: string;
}

/**
 * The definitions of a collection (record or list) with valid, unique DSL ids, and a lookup from every name
 * the input may use for them (the record key and the item's own `id`) to the new id.
 */
export function identifyCollection(value: unknown, path: string, what: string, log: MigrationLog): { items: IdentifiedItem[]; ids: Map<string, string> } {
  const items: IdentifiedItem[] = [];
  const ids = new Map<string, string>();
  const allocator = new IdAllocator();
  for (const [key, item, at] of collectionEntries(value, path)) {
    if (!isRecord(item)) {
      log.keep(at, item, `This ${what} is not an object`, true);
      continue;
    }
    const id = allocator.claim(toIdentifier(key));
    if (id !== key) log.change(at, 'renamed', `${what} "${key}" is now "${id}": ids are letters, digits, _ and -, start with a letter or _, and are unique`);
    ids.set(key, id);
    if (typeof item.id === 'string' && !ids.has(item.id)) ids.set(item.id, id);
    items.push({ key, id, item, path: at });
  }
  return { items, ids };
}
