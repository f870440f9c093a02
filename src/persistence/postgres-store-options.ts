// PostgresStore's options: typed input, defaults in one place, durations normalised to milliseconds once.
import type pg from 'pg';
import type { Duration } from '../dsl/duration-syntax.js';
import { UsageError } from '../errors.js';
import { resolveTimeOption } from './time-option.js';

/** Options of `PostgresStore`. Give `connectionString` or `pool`. */
export interface PostgresStoreOptions {
  /** `postgres://user:password@host:port/database`; the `PG*` environment variables fill what it leaves out. */
  connectionString?: string;
  /** A pool the application owns: the store uses it and never ends it. Its own timeouts apply. */
  pool?: pg.Pool;
  /**
   * The PostgreSQL schema holding the store's tables; created when missing. A plain identifier.
   * @default 'runtime_core'
   */
  schema?: string;
  /**
   * How long to wait for a connection before failing with `STORE_UNAVAILABLE` (not used with `pool`):
   * milliseconds or a duration string (`'5s'`), a positive whole number of milliseconds.
   * @default '5s'
   */
  connectionTimeout?: Duration;
  /** `connectionTimeout` in milliseconds; give one of the two. @default 5000 */
  connectionTimeoutMs?: number;
  /**
   * Server-side limit on one statement, and (plus `connectionTimeout`) the client's limit on waiting for an
   * answer from a server that went silent (not used with `pool`). A positive whole number of milliseconds.
   * @default '30s'
   */
  statementTimeout?: Duration;
  /** `statementTimeout` in milliseconds; give one of the two. @default 30000 */
  statementTimeoutMs?: number;
}

/** `PostgresStoreOptions` with every default applied and durations in milliseconds. */
export interface ResolvedPostgresStoreOptions {
  /** A pool the application owns; without one, the store makes its own from `connectionString`. */
  readonly pool: pg.Pool | undefined;
  readonly connectionString: string | undefined;
  readonly schema: string;
  readonly connectionTimeoutMs: number;
  readonly statementTimeoutMs: number;
}

/** The defaults of `PostgresStoreOptions`. */
export const POSTGRES_STORE_DEFAULTS = { schema: 'runtime_core', connectionTimeoutMs: 5_000, statementTimeoutMs: 30_000 } as const;

const PLAIN_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/**
 * Applies the defaults and checks the options, in one place.
 * @throws UsageError (`INVALID_OPTION`) naming the option that is wrong.
 */
export function resolvePostgresStoreOptions(options: PostgresStoreOptions): ResolvedPostgresStoreOptions {
  const schema = options.schema ?? POSTGRES_STORE_DEFAULTS.schema;
  if (!PLAIN_IDENTIFIER.test(schema)) {
    throw new UsageError(`PostgresStore: options.schema must be a plain identifier (letters, digits, _), got ${JSON.stringify(schema)}`, 'INVALID_OPTION');
  }
  const { pool, connectionString } = options;
  if (pool === undefined && connectionString === undefined) {
    throw new UsageError('PostgresStore: give options.connectionString or options.pool', 'INVALID_OPTION');
  }
  const connectionTimeoutMs = resolveTimeOption(
    { duration: options.connectionTimeout, ms: options.connectionTimeoutMs },
    { owner: 'PostgresStore', name: 'connectionTimeout', defaultMs: POSTGRES_STORE_DEFAULTS.connectionTimeoutMs, allowZero: false },
  );
  const statementTimeoutMs = resolveTimeOption(
    { duration: options.statementTimeout, ms: options.statementTimeoutMs },
    { owner: 'PostgresStore', name: 'statementTimeout', defaultMs: POSTGRES_STORE_DEFAULTS.statementTimeoutMs, allowZero: false },
  );
  return {
    pool,
    connectionString,
    schema,
    connectionTimeoutMs,
    statementTimeoutMs,
  };
}
