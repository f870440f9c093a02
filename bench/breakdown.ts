// `tsx bench/breakdown.ts [sequential|parallel|retry|condition|heap|durable …] [--tsx] [--repeats n] [--budget ms]`
// Peels runtime-core's layers off one flow at a time and prints what each costs per flow (bench/suites/breakdown.ts),
// for `heap`, what each layer of an idle process instance costs in bytes (bench/suites/heap-breakdown.ts), and for
// `durable` (only when named: it may start a PostgreSQL cluster), what each store and the write-ahead rule cost a flow.
import { parseArgs } from './config.js';
import { isBenchChild, relaunch } from './launch.js';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  // Workload names are the arguments that are neither flags nor flag values.
  const names = args.filter((arg, i) => !arg.startsWith('--') && !['--budget', '--repeats', '--out', '--instances', '--in-flight', '--only', '--pg-instances'].includes(args[i - 1] ?? ''));
  const flags = args.filter((arg) => !names.includes(arg));
  // Six variants per workload: shorter slices and more repetitions than the main run, unless given.
  const defaults = [...(flags.includes('--repeats') ? [] : ['--repeats', '7']), ...(flags.includes('--budget') ? [] : ['--budget', '800'])];
  const config = { ...parseArgs([...flags, ...defaults]), sliceMs: 200, warmupMs: 500 };
  if (!isBenchChild) await relaunch('bench/breakdown.ts', args, config.fromSource);
  const [{ runBreakdown }, { runHeapBreakdown }, { runDurableBreakdown }, workloads] = await Promise.all([
    import('./suites/breakdown.js'),
    import('./suites/heap-breakdown.js'),
    import('./suites/durable-breakdown.js'),
    import('./workloads/all.js'),
  ]);
  const known = [...workloads.flowWorkloads.map((w) => w.id), 'heap', 'durable'];
  const unknown = names.filter((name) => !known.includes(name));
  if (unknown.length) throw new Error(`Unknown workload(s) ${unknown.join(', ')} (known: ${known.join(', ')})`);
  const selected = names.length ? workloads.flowWorkloads.filter((w) => names.includes(w.id)) : workloads.flowWorkloads;
  if (selected.length) await runBreakdown(selected, config, console.log);
  if (names.length === 0 || names.includes('heap')) runHeapBreakdown(config.instances, 3, console.log);
  if (names.includes('durable')) await runDurableBreakdown(config, console.log);
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
