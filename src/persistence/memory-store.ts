import { ConcurrencyConflictError, PersistenceError } from '../errors.js';
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

import {
  checkExpectedVersion,
  compareCodePoints,
  decodeListCursor,
  listStatuses,
  pageOf,
  readUnfinished,
  resolveListLimit,
  toJson,
  UNFINISHED_STATUSES,
} from './store-rules.js';

/** One instance as the memory store keeps it: indexed fields plus JSON text, like a database row. */
export interface MemoryRow {
  instanceId: string;
  kind: InstanceKind;
  definitionId: string;
  systemId: string;
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
      toJson({ ...entry, instanceId, seq: history.length + i + 1 } satisfies HistoryEntry, `History entry "${entry.type}" of instance "${instanceId}"`, instanceId),
    );
    const row: MemoryRow = {
      instanceId,
      kind: record.kind,
      definitionId: record.definitionId,
      systemId: record.systemId,
      status: record.status,
      createdAt: record.createdAt,
      updatedAt: record.updatedAt,
      finishedAt: record.finishedAt,
      version,
      summary: toJson(summary, `Instance "${instanceId}"`, instanceId),
      snapshot: toJson(snapshot, `Snapshot of instance "${instanceId}"`, instanceId),
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
    return readUnfinished(rows, (row) => this.readRecord(row), (row) => row.instanceId);
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
          (query.systemId === undefined || row.systemId === query.systemId) &&
          (after === undefined ||
            row.updatedAt < after.updatedAt ||
            (row.updatedAt === after.updatedAt && compareCodePoints(row.instanceId, after.instanceId) > 0)),
      )
      .sort((a, b) => b.updatedAt - a.updatedAt || compareCodePoints(a.instanceId, b.instanceId));
    return pageOf(matching.slice(0, limit + 1), limit, (row) => this.readSummary(row));
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
