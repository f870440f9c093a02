import { PersistenceError, type SerializedError } from '../errors.js';
import { INSTANCE_STATUSES as STATUSES, type HistoryEntry, type HistoryEntryType, type InstanceKind, type InstanceRecord, type InstanceSummary } from './store.js';

/** Columns of `instances` that a summary reads (all but `snapshot`); the same in every database. */
export const SUMMARY_COLUMNS =
  'instance_id, kind, definition_id, status, system_id, system_version, machine_hash, version, created_at, updated_at, finished_at, error';

/** A row as a driver returns it: nothing about it is trusted. */
export type InstanceRow = Record<string, unknown>;

/** How one database hands back JSON and integer columns. */
export interface RowDialect {
  /** Names the store in messages: `SQLite store "./runtime.db"`. */
  readonly where: string;
  /** The value of a JSON column, or a description of what is wrong with it. */
  json(value: unknown): { value: unknown } | { problem: string; cause?: unknown };
  /** The value of an integer column, or undefined when it is not one. */
  integer(value: unknown): number | undefined;
}

const KINDS: readonly InstanceKind[] = ['flow', 'process'];

/** Decodes rows, throwing `PersistenceError('STORE_CORRUPT')` that names the instance, the column and what is wrong. */
export class InstanceRowReader {
  constructor(private readonly dialect: RowDialect) {}

  summary(row: InstanceRow): InstanceSummary {
    const summary: InstanceSummary = {
      instanceId: this.text(row, 'instance_id'),
      kind: this.oneOf(row, 'kind', KINDS),
      definitionId: this.text(row, 'definition_id'),
      status: this.oneOf(row, 'status', STATUSES),
      systemId: this.text(row, 'system_id'),
      systemVersion: this.text(row, 'system_version'),
      machineHash: this.text(row, 'machine_hash'),
      version: this.integer(row, 'version'),
      createdAt: this.integer(row, 'created_at'),
      updatedAt: this.integer(row, 'updated_at'),
    };
    if (present(row['finished_at'])) summary.finishedAt = this.integer(row, 'finished_at');
    if (present(row['error'])) {
      const error = this.json(row, 'error');
      if (!isObject(error) || typeof (error as Partial<SerializedError>).message !== 'string') {
        throw this.corrupt(row, 'error', 'is not a serialized error ({ name, message })');
      }
      summary.error = error as InstanceSummary['error'] & object;
    }
    return summary;
  }

  record(row: InstanceRow): InstanceRecord {
    const snapshot = this.json(row, 'snapshot');
    // A persisted XState snapshot is always an object; anything else cannot be restored.
    if (!isObject(snapshot)) throw this.corrupt(row, 'snapshot', `is ${describe(snapshot)}, expected a persisted snapshot (an object)`);
    return { ...this.summary(row), snapshot };
  }

  history(row: InstanceRow): HistoryEntry {
    const entry: HistoryEntry = {
      instanceId: this.text(row, 'instance_id'),
      seq: this.integer(row, 'seq'),
      at: this.integer(row, 'at'),
      type: this.text(row, 'type') as HistoryEntryType,
    };
    if (present(row['data'])) {
      const data = this.json(row, 'data');
      if (!isObject(data)) throw this.corrupt(row, 'data', `of history entry ${entry.seq} is ${describe(data)}, expected an object`);
      entry.data = data;
    }
    return entry;
  }

  /** The id to report a row under, even when the column itself is damaged. */
  static idOf(row: InstanceRow): string {
    const id = row['instance_id'];
    return typeof id === 'string' ? id : String(id);
  }

  private text(row: InstanceRow, column: string): string {
    const value = row[column];
    if (typeof value !== 'string') throw this.corrupt(row, column, `is ${describe(value)}, expected text`);
    return value;
  }

  private integer(row: InstanceRow, column: string): number {
    const value = this.dialect.integer(row[column]);
    if (value === undefined || !Number.isSafeInteger(value)) throw this.corrupt(row, column, `is ${describe(row[column])}, expected an integer`);
    return value;
  }

  private oneOf<T extends string>(row: InstanceRow, column: string, allowed: readonly T[]): T {
    const value = this.text(row, column);
    if (!(allowed as readonly string[]).includes(value)) throw this.corrupt(row, column, `is ${JSON.stringify(value)}, expected one of ${allowed.join(', ')}`);
    return value as T;
  }

  private json(row: InstanceRow, column: string): unknown {
    const decoded = this.dialect.json(row[column]);
    if ('problem' in decoded) throw this.corrupt(row, column, decoded.problem, decoded.cause);
    return decoded.value;
  }

  private corrupt(row: InstanceRow, column: string, problem: string, cause?: unknown): PersistenceError {
    const instanceId = InstanceRowReader.idOf(row);
    return new PersistenceError('STORE_CORRUPT', `${this.dialect.where}: instance "${instanceId}": column ${column} ${problem}`, {
      instanceId,
      ...(cause === undefined ? {} : { cause }),
    });
  }
}

const present = (value: unknown): boolean => value !== null && value !== undefined;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A short description of a bad value, for messages. */
export function describe(value: unknown): string {
  if (value === null || value === undefined) return 'missing';
  if (Array.isArray(value)) return 'an array';
  if (Buffer.isBuffer(value)) return 'a blob';
  return `${typeof value} ${JSON.stringify(typeof value === 'bigint' ? String(value) : value).slice(0, 40)}`;
}
