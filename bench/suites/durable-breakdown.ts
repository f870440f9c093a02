// Where a durable flow's extra time goes: workload 1's flow with each store, with a store that stores nothing,
// and with the write-ahead rule switched off (diagnostic only: tasks then start before their snapshot is stored,
// which the runtime never allows), measured interleaved; then where SQLite recovery time goes.
// `tsx bench/breakdown.ts durable [--instances n]`.
import { deepStrictEqual } from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryStore, type ReactiveSystemRuntime } from '../../src/index.js';
import type { BenchConfig } from '../config.js';
import { performance } from 'node:perf_hooks';
import { measureAsync, measureInterleaved, median, rotate, settledHeapUsed } from '../measure.js';
import { benchPostgres, benchSchemaPrefix, dropSchemas } from '../support/postgres.js';
import { DiscardingStore } from '../workloads/counting-store.js';
import { createDurableRuntime, durableRunner, openStore, waitingSystem, type DurableKind, type DurableRunner, type OpenedStore, type StoreSetup } from '../workloads/durable.js';
import { populate } from './durable-recovery.js';
import { sequentialWorkload } from '../workloads/sequential.js';

/** Tasks of this runtime no longer wait for their snapshot write (it still happens). Reaches into a private field. */
function withoutWriteAhead(runtime: ReactiveSystemRuntime): void {
  const internals = runtime as unknown as { durability?: { whenDurable(instanceId: string): Promise<void> } };
  if (!internals.durability) throw new Error('breakdown: the runtime has no store');
  internals.durability.whenDurable = () => Promise.resolve();
}

/**
 * Where SQLite recovery time goes: reading the rows, restoring the actors (writes discarded), and the one write
 * per recovered instance (its `instance.recovered` entry), each in its own transaction, NORMAL and FULL.
 */
async function recoverySplit(setup: StoreSetup, n: number, repeats: number, log: (line: string) => void): Promise<void> {
  await populate('sqlite-normal', setup, 'split', n);
  const timeStart = async (kind: DurableKind, discard: boolean) => {
    const opened = openStore(kind, setup, 'split');
    const inner = opened.store?.inner;
    const store = discard && inner ? new DiscardingStore(inner) : opened.store;
    settledHeapUsed();
    const started = performance.now();
    const runtime = createDurableRuntime(waitingSystem, { ...opened, store });
    const report = await runtime.start();
    const ms = performance.now() - started;
    if (report.recovered.length !== n) throw new Error(`recovery split: ${report.recovered.length} of ${n} recovered`);
    await runtime.close();
    return ms;
  };
  const steps: Array<[string, () => Promise<number>]> = [
    ['loadUnfinished() alone', async () => {
      const inner = openStore('sqlite-normal', setup, 'split').store?.inner;
      const started = performance.now();
      await inner?.loadUnfinished();
      const ms = performance.now() - started;
      await inner?.close();
      return ms;
    }],
    ['start(), writes discarded', () => timeStart('sqlite-normal', true)],
    ['start(), SQLite NORMAL', () => timeStart('sqlite-normal', false)],
    ['start(), SQLite FULL', () => timeStart('sqlite-full', false)],
  ];
  const runs = new Map(steps.map(([key]) => [key, [] as number[]]));
  for (let rep = 0; rep < repeats; rep++) for (const [key, step] of rotate(steps, rep)) runs.get(key)?.push(await step());
  log(`\nrecovery of ${n.toLocaleString('en-US')} waiting instances from SQLite: ms (median of ${repeats}), µs per instance`);
  for (const [key] of steps) {
    const ms = median(runs.get(key) ?? []);
    log(`  ${key.padEnd(30)} ${ms.toFixed(0).padStart(7)} ms  ${((ms * 1000) / n).toFixed(0).padStart(6)} µs`);
  }
}

interface Variant {
  key: string;
  opened: OpenedStore;
  writeAhead: boolean;
  /** Measured alone after the others: its writes keep the PostgreSQL server busy after its slice ends. */
  after?: boolean;
  runner?: DurableRunner;
}

/** Measures the variants interleaved and prints µs per flow, the cost over the in-memory runtime and writes per flow. */
export async function runDurableBreakdown(config: BenchConfig, log: (line: string) => void): Promise<void> {
  const setup: StoreSetup = { dir: await mkdtemp(join(tmpdir(), 'runtime-core-breakdown-')), postgres: undefined, schemaPrefix: benchSchemaPrefix(), schemas: new Set() };
  const server = await benchPostgres().catch((error: unknown) => `did not start: ${String(error)}`);
  if (typeof server === 'string') log(`PostgreSQL variants skipped: ${server}`);
  else setup.postgres = server;
  const open = (kind: DurableKind, name: string) => openStore(kind, setup, name);
  // An empty MemoryStore read through, nothing written.
  const nullStore = (): OpenedStore => ({ ...open('in-memory', ''), store: new DiscardingStore(new MemoryStore()) });
  const list: Variant[] = [
    { key: 'SQLite FULL', opened: open('sqlite-full', 'full'), writeAhead: true },
    { key: 'SQLite FULL, no write-ahead', opened: open('sqlite-full', 'full_nwa'), writeAhead: false },
    { key: 'SQLite NORMAL', opened: open('sqlite-normal', 'normal'), writeAhead: true },
    { key: 'MemoryStore', opened: open('memory', ''), writeAhead: true },
    { key: 'null store', opened: nullStore(), writeAhead: true },
    { key: 'null store, no write-ahead', opened: nullStore(), writeAhead: false },
    { key: 'in-memory runtime', opened: open('in-memory', ''), writeAhead: true },
  ];
  if (setup.postgres) {
    list.unshift(
      { key: 'PostgreSQL', opened: open('postgres', 'pg'), writeAhead: true },
      { key: 'PostgreSQL, no write-ahead', opened: open('postgres', 'pg_nwa'), writeAhead: false, after: true },
    );
  }
  try {
    const prepare = async (variant: Variant) => {
      const runner = await durableRunner(variant.opened);
      if (!variant.writeAhead) withoutWriteAhead(runner.runtime);
      variant.runner = runner;
      for (let i = 0; i < 4; i++) deepStrictEqual(await runner.run(i), sequentialWorkload.expected(i), `durable breakdown / ${variant.key}: unexpected output`);
      await measureAsync(runner.run, config.warmupMs);
      return runner;
    };
    const together = list.filter((v) => !v.after);
    for (const variant of together) await prepare(variant);
    const keys = together.map((v) => v.key);
    const byKey = new Map(together.map((v) => [v.key, v.runner as DurableRunner]));
    const runs = new Map(list.map((v) => [v.key, [] as number[]]));
    for (let rep = 0; rep < config.repeats; rep++) {
      const samples = await measureInterleaved(keys, (key, ms) => measureAsync((byKey.get(key) as DurableRunner).run, ms), config.budgetMs, config.sliceMs);
      for (const key of keys) runs.get(key)?.push(1e6 / (samples[key]?.perSecond ?? Number.NaN));
    }
    for (const variant of list.filter((v) => v.after)) {
      const runner = await prepare(variant);
      for (let rep = 0; rep < config.repeats; rep++) runs.get(variant.key)?.push(1e6 / (await measureAsync(runner.run, config.budgetMs)).perSecond);
    }
    const base = median(runs.get('in-memory runtime') ?? []);
    log(`\n10-step flow, durable: µs per flow (median of ${config.repeats}), over the in-memory runtime, store writes per flow`);
    for (const variant of list) {
      const us = median(runs.get(variant.key) ?? []);
      const runner = variant.runner as DurableRunner;
      const writes = variant.opened.store ? (variant.opened.store.saves / runner.flows()).toFixed(1) : '';
      const note = variant.after ? '  (measured alone, after the others)' : '';
      log(`  ${variant.key.padEnd(30)} ${us.toFixed(0).padStart(7)} µs  ${`+${(us - base).toFixed(0)} µs`.padStart(10)}  ${writes.padStart(5)} writes${note}`);
    }
    for (const variant of list) await variant.runner?.runtime.close();
    list.forEach((variant) => delete variant.runner);
    await recoverySplit(setup, config.instances, 3, log);
  } finally {
    for (const variant of list) await variant.runner?.runtime.close();
    for (const variant of list) await variant.opened.dispose();
    if (setup.postgres) {
      await dropSchemas(setup.postgres.url, setup.schemas);
      await setup.postgres.release();
    }
    await rm(setup.dir, { recursive: true, force: true });
  }
}
