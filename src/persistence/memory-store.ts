import { ConcurrencyConflictError, PersistenceError, type SerializedError } from '../errors.js';
import {
  FINISHED_STATUSES,
  type HistoryEntry,
  type InstanceKind,
  type InstancePage,
  type InstanceRecord,
  type InstanceStatus,
  type InstanceSummary,
  type ListInstancesQuery,
  type SaveRequest,
  type SnapshotStore,
  type UnreadableInstance,
} from './store.js';

// List semantics every store shares: the memory store is their reference implementation.

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

/** Reads a cursor made by `encodeListCursor`; throws `RangeError` for anything else. */
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
  throw new RangeError(`Invalid list cursor ${JSON.stringify(cursor)}: pass the nextCursor of a previous page unchanged`);
}

/** The page size a query asks for: `DEFAULT_LIST_LIMIT` when absent, at most `MAX_LIST_LIMIT`. */
export function resolveListLimit(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_LIST_LIMIT;
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`list: limit must be a positive integer, got ${String(limit)}`);
  return Math.min(limit, MAX_LIST_LIMIT);
}

/** The statuses a query filters on, or undefined for all. */
export function listStatuses(status: ListInstancesQuery['status']): readonly InstanceStatus[] | undefined {
  if (status === undefined) return undefined;
  return typeof status === 'string' ? [status] : status;
}

/** Throws `RangeError` unless `expectedVersion` is a non-negative integer. */
export function checkExpectedVersion(request: SaveRequest): void {
  const { expectedVersion } = request;
  if (!Number.isSafeInteger(expectedVersion) || expectedVersion < 0) {
    throw new RangeError(`save "${request.record.instanceId}": expectedVersion must be a non-negative integer, got ${String(expectedVersion)}`);
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

/** JSON text of a value; `undefined` is stored as `null`, as a database column would hold it. */
export function toJson(value: unknown, what: string): string {
  try {
    return JSON.stringify(value) ?? 'null';
  } catch (error) {
    throw new TypeError(`${what} is not JSON-serialisable: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

/** An error as `unreadable` reports it. */
export function serializeStoreError(error: unknown): SerializedError {
  if (error instanceof PersistenceError) return { name: error.name, message: error.message, code: error.code };
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: 'Error', message: String(error) };
}

/** One instance as the memory store keeps it: indexed fields plus JSON text, like a database row. */
export interface MemoryRow {
  instanceId: string;
  kind: InstanceKind;
  definitionId: string;
  status: InstanceStatus;
  createdAt: number;
  updatedAt: number;
  finishedAt: number | undefined;
  version: number;
  /** JSON of the `InstanceSummary`. */
  summary: string;
  /** JSON of the snapshot. */
  snapshot: string;
}

/**
 * A `SnapshotStore` in process memory, for tests and for runtimes that need no durability. It keeps JSON text,
 * as the databases do, so callers never share objects with it and values round-trip exactly as they would
 * through SQLite or PostgreSQL (`undefined` fields dropped, `Date` turned into a string).
 */
export class MemoryStore implements SnapshotStore {
  readonly description: string = 'memory';
  /** Instances by id; protected so a test subclass can damage a row. */
  protected readonly rows = new Map<string, MemoryRow>();
  /** JSON of each `HistoryEntry`, in `seq` order, by instance id. */
  protected readonly histories = new Map<string, string[]>();
  private closed = false;

  async init(): Promise<void> {
    this.checkOpen('init');
  }

  async save(request: SaveRequest): Promise<void> {
    this.checkOpen('save', request.record.instanceId);
    checkExpectedVersion(request);
    const { record, expectedVersion } = request;
    const { instanceId } = record;
    const current = this.rows.get(instanceId);
    if ((current?.version ?? 0) !== expectedVersion) throw new ConcurrencyConflictError(instanceId, expectedVersion, current?.version);

    const version = expectedVersion + 1;
    const { snapshot, ...summaryFields } = record;
    const summary: InstanceSummary = { ...summaryFields, version };
    const history = this.histories.get(instanceId) ?? [];
    const entries = request.history.map((entry, i) =>
      toJson({ ...entry, instanceId, seq: history.length + i + 1 } satisfies HistoryEntry, `History entry "${entry.type}" of instance "${instanceId}"`),
    );
    const row: MemoryRow = {
      instanceId,
      kind: record.kind,
      definitionId: record.definitionId,
      status: record.status,
      createdAt: record.createdAt,
      updatedAt: record.updatedAt,
      finishedAt: record.finishedAt,
      version,
      summary: toJson(summary, `Instance "${instanceId}"`),
      snapshot: toJson(snapshot, `Snapshot of instance "${instanceId}"`),
    };
    // Everything is serialised before anything is written: a failure leaves the store as it was.
    this.rows.set(instanceId, row);
    history.push(...entries);
    this.histories.set(instanceId, history);
  }

  async load(instanceId: string): Promise<InstanceRecord | undefined> {
    this.checkOpen('load', instanceId);
    const row = this.rows.get(instanceId);
    return row === undefined ? undefined : this.readRecord(row);
  }

  async loadUnfinished(): Promise<{ records: InstanceRecord[]; unreadable: UnreadableInstance[] }> {
    this.checkOpen('loadUnfinished');
    const rows = [...this.rows.values()]
      .filter((row) => UNFINISHED_STATUSES.includes(row.status))
      .sort((a, b) => a.createdAt - b.createdAt || compareCodePoints(a.instanceId, b.instanceId));
    const records: InstanceRecord[] = [];
    const unreadable: UnreadableInstance[] = [];
    for (const row of rows) {
      try {
        records.push(this.readRecord(row));
      } catch (error) {
        unreadable.push({ instanceId: row.instanceId, error: serializeStoreError(error) });
      }
    }
    return { records, unreadable };
  }

  async list(query: ListInstancesQuery = {}): Promise<InstancePage> {
    this.checkOpen('list');
    const limit = resolveListLimit(query.limit);
    const statuses = listStatuses(query.status);
    const after = query.cursor === undefined ? undefined : decodeListCursor(query.cursor);
    const matching = [...this.rows.values()]
      .filter(
        (row) =>
          (statuses === undefined || statuses.includes(row.status)) &&
          (query.flowId === undefined || (row.kind === 'flow' && row.definitionId === query.flowId)) &&
          (query.processId === undefined || (row.kind === 'process' && row.definitionId === query.processId)) &&
          (after === undefined ||
            row.updatedAt < after.updatedAt ||
            (row.updatedAt === after.updatedAt && compareCodePoints(row.instanceId, after.instanceId) > 0)),
      )
      .sort((a, b) => b.updatedAt - a.updatedAt || compareCodePoints(a.instanceId, b.instanceId));
    const page = matching.slice(0, limit);
    const instances = page.map((row) => this.readSummary(row));
    const last = page[page.length - 1];
    return matching.length > limit && last !== undefined
      ? { instances, nextCursor: encodeListCursor({ updatedAt: last.updatedAt, instanceId: last.instanceId }) }
      : { instances };
  }

  async history(instanceId: string, options: { afterSeq?: number; limit?: number } = {}): Promise<HistoryEntry[]> {
    this.checkOpen('history', instanceId);
    const afterSeq = options.afterSeq ?? 0;
    const entries = (this.histories.get(instanceId) ?? []).slice(Math.max(0, afterSeq));
    const limited = options.limit === undefined ? entries : entries.slice(0, Math.max(0, options.limit));
    return limited.map((json) => JSON.parse(json) as HistoryEntry);
  }

  async deleteFinished(before: number): Promise<number> {
    this.checkOpen('deleteFinished');
    let deleted = 0;
    for (const row of [...this.rows.values()]) {
      if (FINISHED_STATUSES.includes(row.status) && row.finishedAt !== undefined && row.finishedAt < before) {
        this.rows.delete(row.instanceId);
        this.histories.delete(row.instanceId);
        deleted++;
      }
    }
    return deleted;
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private checkOpen(operation: string, instanceId?: string): void {
    if (!this.closed) return;
    const subject = instanceId === undefined ? '' : ` of instance "${instanceId}"`;
    throw new PersistenceError('STORE_UNAVAILABLE', `memory store: ${operation}${subject} after close()`, instanceId === undefined ? {} : { instanceId });
  }

  private readSummary(row: MemoryRow): InstanceSummary {
    return this.parse(row, 'summary') as InstanceSummary;
  }

  private readRecord(row: MemoryRow): InstanceRecord {
    return { ...this.readSummary(row), snapshot: this.parse(row, 'snapshot') };
  }

  private parse(row: MemoryRow, field: 'summary' | 'snapshot'): unknown {
    try {
      return JSON.parse(row[field]);
    } catch (error) {
      throw new PersistenceError('STORE_CORRUPT', `memory store: the ${field} of instance "${row.instanceId}" is not valid JSON`, {
        instanceId: row.instanceId,
        cause: error,
      });
    }
  }
}
