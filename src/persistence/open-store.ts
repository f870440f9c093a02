import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PersistenceError, UsageError } from '../errors.js';
import { MemoryStore } from './memory-store.js';
import { PostgresStore, type PostgresStoreOptions } from './postgres-store.js';
import { SqliteStore, type SqliteStoreOptions } from './sqlite-store.js';
import type { SnapshotStore } from './store.js';

/** How `openStore` builds the store a spec names. */
export interface OpenStoreOptions {
  /** The directory a relative SQLite path is resolved against. @default the path is used as given */
  cwd?: string;
  /**
   * Whether a SQLite file that does not exist yet is created. With `false`, a missing file fails at once with
   * `PersistenceError('STORE_UNAVAILABLE')` (for tools that only read a store).
   * @default true
   */
  create?: boolean;
  /** Options of the `SqliteStore` a path opens. @default SqliteStore's */
  sqlite?: SqliteStoreOptions;
  /** Options of the `PostgresStore` a `postgres://` URL opens (the URL is the connection string). @default PostgresStore's */
  postgres?: Omit<PostgresStoreOptions, 'connectionString' | 'pool'>;
}

/** What a store spec names (`parseStoreSpec`). */
export type StoreSpec = { kind: 'sqlite'; path: string } | { kind: 'postgres'; connectionString: string } | { kind: 'memory' };

const URL_SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;
const EXPECTED = 'expected a file path (./runtime.db), a postgres:// or postgresql:// URL, or "memory"';

/** `postgres://user:secret@host/db` → `postgres://user:***@host/db`, so messages never show a password. */
function redact(spec: string): string {
  return spec.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*):[^@/]*@/i, '$1:***@');
}

/**
 * What a store spec names, without opening anything: a URL with the `postgres` or `postgresql` scheme is
 * PostgreSQL, `memory` is the in-memory store, `sqlite:<path>` and `file://` URLs and every other string that is
 * not a URL are SQLite files. Throws `UsageError` (`INVALID_ARGUMENT`) for an empty spec or a URL of another scheme.
 */
export function parseStoreSpec(spec: string): StoreSpec {
  if (typeof spec !== 'string' || spec.trim() === '') throw new UsageError(`openStore: the store spec is empty; ${EXPECTED}`, 'INVALID_ARGUMENT');
  const text = spec.trim();
  if (text === 'memory') return { kind: 'memory' };
  const scheme = URL_SCHEME.exec(text)?.[1]?.toLowerCase();
  if (scheme === 'postgres' || scheme === 'postgresql') return { kind: 'postgres', connectionString: text };
  if (scheme === 'file') {
    try {
      return { kind: 'sqlite', path: fileURLToPath(text) };
    } catch (error) {
      throw new UsageError(`openStore: ${JSON.stringify(redact(text))} is not a usable file URL (${error instanceof Error ? error.message : String(error)})`, 'INVALID_ARGUMENT');
    }
  }
  if (scheme !== undefined) throw new UsageError(`openStore: unsupported store ${JSON.stringify(redact(text))} (scheme "${scheme}:"); ${EXPECTED}`, 'INVALID_ARGUMENT');
  if (text.startsWith('sqlite:')) {
    const path = text.slice('sqlite:'.length);
    if (path === '') throw new UsageError(`openStore: "sqlite:" names no file; ${EXPECTED}`, 'INVALID_ARGUMENT');
    return { kind: 'sqlite', path };
  }
  return { kind: 'sqlite', path: text };
}

/**
 * Opens the snapshot store a spec names (as `--store` takes it on the command line):
 * - a file path, `sqlite:<path>` or a `file://` URL → `SqliteStore` (the file is created on first use; `:memory:` is an in-memory database);
 * - `postgres://…` or `postgresql://…` → `PostgresStore` with that connection string;
 * - `memory` → `MemoryStore`.
 *
 * Nothing connects until the store's first operation (`runtime.start()` calls `init()`). Throws `UsageError`
 * (`INVALID_ARGUMENT`) for a spec of another kind, `UsageError` (`INVALID_OPTION`) for a store option that is
 * wrong and, with `create: false`, `PersistenceError('STORE_UNAVAILABLE')` for a missing SQLite file.
 *
 * @example const runtime = new ReactiveSystemRuntime(system, { store: openStore(process.env.STORE ?? './runtime.db') });
 */
export function openStore(spec: string, options: OpenStoreOptions = {}): SnapshotStore {
  const parsed = parseStoreSpec(spec);
  if (parsed.kind === 'memory') return new MemoryStore();
  if (parsed.kind === 'postgres') return new PostgresStore({ ...options.postgres, connectionString: parsed.connectionString });
  const memory = parsed.path === ':memory:';
  const path = memory || options.cwd === undefined || isAbsolute(parsed.path) ? parsed.path : resolve(options.cwd, parsed.path);
  if (options.create === false && !memory && !existsSync(path)) {
    throw new PersistenceError('STORE_UNAVAILABLE', `SQLite store "${path}": no such file (nothing was stored there yet)`);
  }
  return new SqliteStore(path, options.sqlite);
}
