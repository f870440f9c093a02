// Durable workloads 7 and 8: the 10-step flow with each store, then recovery after a restart. Data goes to a temp
// dir and to PostgreSQL schemas of this run; both are removed at the end, as is a throwaway PostgreSQL cluster.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchConfig } from '../config.js';
import { benchPostgres, benchSchemaPrefix, dropSchemas, type BenchPostgres } from '../support/postgres.js';
import { DURABLE_KINDS, isPostgres, openStore, type StoreSetup } from '../workloads/durable.js';
import { closeDurableRunners, runDurableFlowSuite, type DurableFlowResult } from './durable-flows.js';
import { runRecoverySuite, type RecoveryGroup, type RecoverySuiteResult } from './durable-recovery.js';

export interface DurableResult {
  /** The server the PostgreSQL rows ran on, or why they were skipped. */
  postgres: { origin: string; fsync: string; synchronousCommit: string } | { skipped: string };
  /** Where SQLite files went (a temp dir, removed after). */
  dataDir: string;
  flows: DurableFlowResult;
  recovery: RecoverySuiteResult;
}

/**
 * Runs workloads 7 and 8. PostgreSQL recovers the SQLite data set's instances, copied (`--pg-instances` takes
 * fewer of them).
 */
export async function runDurableSuite(config: BenchConfig, log: (line: string) => void): Promise<DurableResult> {
  const dir = await mkdtemp(join(tmpdir(), 'runtime-core-bench-durable-'));
  let server: BenchPostgres | undefined;
  let skipped: string | undefined;
  try {
    const found = await benchPostgres();
    if (typeof found === 'string') skipped = found;
    else server = found;
  } catch (error) {
    skipped = `PostgreSQL could not be reached or started: ${error instanceof Error ? error.message : String(error)}`;
  }
  if (skipped !== undefined) log(`  PostgreSQL rows skipped: ${skipped}`);
  else if (server) log(`  PostgreSQL: ${server.origin}; fsync ${server.settings.fsync}, synchronous_commit ${server.settings.synchronousCommit}`);
  const setup: StoreSetup = { dir, postgres: server, schemaPrefix: benchSchemaPrefix(), schemas: new Set() };
  try {
    const kinds = DURABLE_KINDS.filter((kind) => server || !isPostgres(kind));
    const opened = kinds.map((kind) => openStore(kind, setup, `flows_${kind}`));
    const { result: flows, runners } = await runDurableFlowSuite(opened, config, log);
    await closeDurableRunners(flows, opened, runners);
    for (const store of opened) await store.dispose();

    const sqlite: RecoveryGroup = { name: 'recovery', kinds: ['sqlite-normal', 'sqlite-full'], instances: config.instances };
    const groups = [sqlite];
    const pgInstances = Math.min(config.pgInstances ?? config.instances, config.instances);
    if (server) groups.push({ name: 'recovery', kinds: ['postgres', 'postgres-async'], instances: pgInstances, copyFrom: { kind: 'sqlite-normal', name: sqlite.name } });
    const recovery = await runRecoverySuite(groups, setup, config.quick ? 1 : 2, config.instances, log);
    return {
      postgres: server ? { origin: server.origin, fsync: server.settings.fsync, synchronousCommit: server.settings.synchronousCommit } : { skipped: skipped ?? 'no server' },
      dataDir: tmpdir(),
      flows,
      recovery,
    };
  } finally {
    if (server && setup.schemas.size > 0) await dropSchemas(server.url, setup.schemas).catch((error: unknown) => log(`  could not drop the bench schemas: ${String(error)}`));
    await server?.release().catch((error: unknown) => log(`  could not stop the PostgreSQL cluster: ${String(error)}`));
    await rm(dir, { recursive: true, force: true });
  }
}
