import type pg from 'pg';
import { PersistenceError } from '../errors.js';
import type { RowDialect } from './row-reader.js';

// The PostgreSQL tables mirror the SQLite store's (sqlite-schema.ts), column for column. JSON columns are `json`,
// not `jsonb`: stored as written (key order kept, `\u0000` accepted), still checked to be JSON by the server.

/** One step of the PostgreSQL schema; applied in order, each at most once. */
export interface PostgresMigration {
  version: number;
  description: string;
  /** DDL for the schema named by `s` (already quoted). */
  sql(s: string): string;
}

/** Every schema change, oldest first. Append only: a released migration is never edited. */
export const POSTGRES_MIGRATIONS: readonly PostgresMigration[] = [
  {
    version: 1,
    description: 'instances and their history',
    // Ids sort with the "C" collation, by code point as the other stores do, whatever the database's locale.
    sql: (s) => `
      CREATE TABLE ${s}.instances (
        instance_id    text COLLATE "C" NOT NULL PRIMARY KEY,
        kind           text    NOT NULL,
        definition_id  text COLLATE "C" NOT NULL,
        status         text    NOT NULL,
        system_id      text    NOT NULL,
        system_version text    NOT NULL,
        machine_hash   text    NOT NULL,
        version        integer NOT NULL,
        created_at     bigint  NOT NULL,
        updated_at     bigint  NOT NULL,
        finished_at    bigint,
        error          json,
        snapshot       json    NOT NULL
      );
      CREATE INDEX instances_by_status ON ${s}.instances (status, created_at);
      CREATE INDEX instances_by_definition ON ${s}.instances (definition_id, status);
      CREATE INDEX instances_by_update ON ${s}.instances (updated_at DESC, instance_id);
      CREATE INDEX instances_by_finish ON ${s}.instances (finished_at) WHERE finished_at IS NOT NULL;
      CREATE TABLE ${s}.history (
        instance_id text COLLATE "C" NOT NULL,
        seq         integer NOT NULL,
        at          bigint  NOT NULL,
        type        text    NOT NULL,
        data        json,
        PRIMARY KEY (instance_id, seq)
      );
    `,
  },
];

/** The schema version this code writes and reads. */
export const POSTGRES_SCHEMA_VERSION: number = POSTGRES_MIGRATIONS[POSTGRES_MIGRATIONS.length - 1]?.version ?? 0;

/** First key of the advisory lock that serialises schema changes ("RCSM"); the second is a hash of the schema name. */
const SCHEMA_LOCK_CLASS = 0x5243534d;

/** `name` quoted as an identifier; the store only accepts plain names, so no escaping is needed. */
export function quoteIdentifier(name: string): string {
  return `"${name}"`;
}

async function readVersion(client: pg.ClientBase, schema: string, where: string): Promise<number> {
  const table = `${quoteIdentifier(schema)}.runtime_core_meta`;
  const exists = await client.query<{ found: unknown }>('SELECT to_regclass($1) IS NOT NULL AS found', [table]);
  if (exists.rows[0]?.found !== true) return 0;
  const row = (await client.query<{ value: unknown }>(`SELECT value FROM ${table} WHERE key = 'schema_version'`)).rows[0];
  if (row === undefined) return 0;
  const version = Number(row.value);
  if (!Number.isSafeInteger(version) || version < 0) {
    throw new PersistenceError('STORE_CORRUPT', `${where}: ${schema}.runtime_core_meta.schema_version is ${JSON.stringify(row.value)}, not a version number`);
  }
  if (version > POSTGRES_SCHEMA_VERSION) {
    throw new PersistenceError(
      'STORE_SCHEMA',
      `${where}: schema "${schema}" has version ${version}, but this runtime-core knows versions up to ${POSTGRES_SCHEMA_VERSION}; upgrade runtime-core to use it`,
    );
  }
  return version;
}

/**
 * Brings `schema` up to `POSTGRES_SCHEMA_VERSION`. A read when it is there already; otherwise one transaction under
 * a transaction-scoped advisory lock, so runtimes starting together create it once and the others then find it.
 */
export async function migratePostgresSchema(client: pg.ClientBase, schema: string, where: string): Promise<void> {
  if ((await readVersion(client, schema, where)) === POSTGRES_SCHEMA_VERSION) return;
  const s = quoteIdentifier(schema);
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [SCHEMA_LOCK_CLASS, schema]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${s}.runtime_core_meta (key text NOT NULL PRIMARY KEY, value text NOT NULL)`);
    const locked = await readVersion(client, schema, where);
    for (const migration of POSTGRES_MIGRATIONS) {
      if (migration.version <= locked) continue;
      try {
        await client.query(migration.sql(s));
      } catch (error) {
        if (!isSqlError(error)) throw error;
        throw new PersistenceError('STORE_SCHEMA', `${where}: migration ${migration.version} (${migration.description}) of schema "${schema}" failed: ${(error as Error).message}`, {
          cause: error,
        });
      }
    }
    await client.query(
      `INSERT INTO ${s}.runtime_core_meta (key, value) VALUES ('schema_version', $1) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
      [String(POSTGRES_SCHEMA_VERSION)],
    );
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  }
}

/** A statement the server rejected (SQLSTATE class 42: syntax or access rule), as opposed to a lost connection. */
function isSqlError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('42');
}

/** How `pg` hands back columns: `json` already parsed, `bigint` as a decimal string. */
export function postgresDialect(where: string): RowDialect {
  return {
    where,
    json: (value) => (value === undefined ? { problem: 'is missing' } : { value }),
    integer: (value) => (typeof value === 'number' ? value : typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : undefined),
  };
}
