import { PersistenceError, UsageError, type SerializedError } from '../errors.js';
import { failedFailure } from '../failure.js';
import type { InstancePage, InstanceRecord, InstanceStatus, InstanceSummary, ListInstancesQuery, SaveRequest, UnreadableInstance } from './store.js';

// Rules every store shares (paging, limits, version checks, JSON), so memory, SQLite and PostgreSQL agree.

/** Page size of `list` when the query gives none. */
export const DEFAULT_LIST_LIMIT = 100;
/** Largest page `list` returns; a larger `limit` is lowered to it. */
export const MAX_LIST_LIMIT = 1000;
/** Statuses `loadUnfinished` returns. */
export const UNFINISHED_STATUSES: readonly InstanceStatus[] = ['running', 'needs-migration'];

/** Where a `list` page ends: the last instance's `updatedAt` and id (order: `updatedAt` desc, then id asc). */
export interface ListPosition {
  updatedAt: number;
  instanceId: string;
}

/** An opaque cursor: base64url of the JSON `[updatedAt, instanceId]`. */
export function encodeListCursor(position: ListPosition): string {
  return Buffer.from(JSON.stringify([position.updatedAt, position.instanceId]), 'utf8').toString('base64url');
}

/** Reads a cursor made by `encodeListCursor`; throws `UsageError` (`INVALID_ARGUMENT`) for anything else. */
export function decodeListCursor(cursor: string): ListPosition {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (Array.isArray(parsed) && parsed.length === 2 && Number.isSafeInteger(parsed[0]) && typeof parsed[1] === 'string') {
    return { updatedAt: parsed[0] as number, instanceId: parsed[1] };
  }
  throw new UsageError(`Invalid list cursor ${JSON.stringify(cursor)}: pass the nextCursor of a previous page unchanged`, 'INVALID_ARGUMENT');
}

/**
 * The page size a query asks for: `DEFAULT_LIST_LIMIT` when absent, at most `MAX_LIST_LIMIT`.
 * Throws `UsageError` (`INVALID_ARGUMENT`) unless it is a positive integer.
 */
export function resolveListLimit(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_LIST_LIMIT;
  if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`list: limit must be a positive integer, got ${String(limit)}`, 'INVALID_ARGUMENT');
  return Math.min(limit, MAX_LIST_LIMIT);
}

/** The statuses a query filters on, or undefined for all. */
export function listStatuses(status: ListInstancesQuery['status']): readonly InstanceStatus[] | undefined {
  if (status === undefined) return undefined;
  return typeof status === 'string' ? [status] : status;
}

/** Throws `UsageError` (`INVALID_ARGUMENT`) unless `expectedVersion` is a non-negative integer. */
export function checkExpectedVersion(request: SaveRequest): void {
  const { expectedVersion } = request;
  if (!Number.isSafeInteger(expectedVersion) || expectedVersion < 0) {
    throw new UsageError(`save "${request.record.instanceId}": expectedVersion must be a non-negative integer, got ${String(expectedVersion)}`, 'INVALID_ARGUMENT');
  }
}

/** Compares strings by Unicode code point, as SQLite's BINARY collation and PostgreSQL's "C" collation order UTF-8. */
export function compareCodePoints(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.codePointAt(i) ?? 0;
    const y = b.codePointAt(i) ?? 0;
    if (x !== y) return x < y ? -1 : 1;
    if (x > 0xffff) i++;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/**
 * JSON text of a value; `undefined` is stored as `null`, as a database column would hold it. A value that is not
 * JSON (a BigInt, a cycle) throws `PersistenceError('STORE_CORRUPT')` naming the instance: it cannot be stored.
 */
export function toJson(value: unknown, what: string, instanceId: string): string {
  try {
    return JSON.stringify(value) ?? 'null';
  } catch (error) {
    // Worded as the runtime words a snapshot it cannot store, so its message is the same whoever reports it.
    const detail = `${what} is not JSON-serialisable: ${error instanceof Error ? error.message : String(error)}`;
    throw new PersistenceError('STORE_CORRUPT', `Instance "${instanceId}": its snapshot cannot be stored: ${detail}`, { instanceId, cause: error });
  }
}

/** An error as `unreadable` reports it. */
export function serializeStoreError(error: unknown): SerializedError {
  if (error instanceof PersistenceError) return { name: error.name, message: error.message, code: error.code };
  if (error instanceof Error) return { name: error.name, message: error.message };
  return failedFailure(String(error));
}

/** `loadUnfinished`'s answer from raw rows: a row that cannot be read goes to `unreadable` by id, never throws. */
export function readUnfinished<Row>(rows: Iterable<Row>, read: (row: Row) => InstanceRecord, idOf: (row: Row) => string): { records: InstanceRecord[]; unreadable: UnreadableInstance[] } {
  const records: InstanceRecord[] = [];
  const unreadable: UnreadableInstance[] = [];
  for (const row of rows) {
    try {
      records.push(read(row));
    } catch (error) {
      unreadable.push({ instanceId: idOf(row), error: serializeStoreError(error) });
    }
  }
  return { records, unreadable };
}

/** A `list` page from the rows of one query that asked for `limit + 1`: the extra row says there is a next page. */
export function pageOf<Row>(rows: readonly Row[], limit: number, summary: (row: Row) => InstanceSummary): InstancePage {
  const instances = rows.slice(0, limit).map(summary);
  const last = instances[instances.length - 1];
  return rows.length > limit && last !== undefined ? { instances, nextCursor: encodeListCursor({ updatedAt: last.updatedAt, instanceId: last.instanceId }) } : { instances };
}
