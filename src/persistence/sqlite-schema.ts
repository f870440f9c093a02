import type BetterSqlite3 from 'better-sqlite3';
import { PersistenceError, type SerializedError } from '../errors.js';
import type { HistoryEntry, HistoryEntryType, InstanceKind, InstanceRecord, InstanceStatus, InstanceSummary } from './store.js';

/** One step of the SQLite schema; applied in order, each at most once. */
export interface SqliteMigration {
  version: number;
  description: string;
  sql: string;
}

/** Every schema change, oldest first. Append only: a released migration is never edited. */
export const SQLITE_MIGRATIONS: readonly SqliteMigration[] = [
  {
    version: 1,
    description: 'instances and their history',
    sql: `
      CREATE TABLE instances (
        instance_id    TEXT    NOT NULL PRIMARY KEY,
        kind           TEXT    NOT NULL,
        definition_id  TEXT    NOT NULL,
        status         TEXT    NOT NULL,
        system_id      TEXT    NOT NULL,
        system_version TEXT    NOT NULL,
        machine_hash   TEXT    NOT NULL,
        version        INTEGER NOT NULL,
        created_at     INTEGER NOT NULL,
        updated_at     INTEGER NOT NULL,
        finished_at    INTEGER,
        error          TEXT,
        snapshot       TEXT    NOT NULL
      );
      CREATE INDEX instances_by_status ON instances (status);
      CREATE INDEX instances_by_definition ON instances (definition_id, status);
      CREATE INDEX instances_by_update ON instances (updated_at DESC, instance_id);
      CREATE INDEX instances_by_finish ON instances (finished_at) WHERE finished_at IS NOT NULL;
      CREATE TABLE history (
        instance_id TEXT    NOT NULL,
        seq         INTEGER NOT NULL,
        at          INTEGER NOT NULL,
        type        TEXT    NOT NULL,
        data        TEXT,
        PRIMARY KEY (instance_id, seq)
      ) WITHOUT ROWID;
    `,
  },
];

/** The schema version this code writes and reads. */
export const SQLITE_SCHEMA_VERSION: number = SQLITE_MIGRATIONS[SQLITE_MIGRATIONS.length - 1]?.version ?? 0;

const META_TABLE = 'runtime_core_meta';

/** The schema version recorded in the database; 0 when it has none (a new file). */
export function readSqliteSchemaVersion(db: BetterSqlite3.Database, path: string): number {
  const meta = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(META_TABLE);
  if (meta === undefined) return 0;
  const row = db.prepare(`SELECT value FROM ${META_TABLE} WHERE key = 'schema_version'`).get() as { value: unknown } | undefined;
  if (row === undefined) return 0;
  const version = Number(row.value);
  if (!Number.isSafeInteger(version) || version < 0) {
    throw new PersistenceError('STORE_CORRUPT', `SQLite store "${path}": ${META_TABLE}.schema_version is ${JSON.stringify(row.value)}, not a version number`);
  }
  return version;
}

function checkNotNewer(version: number, path: string): void {
  if (version > SQLITE_SCHEMA_VERSION) {
    throw new PersistenceError(
      'STORE_SCHEMA',
      `SQLite store "${path}": the database has schema version ${version}, but this runtime-core knows versions up to ${SQLITE_SCHEMA_VERSION}; upgrade runtime-core to use it`,
    );
  }
}

/**
 * Brings the schema up to `SQLITE_SCHEMA_VERSION` in one IMMEDIATE transaction; a no-op (and no write lock) when it is
 * there already, so a read-only database can still be read. Several runtimes may call it at once: the version is
 * read again under the write lock.
 */
export function migrateSqliteSchema(db: BetterSqlite3.Database, path: string): void {
  const current = readSqliteSchemaVersion(db, path);
  checkNotNewer(current, path);
  if (current === SQLITE_SCHEMA_VERSION) return;
  db.transaction(() => {
    db.exec(`CREATE TABLE IF NOT EXISTS ${META_TABLE} (key TEXT NOT NULL PRIMARY KEY, value TEXT NOT NULL)`);
    const locked = readSqliteSchemaVersion(db, path);
    checkNotNewer(locked, path);
    for (const migration of SQLITE_MIGRATIONS) {
      if (migration.version <= locked) continue;
      try {
        db.exec(migration.sql);
      } catch (error) {
        if ((error as { code?: unknown }).code !== 'SQLITE_ERROR') throw error;
        throw new PersistenceError(
          'STORE_SCHEMA',
          `SQLite store "${path}": migration ${migration.version} (${migration.description}) failed: ${(error as Error).message}`,
          { cause: error },
        );
      }
    }
    db.prepare(`INSERT INTO ${META_TABLE} (key, value) VALUES ('schema_version', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`).run(
      String(SQLITE_SCHEMA_VERSION),
    );
  }).immediate();
}

/** Columns of `instances` that a summary reads (all but `snapshot`). */
export const SUMMARY_COLUMNS =
  'instance_id, kind, definition_id, status, system_id, system_version, machine_hash, version, created_at, updated_at, finished_at, error';

/** An `instances` row as SQLite returns it: nothing about it is trusted. */
export type InstanceRow = Record<string, unknown>;

const KINDS: readonly InstanceKind[] = ['flow', 'process'];
const STATUSES: readonly InstanceStatus[] = ['running', 'completed', 'failed', 'cancelled', 'terminated', 'needs-migration'];

/** Decodes rows, throwing `PersistenceError('STORE_CORRUPT')` that names the instance, the column and what is wrong. */
export class InstanceRowReader {
  constructor(private readonly path: string) {}

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
    if (row['finished_at'] !== null && row['finished_at'] !== undefined) summary.finishedAt = this.integer(row, 'finished_at');
    if (row['error'] !== null && row['error'] !== undefined) {
      const error = this.json(row, 'error');
      if (typeof error !== 'object' || error === null || typeof (error as SerializedError).message !== 'string') {
        throw this.corrupt(row, 'error', 'is not a serialized error ({ name, message })');
      }
      summary.error = error as InstanceSummary['error'] & object;
    }
    return summary;
  }

  record(row: InstanceRow): InstanceRecord {
    return { ...this.summary(row), snapshot: this.json(row, 'snapshot') };
  }

  history(row: InstanceRow): HistoryEntry {
    const entry: HistoryEntry = {
      instanceId: this.text(row, 'instance_id'),
      seq: this.integer(row, 'seq'),
      at: this.integer(row, 'at'),
      type: this.text(row, 'type') as HistoryEntryType,
    };
    if (row['data'] !== null && row['data'] !== undefined) entry.data = this.json(row, 'data') as Record<string, unknown>;
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
    const value = row[column];
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw this.corrupt(row, column, `is ${describe(value)}, expected an integer`);
    return value;
  }

  private oneOf<T extends string>(row: InstanceRow, column: string, allowed: readonly T[]): T {
    const value = this.text(row, column);
    if (!(allowed as readonly string[]).includes(value)) {
      throw this.corrupt(row, column, `is ${JSON.stringify(value)}, expected one of ${allowed.join(', ')}`);
    }
    return value as T;
  }

  private json(row: InstanceRow, column: string): unknown {
    const text = this.text(row, column);
    try {
      return JSON.parse(text);
    } catch (error) {
      throw this.corrupt(row, column, `is not valid JSON (${(error as Error).message})`, error);
    }
  }

  private corrupt(row: InstanceRow, column: string, problem: string, cause?: unknown): PersistenceError {
    const instanceId = InstanceRowReader.idOf(row);
    return new PersistenceError('STORE_CORRUPT', `SQLite store "${this.path}": instance "${instanceId}": column ${column} ${problem}`, {
      instanceId,
      ...(cause === undefined ? {} : { cause }),
    });
  }
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return 'missing';
  if (Buffer.isBuffer(value)) return 'a blob';
  return `${typeof value} ${JSON.stringify(typeof value === 'bigint' ? String(value) : value).slice(0, 40)}`;
}
