import pg from 'pg';
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
import { migratePostgresSchema, postgresDialect, quoteIdentifier } from './postgres-schema.js';
import { resolvePostgresStoreOptions, type PostgresStoreOptions } from './postgres-store-options.js';
import { InstanceRowReader, SUMMARY_COLUMNS, type InstanceRow as PostgresRow } from './row-reader.js';
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

export type { PostgresStoreOptions } from './postgres-store-options.js';

const INSTANCE_COLUMNS = `${SUMMARY_COLUMNS}, snapshot`;

/**
 * A `SnapshotStore` on PostgreSQL (`pg`), for runtimes that share instances or need a database server. Creates
 * its schema on `init()` (or the first call), safely when several runtimes start at once. Connection failures
 * become `PersistenceError('STORE_UNAVAILABLE')`; the pool reconnects when the server is back.
 */
export class PostgresStore implements SnapshotStore {
  /** `postgres://host:port/database`, never the user or password. */
  readonly description: string;
  private readonly pool: pg.Pool;
  private readonly ownsPool: boolean;
  private readonly schema: string;
  private readonly table: { instances: string; history: string };
  private readonly reader: InstanceRowReader;
  private readonly where: string;
  private schemaReady: Promise<void> | undefined;
  private closing: Promise<void> | undefined;
  // A pooled client whose server went away emits 'error' while idle; without a listener that kills the process.
  private readonly onIdleError = (): void => {};

  /** @throws UsageError (`INVALID_OPTION`) for an option that is wrong. */
  constructor(options: PostgresStoreOptions) {
    const { pool, connectionString, schema, connectionTimeoutMs, statementTimeoutMs } = resolvePostgresStoreOptions(options);
    this.ownsPool = pool === undefined;
    this.pool =
      pool ??
      new pg.Pool({
        connectionString,
        connectionTimeoutMillis: connectionTimeoutMs,
        statement_timeout: statementTimeoutMs,
        query_timeout: statementTimeoutMs + connectionTimeoutMs,
        keepAlive: true,
        application_name: 'runtime-core',
      });
    this.pool.on('error', this.onIdleError);
    this.schema = schema;
    const s = quoteIdentifier(schema);
    this.table = { instances: `${s}.instances`, history: `${s}.history` };
    this.description = describeServer(connectionString, this.pool.options);
    this.where = `PostgreSQL store ${this.description}`;
    this.reader = new InstanceRowReader(postgresDialect(this.where));
  }

  init(): Promise<void> {
    return this.guard('init', undefined, () => this.ready());
  }

  async save(request: SaveRequest): Promise<void> {
    checkExpectedVersion(request);
    const { record, expectedVersion } = request;
    const { instanceId } = record;
    // Serialised before connecting: a value that is not JSON fails as STORE_CORRUPT, not as an unavailable server.
    const snapshot = toJson(record.snapshot, `Snapshot of instance "${instanceId}"`, instanceId);
    const error = record.error === undefined ? null : toJson(record.error, `Error of instance "${instanceId}"`, instanceId);
    const history = request.history.map((entry) => ({
      at: entry.at,
      type: entry.type,
      data: entry.data === undefined ? null : toJson(entry.data, `History entry "${entry.type}" of instance "${instanceId}"`, instanceId),
    }));
    const values = [
      instanceId, record.kind, record.definitionId, record.status, record.systemId, record.systemVersion, record.machineHash,
      expectedVersion + 1, record.createdAt, record.updatedAt, record.finishedAt ?? null, error, snapshot,
    ];
    const { instances } = this.table;
    const historyTable = this.table.history;
    // One statement, so one round trip: write-ahead puts a save on every step's path. It is atomic on its own;
    // the history insert reads from the written row, so a write that lost the version check inserts nothing,
    // and the row lock it holds keeps another writer of this instance from interleaving seq numbers.
    const write =
      expectedVersion === 0
        ? `INSERT INTO ${instances} (${INSTANCE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
           ON CONFLICT (instance_id) DO NOTHING RETURNING instance_id`
        : `UPDATE ${instances} SET kind = $2, definition_id = $3, status = $4, system_id = $5, system_version = $6, machine_hash = $7,
             version = $8, created_at = $9, updated_at = $10, finished_at = $11, error = $12, snapshot = $13
           WHERE instance_id = $1 AND version = $14 RETURNING instance_id`;
    const arrays = expectedVersion === 0 ? 14 : 15;
    const parameters = [
      ...values,
      ...(expectedVersion === 0 ? [] : [expectedVersion]),
      history.map((h) => h.at),
      history.map((h) => h.type),
      history.map((h) => h.data),
    ];
    await this.run('save', instanceId, async (client) => {
      const { rows } = await client.query<{ written: number }>(
        `WITH written AS (${write}),
         entries AS (
           INSERT INTO ${historyTable} (instance_id, seq, at, type, data)
           SELECT written.instance_id, last.seq + entry.n, entry.at, entry.type, entry.data::json
           FROM written,
                (SELECT coalesce(max(seq), 0) AS seq FROM ${historyTable} WHERE instance_id = $1) AS last,
                unnest($${arrays}::bigint[], $${arrays + 1}::text[], $${arrays + 2}::text[]) WITH ORDINALITY AS entry(at, type, data, n)
           RETURNING 1
         )
         SELECT count(*)::int AS written FROM written`,
        parameters,
      );
      if (rows[0]?.written !== 1) {
        const found = await client.query<{ version: unknown }>(`SELECT version FROM ${instances} WHERE instance_id = $1`, [instanceId]);
        const actual = found.rows[0]?.version;
        throw new ConcurrencyConflictError(instanceId, expectedVersion, typeof actual === 'number' ? actual : undefined);
      }
    });
  }

  load(instanceId: string): Promise<InstanceRecord | undefined> {
    return this.run('load', instanceId, async (client) => {
      const { rows } = await client.query<PostgresRow>(`SELECT ${INSTANCE_COLUMNS} FROM ${this.table.instances} WHERE instance_id = $1`, [instanceId]);
      const row = rows[0];
      return row === undefined ? undefined : this.reader.record(row);
    });
  }

  loadUnfinished(): Promise<{ records: InstanceRecord[]; unreadable: UnreadableInstance[] }> {
    return this.run('loadUnfinished', undefined, async (client) => {
      const { rows } = await client.query<PostgresRow>(
        `SELECT ${INSTANCE_COLUMNS} FROM ${this.table.instances} WHERE status = ANY($1::text[]) ORDER BY created_at, instance_id`,
        [UNFINISHED_STATUSES],
      );
      return readUnfinished(rows, (row) => this.reader.record(row), (row) => InstanceRowReader.idOf(row));
    });
  }

  async list(query: ListInstancesQuery = {}): Promise<InstancePage> {
    const limit = resolveListLimit(query.limit);
    const statuses = listStatuses(query.status);
    const after = query.cursor === undefined ? undefined : decodeListCursor(query.cursor);
    const conditions: string[] = [];
    const values: unknown[] = [];
    const param = (value: unknown): string => `$${values.push(value)}`;
    if (statuses !== undefined) conditions.push(`status = ANY(${param(statuses)}::text[])`);
    if (query.flowId !== undefined) conditions.push(`kind = 'flow' AND definition_id = ${param(query.flowId)}`);
    if (query.processId !== undefined) conditions.push(`kind = 'process' AND definition_id = ${param(query.processId)}`);
    if (query.systemId !== undefined) conditions.push(`system_id = ${param(query.systemId)}`);
    if (after !== undefined) {
      const updatedAt = param(after.updatedAt);
      conditions.push(`(updated_at < ${updatedAt} OR (updated_at = ${updatedAt} AND instance_id > ${param(after.instanceId)}))`);
    }
    const sql = `SELECT ${SUMMARY_COLUMNS} FROM ${this.table.instances} ${conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : ''}
                 ORDER BY updated_at DESC, instance_id LIMIT ${param(limit + 1)}`;
    return this.run('list', undefined, async (client) => {
      const { rows } = await client.query<PostgresRow>(sql, values);
      return pageOf(rows, limit, (row) => this.reader.summary(row));
    });
  }

  history(instanceId: string, options: { afterSeq?: number; limit?: number } = {}): Promise<HistoryEntry[]> {
    const limit = options.limit === undefined || !Number.isFinite(options.limit) ? null : Math.max(0, Math.floor(options.limit));
    return this.run('history', instanceId, async (client) => {
      const { rows } = await client.query<PostgresRow>(
        `SELECT instance_id, seq, at, type, data FROM ${this.table.history} WHERE instance_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
        [instanceId, options.afterSeq ?? 0, limit],
      );
      return rows.map((row) => this.reader.history(row));
    });
  }

  deleteFinished(before: number): Promise<number> {
    return this.run('deleteFinished', undefined, async (client) => {
      const { rows } = await client.query<{ deleted: unknown }>(
        `WITH gone AS (
           DELETE FROM ${this.table.instances} WHERE status = ANY($1::text[]) AND finished_at < $2 RETURNING instance_id
         ), gone_history AS (
           DELETE FROM ${this.table.history} WHERE instance_id IN (SELECT instance_id FROM gone)
         )
         SELECT count(*)::integer AS deleted FROM gone`,
        [FINISHED_STATUSES, before],
      );
      return Number(rows[0]?.deleted ?? 0);
    });
  }

  /** Ends the pool the store created (a pool passed in is left to its owner). Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      if (this.ownsPool) await this.pool.end();
      this.pool.removeListener('error', this.onIdleError);
    })();
    return this.closing;
  }

  /** Creates or upgrades the schema once; a failed attempt is retried by the next call. */
  private ready(): Promise<void> {
    this.schemaReady ??= this.withClient((client) => migratePostgresSchema(client, this.schema, this.where)).catch((error: unknown) => {
      this.schemaReady = undefined;
      throw error;
    });
    return this.schemaReady;
  }

  private run<T>(operation: string, instanceId: string | undefined, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    return this.guard(operation, instanceId, async () => {
      await this.ready();
      return this.withClient(work);
    });
  }

  /** Refuses calls after close() and turns driver errors into `PersistenceError`s that name the server, the operation and the instance. */
  private async guard<T>(operation: string, instanceId: string | undefined, call: () => Promise<T>): Promise<T> {
    if (this.closing !== undefined) {
      throw new PersistenceError('STORE_UNAVAILABLE', `${this.where}: ${operation}${subject(instanceId)} after close()`, withId(instanceId));
    }
    try {
      return await call();
    } catch (error) {
      if (error instanceof PersistenceError) throw error;
      throw new PersistenceError('STORE_UNAVAILABLE', `${this.where}: ${operation}${subject(instanceId)} failed: ${explain(error)}`, {
        ...withId(instanceId),
        cause: error,
      });
    }
  }

  /** Runs `work` on a pooled client; on failure rolls back an open transaction or, if the client may be broken, drops it. */
  private async withClient<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    // While checked out, a client whose connection dies between two queries emits 'error' on itself.
    const onClientError = (): void => {};
    client.on('error', onClientError);
    try {
      const result = await work(client);
      client.removeListener('error', onClientError);
      client.release();
      return result;
    } catch (error) {
      // Our own errors (a version conflict, a damaged row) leave the connection sound; any other may not.
      // No method holds a transaction open (save is one statement), so there is nothing to roll back.
      const broken = !(error instanceof PersistenceError);
      client.removeListener('error', onClientError);
      client.release(broken ? toError(error) : undefined);
      throw error;
    }
  }
}

function subject(instanceId: string | undefined): string {
  return instanceId === undefined ? '' : ` of instance "${instanceId}"`;
}

function withId(instanceId: string | undefined): { instanceId?: string } {
  return instanceId === undefined ? {} : { instanceId };
}

function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/** SQLSTATEs and socket errors that mean the server cannot be reached now (as opposed to refusing a statement). */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', 'ENOENT',
  '57P01', '57P02', '57P03', '53300',
]);

/** Why a call failed, in words: the server is unreachable, timed out, or refused the statement. */
function explain(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  const detail = typeof code === 'string' ? `${message} [${code}]` : message;
  if (code === '57014') return `the statement timed out (${detail})`;
  if (typeof code === 'string' && code.startsWith('22')) return `the server rejected a value (${detail})`;
  if ((typeof code === 'string' && (UNREACHABLE_CODES.has(code) || code.startsWith('08'))) || /connection|timeout|not queryable/i.test(message)) {
    return `the server cannot be reached (${detail})`;
  }
  return detail;
}

/** `postgres://host:port/database` from the connection string or the pool's options, as `pg` would resolve them. */
function describeServer(connectionString: string | undefined, options: pg.PoolConfig): string {
  let host = options.host;
  let port = options.port === undefined ? undefined : String(options.port);
  let database = options.database;
  const url = connectionString ?? options.connectionString;
  if (url !== undefined) {
    try {
      const parsed = new URL(url);
      host = decodeURIComponent(parsed.hostname) || parsed.searchParams.get('host') || undefined;
      port = parsed.port || undefined;
      database = decodeURIComponent(parsed.pathname.slice(1)) || undefined;
    } catch {
      // Not a URL (a keyword=value string): fall back to the environment defaults below.
    }
  }
  host ??= process.env['PGHOST'] ?? 'localhost';
  port ??= process.env['PGPORT'] ?? '5432';
  database ??= process.env['PGDATABASE'] ?? options.user ?? process.env['PGUSER'] ?? '';
  return `postgres://${host}:${port}/${database}`;
}
