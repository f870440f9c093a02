// Fields that every definition of the older shape may have: names, labels, and fields DSL v1 has no place for.
import { childPath } from '../validate-report.js';
import type { MigrationLog } from './report.js';

/** `description`, else `label`, else `name`; the ones not used are kept. */
export function describe(item: Record<string, unknown>, path: string, log: MigrationLog): string | undefined {
  let description: string | undefined = typeof item.description === 'string' ? item.description : undefined;
  if (item.description !== undefined && description === undefined) log.keep(childPath(path, 'description'), item.description, 'The description is not a string', true);
  for (const field of ['label', 'name'] as const) {
    const value = item[field];
    if (value === undefined) continue;
    if (description === undefined && typeof value === 'string') {
      description = value;
      log.change(childPath(path, field), 'renamed', `${field} is now the description`);
    } else if (value !== description) {
      log.keep(childPath(path, field), value, `${field} is shown nowhere in DSL v1 when there is a description`, false);
    }
  }
  return description;
}

/** Keeps every field not in `known` under metadata.legacy, as not converted: nothing is dropped silently. */
export function keepUnknownFields(item: Record<string, unknown>, known: ReadonlySet<string>, path: string, what: string, log: MigrationLog): void {
  for (const [field, value] of Object.entries(item)) {
    if (!known.has(field)) log.keep(childPath(path, field), value, `${what} field "${field}" has no counterpart in DSL v1`, true);
  }
}
