// The durable workloads: workload 1's 10-step flow run with each store, and a flow that waits a day (for recovery).
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { MemoryStore, PostgresStore, ReactiveSystemRuntime, SqliteStore, defineSystem, type SystemDefinition } from '../../src/index.js';
import type { BenchPostgres } from '../support/postgres.js';
import { CountingStore, DiscardingStore } from './counting-store.js';
import { sequentialWorkload } from './sequential.js';
import { noop } from './tasks.js';
import type { FlowRunner } from './types.js';

/** Where a runtime keeps its instances: nowhere (no store), or one of the stores with its durability setting. */
export const DURABLE_KINDS = ['in-memory', 'discarding', 'memory', 'sqlite-normal', 'sqlite-full', 'postgres', 'postgres-async'] as const;
export type DurableKind = (typeof DURABLE_KINDS)[number];

export const DURABLE_TITLES: Record<DurableKind, string> = {
  'in-memory': 'in-memory runtime (no store)',
  discarding: 'store that stores nothing',
  memory: 'MemoryStore',
  'sqlite-normal': 'SQLite, synchronous NORMAL',
  'sqlite-full': 'SQLite, synchronous FULL',
  postgres: 'PostgreSQL',
  'postgres-async': 'PostgreSQL, synchronous_commit off',
};

export const isPostgres = (kind: DurableKind): boolean => kind === 'postgres' || kind === 'postgres-async';

/** What stores are made in: a temp dir for SQLite files, and a PostgreSQL server when there is one. */
export interface StoreSetup {
  dir: string;
  postgres: BenchPostgres | undefined;
  /** This run's prefix of PostgreSQL schema names, and the schemas made so far (dropped at the end). */
  schemaPrefix: string;
  schemas: Set<string>;
}

/** A store of one kind, counted, with what it takes to remove its data afterwards. */
export interface OpenedStore {
  kind: DurableKind;
  store: CountingStore | undefined;
  /** What the runtimes on this store logged as errors (a failed write, retried later): counted, not printed. */
  errors: string[];
  /** Bytes of the SQLite file and its WAL (undefined for other stores). */
  diskBytes(): number | undefined;
  /** Ends a pool the bench made for the store; the runtime closes the store itself. */
  dispose(): Promise<void>;
}

/**
 * Opens a store of `kind` on the data named `name`: a SQLite file in the temp dir, or a PostgreSQL schema. The
 * same name opened as another kind of the same database (`sqlite-full` after `sqlite-normal`) reads the same data.
 */
export function openStore(kind: DurableKind, setup: StoreSetup, name: string): OpenedStore {
  const none = { errors: [], diskBytes: () => undefined, dispose: async () => undefined };
  if (kind === 'in-memory') return { kind, store: undefined, ...none };
  // The runtime's side of a write alone: `save` resolves at once, nothing is kept (reads go to an empty MemoryStore).
  if (kind === 'discarding') return { kind, store: new DiscardingStore(new MemoryStore()), ...none };
  if (kind === 'memory') return { kind, store: new CountingStore(new MemoryStore()), ...none };
  if (kind === 'sqlite-normal' || kind === 'sqlite-full') {
    const path = join(setup.dir, `${name}.db`);
    const store = new SqliteStore(path, { synchronous: kind === 'sqlite-full' ? 'FULL' : 'NORMAL' });
    const size = (file: string) => (existsSync(file) ? statSync(file).size : 0);
    return { kind, store: new CountingStore(store), errors: [], diskBytes: () => size(path) + size(`${path}-wal`), dispose: async () => undefined };
  }
  const server = setup.postgres;
  if (!server) throw new Error(`${kind}: no PostgreSQL server`);
  const schema = `${setup.schemaPrefix}_${name.replace(/[^a-z0-9_]/gi, '_')}`;
  setup.schemas.add(schema);
  // synchronous_commit off is PostgreSQL's counterpart of SQLite NORMAL: a crash of the machine may lose the last commits.
  const pool = kind === 'postgres-async' ? new pg.Pool({ connectionString: server.url, options: '-c synchronous_commit=off' }) : undefined;
  // An idle client whose server went away emits 'error'; unheard, that would end the benchmark.
  pool?.on('error', () => undefined);
  const store = pool ? new PostgresStore({ pool, schema }) : new PostgresStore({ connectionString: server.url, schema });
  return {
    kind,
    store: new CountingStore(store),
    errors: [],
    diskBytes: () => undefined,
    dispose: async () => {
      await pool?.end();
    },
  };
}

/** A runtime for `system` with `opened`'s store and the no-op task, not started yet. Default options but the error log. */
export function createDurableRuntime(system: SystemDefinition, opened: OpenedStore): ReactiveSystemRuntime {
  const logger = { error: (message: string) => void opened.errors.push(message) };
  const runtime = new ReactiveSystemRuntime(system, opened.store ? { store: opened.store, logger } : { logger });
  runtime.registerTaskImplementations({ noop });
  return runtime;
}

/** The same, started (with a store: recovery done). */
export async function startDurableRuntime(system: SystemDefinition, opened: OpenedStore): Promise<ReactiveSystemRuntime> {
  const runtime = createDurableRuntime(system, opened);
  await runtime.start();
  return runtime;
}

/** Workload 1's flow through a runtime with the store; resolves with the output, remembers the instance ids it ran. */
export interface DurableRunner {
  run: FlowRunner;
  runtime: ReactiveSystemRuntime;
  /** Flows run so far (check, warm-up and measurement). */
  flows(): number;
  lastInstanceId(): string | undefined;
}

export async function durableRunner(opened: OpenedStore): Promise<DurableRunner> {
  const spec = sequentialWorkload.runtimeCore;
  const runtime = await startDurableRuntime(spec.system, opened);
  let flows = 0;
  let last: string | undefined;
  const run: FlowRunner = async (i) => {
    const result = await runtime.executeFlow(spec.flowId, sequentialWorkload.input(i));
    if (!result.success) throw new Error(`${opened.kind}: flow "${spec.flowId}" failed: ${result.error?.message ?? 'no error'}`);
    flows++;
    last = result.instanceId;
    return result.output;
  };
  return { run, runtime, flows: () => flows, lastInstanceId: () => last };
}

/** Recovery: `first` runs, then the flow waits a day on a durable timer; `last` never runs during the benchmark. */
export const waitingSystem = defineSystem({
  id: 'bench-recovery',
  tasks: { noop: {} },
  flows: {
    waiting: {
      steps: [
        { id: 'first', type: 'task', task: 'noop' },
        { id: 'pause', type: 'wait', duration: '1d' },
        { id: 'last', type: 'task', task: 'noop' },
      ],
    },
  },
});

/** The state a waiting instance is in, before and after recovery. */
export const WAITING_STATE = JSON.stringify({ running: 'pause' });
