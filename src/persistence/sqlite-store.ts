import Database from 'better-sqlite3';
import type BetterSqlite3 from 'better-sqlite3';
import { ConcurrencyConflictError, PersistenceError } from '../errors.js';
import {
  checkExpectedVersion,
  decodeListCursor,
  listStatuses,
  pageOf,
  readUnfinished,
  resolveListLimit,
  toJson,
  UNFINISHED_STATUSES,
} from './store-rules.js';
import { InstanceRowReader, SUMMARY_COLUMNS, type InstanceRow } from './row-reader.js';
import { migrateSqliteSchema, sqliteDialect } from './sqlite-schema.js';
import { resolveSqliteStoreOptions, type SqliteStoreOptions } from './sqlite-store-options.js';
import {
  FINISHED_STATUSES,
  type HistoryEntry,
  type InstancePage,
  type InstanceRecord,
  type ListInstancesQuery,
  type SaveRequest,
  type SnapshotStore,
  type UnreadableInstance,
} from './store.js';

export type { SqliteStoreOptions } from './sqlite-store-options.js';

/** The connection settings in effect, read back from SQLite. */
export interface SqliteConnectionSettings {
  journalMode: string;
  synchronous: 'OFF' | 'NORMAL' | 'FULL' | 'EXTRA';
  busyTimeoutMs: number;
}

const SYNCHRONOUS_NAMES = ['OFF', 'NORMAL', 'FULL', 'EXTRA'] as const;
const FINISHED_PLACEHOLDERS = FINISHED_STATUSES.map(() => '?').join(', ');
const UNFINISHED_PLACEHOLDERS = UNFINISHED_STATUSES.map(() => '?').join(', ');

/**
 * A `SnapshotStore` in one SQLite file (`better-sqlite3`, WAL journal). The schema is created and upgraded on
 * `init` (or on first use). Work is synchronous under the async interface: when a `save` resolves, its transaction
 * is committed (and synced, with `synchronous: 'FULL'`). Several stores, in one process or several, may share a
 * file: writes take SQLite's write lock and `save` checks the instance version.
 *
 * @example const store = new SqliteStore('./runtime.db', { synchronous: 'NORMAL' });
 */
export class SqliteStore implements SnapshotStore {
  readonly description: string;
  readonly path: string;
  private readonly synchronous: 'NORMAL' | 'FULL';
  private readonly busyTimeoutMs: number;
  private readonly reader: InstanceRowReader;
  private db: BetterSqlite3.Database | undefined;
  private readonly statements = new Map<string, BetterSqlite3.Statement>();
  private closed = false;

  /**
   * @param path a file path (created if missing) or `':memory:'`.
   * @throws UsageError (`INVALID_OPTION`) for an option that is wrong.
   */
  constructor(path: string, options: SqliteStoreOptions = {}) {
    const { synchronous, busyTimeoutMs } = resolveSqliteStoreOptions(options);
    this.path = path;
    this.description = `sqlite:${path}`;
    this.synchronous = synchronous;
    this.busyTimeoutMs = busyTimeoutMs;
    this.reader = new InstanceRowReader(sqliteDialect(path));
  }

  async init(): Promise<void> {
    this.connection('init');
  }

  async save(request: SaveRequest): Promise<void> {
    const { record, expectedVersion } = request;
    const { instanceId } = record;
    checkExpectedVersion(request);
    const row = {
      instance_id: instanceId,
      kind: record.kind,
      definition_id: record.definitionId,
      status: record.status,
      system_id: record.systemId,
      system_version: record.systemVersion,
      machine_hash: record.machineHash,
      version: expectedVersion + 1,
      created_at: record.createdAt,
      updated_at: record.updatedAt,
      finished_at: record.finishedAt ?? null,
      error: record.error === undefined ? null : toJson(record.error, `Error of instance "${instanceId}"`, instanceId),
      snapshot: toJson(record.snapshot, `Snapshot of instance "${instanceId}"`, instanceId),
      expected_version: expectedVersion,
    };
    const history = request.history.map((entry) => ({
      at: entry.at,
      type: entry.type,
      data: entry.data === undefined ? null : toJson(entry.data, `History entry "${entry.type}" of instance "${instanceId}"`, instanceId),
    }));
    this.run('save', instanceId, (db) => {
      db.transaction(() => {
        const current = this.statement(db, 'SELECT version FROM instances WHERE instance_id = ?').get(instanceId) as { version: number } | undefined;
        if ((current?.version ?? 0) !== expectedVersion) throw new ConcurrencyConflictError(instanceId, expectedVersion, current?.version);
        if (expectedVersion === 0) {
          this.statement(
            db,
            `INSERT INTO instances (${SUMMARY_COLUMNS}, snapshot) VALUES (@instance_id, @kind, @definition_id, @status, @system_id,
              @system_version, @machine_hash, @version, @created_at, @updated_at, @finished_at, @error, @snapshot)`,
          ).run(row);
        } else {
          this.statement(
            db,
            `UPDATE instances SET kind = @kind, definition_id = @definition_id, status = @status, system_id = @system_id,
              system_version = @system_version, machine_hash = @machine_hash, version = @version, created_at = @created_at,
              updated_at = @updated_at, finished_at = @finished_at, error = @error, snapshot = @snapshot
             WHERE instance_id = @instance_id AND version = @expected_version`,
          ).run(row);
        }
        if (history.length === 0) return;
        const last = this.statement(db, 'SELECT COALESCE(MAX(seq), 0) AS seq FROM history WHERE instance_id = ?').get(instanceId) as { seq: number };
        const insert = this.statement(db, 'INSERT INTO history (instance_id, seq, at, type, data) VALUES (?, ?, ?, ?, ?)');
        history.forEach((entry, i) => insert.run(instanceId, last.seq + i + 1, entry.at, entry.type, entry.data));
      }).immediate();
    });
  }

  async load(instanceId: string): Promise<InstanceRecord | undefined> {
    const row = this.run('load', instanceId, (db) =>
      this.statement(db, `SELECT ${SUMMARY_COLUMNS}, snapshot FROM instances WHERE instance_id = ?`).get(instanceId),
    ) as InstanceRow | undefined;
    return row === undefined ? undefined : this.reader.record(row);
  }

  async loadUnfinished(): Promise<{ records: InstanceRecord[]; unreadable: UnreadableInstance[] }> {
    const rows = this.run('loadUnfinished', undefined, (db) =>
      this.statement(
        db,
        `SELECT ${SUMMARY_COLUMNS}, snapshot FROM instances WHERE status IN (${UNFINISHED_PLACEHOLDERS}) ORDER BY created_at, instance_id`,
      ).all(...UNFINISHED_STATUSES),
    ) as InstanceRow[];
    return readUnfinished(rows, (row) => this.reader.record(row), (row) => InstanceRowReader.idOf(row));
  }

  async list(query: ListInstancesQuery = {}): Promise<InstancePage> {
    const limit = resolveListLimit(query.limit);
    const statuses = listStatuses(query.status);
    const after = query.cursor === undefined ? undefined : decodeListCursor(query.cursor);
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (statuses !== undefined) {
      where.push(statuses.length === 0 ? '0' : `status IN (${statuses.map(() => '?').join(', ')})`);
      params.push(...statuses);
    }
    if (query.flowId !== undefined) {
      where.push(`kind = 'flow' AND definition_id = ?`);
      params.push(query.flowId);
    }
    if (query.processId !== undefined) {
      where.push(`kind = 'process' AND definition_id = ?`);
      params.push(query.processId);
    }
    if (query.systemId !== undefined) {
      where.push('system_id = ?');
      params.push(query.systemId);
    }
    if (after !== undefined) {
      where.push('(updated_at < ? OR (updated_at = ? AND instance_id > ?))');
      params.push(after.updatedAt, after.updatedAt, after.instanceId);
    }
    const sql = `SELECT ${SUMMARY_COLUMNS} FROM instances ${where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`}
      ORDER BY updated_at DESC, instance_id ASC LIMIT ?`;
    const rows = this.run('list', undefined, (db) => this.statement(db, sql).all(...params, limit + 1)) as InstanceRow[];
    return pageOf(rows, limit, (row) => this.reader.summary(row));
  }

  async history(instanceId: string, options: { afterSeq?: number; limit?: number } = {}): Promise<HistoryEntry[]> {
    const rows = this.run('history', instanceId, (db) =>
      this.statement(db, 'SELECT instance_id, seq, at, type, data FROM history WHERE instance_id = ? AND seq > ? ORDER BY seq LIMIT ?').all(
        instanceId,
        options.afterSeq ?? 0,
        options.limit ?? -1,
      ),
    ) as InstanceRow[];
    return rows.map((row) => this.reader.history(row));
  }

  async deleteFinished(before: number): Promise<number> {
    return this.run('deleteFinished', undefined, (db) =>
      db
        .transaction(() => {
          const finished = `SELECT instance_id FROM instances WHERE finished_at < ? AND status IN (${FINISHED_PLACEHOLDERS})`;
          this.statement(db, `DELETE FROM history WHERE instance_id IN (${finished})`).run(before, ...FINISHED_STATUSES);
          return this.statement(db, `DELETE FROM instances WHERE instance_id IN (${finished})`).run(before, ...FINISHED_STATUSES).changes;
        })
        .immediate(),
    );
  }

  /** Idempotent; later calls to other methods reject with `STORE_UNAVAILABLE`. */
  async close(): Promise<void> {
    this.closed = true;
    const db = this.db;
    this.db = undefined;
    this.statements.clear();
    if (db?.open === true) db.close();
  }

  /** The journal mode, `synchronous` level and busy timeout of the open connection (opens it if needed). */
  connectionSettings(): SqliteConnectionSettings {
    return this.run('connectionSettings', undefined, (db) => ({
      journalMode: String(db.pragma('journal_mode', { simple: true })),
      synchronous: SYNCHRONOUS_NAMES[Number(db.pragma('synchronous', { simple: true }))] ?? 'FULL',
      busyTimeoutMs: Number(db.pragma('busy_timeout', { simple: true })),
    }));
  }

  /** Runs `work` on the connection, turning SQLite failures into `PersistenceError`s that name the file and the operation. */
  private run<T>(operation: string, instanceId: string | undefined, work: (db: BetterSqlite3.Database) => T): T {
    const db = this.connection(operation, instanceId);
    try {
      return work(db);
    } catch (error) {
      if (this.path !== ':memory:' && this.db === db && connectionUnusable(error)) this.forgetConnection();
      throw this.translate(error, operation, instanceId);
    }
  }

  /**
   * Closes the connection so the next operation opens the file again: a connection opened while the file was
   * read-only (or whose file went away) stays so even after the file is repaired.
   */
  private forgetConnection(): void {
    const db = this.db;
    this.db = undefined;
    this.statements.clear();
    try {
      if (db?.open === true) db.close();
    } catch {
      // The connection is being dropped because it failed; failing to close it as well changes nothing.
    }
  }

  /** Opens the file and migrates the schema on first use. */
  private connection(operation: string, instanceId?: string): BetterSqlite3.Database {
    if (this.closed) {
      throw new PersistenceError('STORE_UNAVAILABLE', `SQLite store "${this.path}": ${operation}${this.subject(instanceId)} after close()`, {
        ...(instanceId === undefined ? {} : { instanceId }),
      });
    }
    if (this.db !== undefined) return this.db;
    let db: BetterSqlite3.Database | undefined;
    try {
      db = new Database(this.path, { timeout: this.busyTimeoutMs });
      if (this.path !== ':memory:' && db.pragma('journal_mode = WAL', { simple: true }) !== 'wal' && !db.readonly) {
        throw new Error('the database did not switch to WAL journal mode');
      }
      db.pragma(`synchronous = ${this.synchronous}`);
      migrateSqliteSchema(db, this.path);
    } catch (error) {
      if (db?.open === true) db.close();
      throw this.translate(error, `${operation} (opening the database)`, instanceId, true);
    }
    this.db = db;
    return db;
  }

  private statement(db: BetterSqlite3.Database, sql: string): BetterSqlite3.Statement {
    let statement = this.statements.get(sql);
    if (statement === undefined) {
      statement = db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  /** `opening`: every failure is the database's (better-sqlite3 throws a TypeError for a missing directory). */
  private translate(error: unknown, operation: string, instanceId: string | undefined, opening = false): unknown {
    if (error instanceof PersistenceError) return error;
    const sqliteCode = error instanceof Database.SqliteError ? error.code : undefined;
    // Once open, errors that are not SQLite's (argument checks, bindings) are the caller's: they pass unchanged.
    if (sqliteCode === undefined && !opening) return error;
    const corrupt = sqliteCode === 'SQLITE_CORRUPT' || sqliteCode === 'SQLITE_NOTADB';
    const detail = error instanceof Error ? error.message : String(error);
    return new PersistenceError(
      corrupt ? 'STORE_CORRUPT' : 'STORE_UNAVAILABLE',
      `SQLite store "${this.path}": ${operation}${this.subject(instanceId)} failed: ${detail}${sqliteCode === undefined ? '' : ` (${sqliteCode})`}`,
      { cause: error, ...(instanceId === undefined ? {} : { instanceId }) },
    );
  }

  private subject(instanceId: string | undefined): string {
    return instanceId === undefined ? '' : ` of instance "${instanceId}"`;
  }
}

/**
 * Failures of the connection itself rather than of one statement: a read-only or vanished file, an I/O error.
 * Busy and locked are not among them: they pass on a good connection.
 */
function connectionUnusable(error: unknown): boolean {
  if (!(error instanceof Database.SqliteError)) return false;
  const { code } = error;
  return ['SQLITE_READONLY', 'SQLITE_CANTOPEN', 'SQLITE_IOERR'].some((base) => code === base || code.startsWith(`${base}_`));
}
