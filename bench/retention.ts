// `npx tsx bench/retention.ts [--count n]`: a runtime that runs for months. Creates and finishes n process
// instances and n flows (200,000 in all by default) on one in-memory runtime, and measures the heap after a forced
// GC against the heap before, with the default retention (10,000 summaries kept) and with none kept.
// A benchmark, not a timed test: see docs/performance.md ("Finished instances").
import { writeFileSync } from 'node:fs';
import { isBenchChild, relaunch } from './launch.js';
import { settledHeapUsed } from './measure.js';

const MB = 1024 * 1024;

async function measure(count: number, retention: { count: number } | undefined) {
  const { ReactiveSystemRuntime, defineSystem } = await import('../src/index.js');
  const system = defineSystem({
    id: 'months',
    version: '1.0.0',
    tasks: { work: {} },
    processes: { ticket: { initial: 'open', context: { notes: 0 }, states: { open: { on: { close: 'closed' } }, closed: { type: 'final' } } } },
    flows: { job: { steps: [{ id: 'work', type: 'task', task: 'work' }] } },
  });
  const runtime = new ReactiveSystemRuntime(system, retention ? { retention } : {});
  runtime.registerTaskImplementation('work', (input: { n: number }) => ({ done: input.n }));
  // Warm: every lazily built part exists before the first reading.
  await runtime.executeFlow('job', { n: 0 });
  runtime.sendEvent('close', {}, { processId: 'ticket' });
  const before = settledHeapUsed();
  const started = Date.now();
  for (let i = 0; i < count; i++) {
    const instanceId = runtime.createProcess('ticket', { instanceId: `t-${i}` });
    runtime.sendEvent('close', {}, { instanceId });
  }
  if (retention?.count !== 0 && runtime.getProcessState('ticket', `t-${count - 1}`) !== 'closed') throw new Error('the last process did not finish');
  for (let i = 0; i < count; i += 32) {
    const batch: Promise<unknown>[] = [];
    for (let j = i; j < Math.min(count, i + 32); j++) batch.push(runtime.executeFlow('job', { n: j }));
    await Promise.all(batch);
  }
  const elapsedMs = Date.now() - started;
  const after = settledHeapUsed();
  const kept = (await runtime.listInstances({ limit: 1000 })).instances.length;
  const last = retention?.count === 0 ? undefined : await runtime.flowResult((await runtime.listInstances({ flowId: 'job', limit: 1 })).instances[0]?.instanceId ?? '');
  if (last && !last.success) throw new Error('the last flow failed');
  runtime.stop();
  return { retention: retention ?? 'default', instances: 2 * count, heapBeforeMB: before / MB, heapAfterMB: after / MB, growthMB: (after - before) / MB, listedFirstPage: kept, elapsedMs };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (!isBenchChild) await relaunch('bench/retention.ts', args, args.includes('--tsx'));
  const at = args.indexOf('--count');
  const count = at >= 0 ? Number(args[at + 1]) : 100_000;
  const rows = [await measure(count, undefined), await measure(count, { count: 0 })];
  console.log(`finished instances: ${2 * count} (${count} processes, ${count} flows) per run; heap after a forced GC`);
  for (const row of rows) {
    const label = row.retention === 'default' ? 'default retention (10,000 kept)' : 'retention { count: 0 }';
    console.log(`  ${label.padEnd(34)} heap ${row.heapBeforeMB.toFixed(1)} MB → ${row.heapAfterMB.toFixed(1)} MB (${row.growthMB >= 0 ? '+' : ''}${row.growthMB.toFixed(1)} MB) in ${(row.elapsedMs / 1000).toFixed(1)} s`);
  }
  writeFileSync('bench/results.retention.json', `${JSON.stringify({ count, rows }, null, 2)}\n`);
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
