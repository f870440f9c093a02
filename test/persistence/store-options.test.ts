// The stores' options resolved in one place: defaults, Duration and *Ms forms, and the messages of mistakes.
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { openStore } from '../../src/persistence/open-store.js';
import { POSTGRES_STORE_DEFAULTS, resolvePostgresStoreOptions, type PostgresStoreOptions } from '../../src/persistence/postgres-store-options.js';
import { PostgresStore } from '../../src/persistence/postgres-store.js';
import { resolveSqliteStoreOptions, SQLITE_STORE_DEFAULTS, type SqliteStoreOptions } from '../../src/persistence/sqlite-store-options.js';
import { SqliteStore } from '../../src/persistence/sqlite-store.js';

/** The error `build` throws; fails the test when it throws none. */
function thrown(build: () => unknown): unknown {
  try {
    build();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error, none was thrown');
}

/** The message of the `UsageError` (`INVALID_OPTION`) that `build` throws. */
function optionMistake(build: () => unknown): string {
  const error = thrown(build);
  expect(error).toBeInstanceOf(UsageError);
  expect(error).toMatchObject({ code: 'INVALID_OPTION' });
  return (error as Error).message;
}

const URL = 'postgres://app@db.example:5432/orders';

describe('resolveSqliteStoreOptions', () => {
  it('applies the defaults: synchronous FULL, a 5 s busy timeout', () => {
    expect(resolveSqliteStoreOptions()).toEqual({ synchronous: 'FULL', busyTimeoutMs: 5000 });
    expect(resolveSqliteStoreOptions({})).toEqual(SQLITE_STORE_DEFAULTS);
  });

  it('takes busyTimeout as a Duration and busyTimeoutMs as milliseconds', () => {
    expect(resolveSqliteStoreOptions({ busyTimeout: '250ms' }).busyTimeoutMs).toBe(250);
    expect(resolveSqliteStoreOptions({ busyTimeout: '1.5s' }).busyTimeoutMs).toBe(1500);
    expect(resolveSqliteStoreOptions({ busyTimeout: '2m' }).busyTimeoutMs).toBe(120_000);
    expect(resolveSqliteStoreOptions({ busyTimeout: 300 }).busyTimeoutMs).toBe(300);
    expect(resolveSqliteStoreOptions({ busyTimeout: 0 }).busyTimeoutMs).toBe(0);
    expect(resolveSqliteStoreOptions({ busyTimeoutMs: 250, synchronous: 'NORMAL' })).toEqual({ synchronous: 'NORMAL', busyTimeoutMs: 250 });
  });

  it('names the option and says what it expected, as UsageError INVALID_OPTION', () => {
    const cases: Array<[SqliteStoreOptions, string]> = [
      [{ synchronous: 'OFF' as 'FULL' }, `SqliteStore: options.synchronous must be 'FULL' or 'NORMAL', got "OFF"`],
      [{ busyTimeoutMs: -1 }, 'SqliteStore: options.busyTimeoutMs must be a non-negative integer, got -1'],
      [{ busyTimeoutMs: 2.5 }, 'SqliteStore: options.busyTimeoutMs must be a non-negative integer, got 2.5'],
      [{ busyTimeoutMs: '5s' as unknown as number }, 'SqliteStore: options.busyTimeoutMs must be a non-negative integer, got 5s'],
      [
        { busyTimeout: '5 seconds' },
        'SqliteStore: options.busyTimeout: Invalid duration "5 seconds": expected milliseconds as a number, or a string such as 250ms, 30s, 5m, 2h or 1d',
      ],
      [{ busyTimeout: -5 }, 'SqliteStore: options.busyTimeout: Invalid duration -5: a duration cannot be negative'],
      [{ busyTimeout: '0.5ms' }, 'SqliteStore: options.busyTimeout must be a non-negative whole number of milliseconds, got "0.5ms" (0.5ms)'],
      [{ busyTimeout: '1s', busyTimeoutMs: 1000 }, 'SqliteStore: give options.busyTimeout or options.busyTimeoutMs, not both'],
    ];
    for (const [options, message] of cases) {
      expect({ options, message: optionMistake(() => resolveSqliteStoreOptions(options)) }).toEqual({ options, message });
    }
  });

  it('is what the SqliteStore constructor and openStore check', async () => {
    expect(optionMistake(() => new SqliteStore('x.db', { busyTimeout: 'soon' }))).toMatch(/^SqliteStore: options\.busyTimeout: Invalid duration "soon"/);
    expect(optionMistake(() => openStore('x.db', { sqlite: { busyTimeoutMs: -1 } }))).toMatch(/options\.busyTimeoutMs must be a non-negative integer/);
    const store = new SqliteStore(':memory:', { busyTimeout: '250ms' });
    try {
      await store.init();
      expect(store.connectionSettings()).toMatchObject({ busyTimeoutMs: 250 });
    } finally {
      await store.close();
    }
  });
});

describe('resolvePostgresStoreOptions', () => {
  it('applies the defaults: schema runtime_core, 5 s to connect, 30 s per statement', () => {
    expect(resolvePostgresStoreOptions({ connectionString: URL })).toEqual({
      pool: undefined,
      connectionString: URL,
      schema: 'runtime_core',
      connectionTimeoutMs: 5000,
      statementTimeoutMs: 30_000,
    });
    expect(POSTGRES_STORE_DEFAULTS).toEqual({ schema: 'runtime_core', connectionTimeoutMs: 5000, statementTimeoutMs: 30_000 });
  });

  it('takes the timeouts as Durations or as milliseconds', () => {
    expect(resolvePostgresStoreOptions({ connectionString: URL, connectionTimeout: '2s', statementTimeout: '1m' })).toMatchObject({
      connectionTimeoutMs: 2000,
      statementTimeoutMs: 60_000,
    });
    expect(resolvePostgresStoreOptions({ connectionString: URL, connectionTimeoutMs: 750, statementTimeout: 1500 })).toMatchObject({
      connectionTimeoutMs: 750,
      statementTimeoutMs: 1500,
    });
  });

  it('names the option and says what it expected, as UsageError INVALID_OPTION', () => {
    const cases: Array<[PostgresStoreOptions, string]> = [
      [{}, 'PostgresStore: give options.connectionString or options.pool'],
      [{ connectionString: URL, schema: 'a"; DROP TABLE x; --' }, 'PostgresStore: options.schema must be a plain identifier (letters, digits, _), got "a\\"; DROP TABLE x; --"'],
      [{ connectionString: URL, connectionTimeoutMs: 0 }, 'PostgresStore: options.connectionTimeoutMs must be a positive integer, got 0'],
      [{ connectionString: URL, statementTimeoutMs: 1.5 }, 'PostgresStore: options.statementTimeoutMs must be a positive integer, got 1.5'],
      [{ connectionString: URL, connectionTimeout: '0s' }, 'PostgresStore: options.connectionTimeout must be a positive whole number of milliseconds, got "0s" (0ms)'],
      [
        { connectionString: URL, statementTimeout: '30 s' },
        'PostgresStore: options.statementTimeout: Invalid duration "30 s": expected milliseconds as a number, or a string such as 250ms, 30s, 5m, 2h or 1d',
      ],
      [{ connectionString: URL, statementTimeout: '30s', statementTimeoutMs: 30_000 }, 'PostgresStore: give options.statementTimeout or options.statementTimeoutMs, not both'],
    ];
    for (const [options, message] of cases) {
      expect({ options, message: optionMistake(() => resolvePostgresStoreOptions(options)) }).toEqual({ options, message });
    }
  });

  it('is what the PostgresStore constructor and openStore check, before any connection', () => {
    expect(optionMistake(() => new PostgresStore({ connectionString: URL, statementTimeout: 'forever' }))).toMatch(/^PostgresStore: options\.statementTimeout: Invalid duration "forever"/);
    expect(optionMistake(() => openStore(URL, { postgres: { connectionTimeoutMs: -1 } }))).toMatch(/options\.connectionTimeoutMs must be a positive integer, got -1/);
  });
});
