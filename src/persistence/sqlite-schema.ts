import type BetterSqlite3 from 'better-sqlite3';
import { PersistenceError } from '../errors.js';
import { describe, type RowDialect } from './row-reader.js';

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

/** How SQLite hands back columns: JSON as text, integers as numbers. */
export function sqliteDialect(path: string): RowDialect {
  return {
    where: `SQLite store "${path}"`,
    json: (value) => {
      if (typeof value !== 'string') return { problem: `is ${describe(value)}, expected JSON text` };
      try {
        return { value: JSON.parse(value) as unknown };
      } catch (error) {
        return { problem: `is not valid JSON (${(error as Error).message})`, cause: error };
      }
    },
    integer: (value) => (typeof value === 'number' ? value : undefined),
  };
}
