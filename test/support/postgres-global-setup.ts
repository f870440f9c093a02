import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { createPostgresCluster, postgresClusterUnavailable, type SharedPostgres } from './postgres.js';

/**
 * Vitest global setup: provides the shared PostgreSQL server to test files (`postgresUrl()`). Uses
 * RUNTIME_CORE_PG_URL when set (CI sets it); otherwise starts one throwaway cluster in the background, so runs
 * that need no database do not wait for it, and removes it when the run ends.
 */
export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const given = process.env['RUNTIME_CORE_PG_URL'];
  if (given !== undefined && given !== '') {
    project.provide('postgres', { url: given } satisfies SharedPostgres);
    return undefined;
  }
  const unavailable = postgresClusterUnavailable();
  if (unavailable !== undefined) {
    project.provide('postgres', { unavailable } satisfies SharedPostgres);
    return undefined;
  }
  const statusDir = await mkdtemp(join(tmpdir(), 'runtime-core-pg-status-'));
  const statusFile = join(statusDir, 'status');
  await writeFile(statusFile, '');
  const cluster = await createPostgresCluster();
  const started = cluster.start().then(
    () => writeFile(statusFile, 'ready'),
    (error: unknown) => writeFile(statusFile, `failed\n${error instanceof Error ? error.message : String(error)}`),
  );
  project.provide('postgres', { url: cluster.url, statusFile } satisfies SharedPostgres);
  return async () => {
    await started;
    await cluster.destroy();
    await rm(statusDir, { recursive: true, force: true });
  };
}
