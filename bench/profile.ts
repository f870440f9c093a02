// `tsx bench/profile.ts <sequential|parallel|retry|condition|events> <runtime-core|xstate|async> [ms] [--in-flight n] [--tsx]`, or
// `tsx bench/profile.ts durable <in-memory|discarding|memory|sqlite-normal|sqlite-full|postgres|postgres-async> [ms] [--in-flight n]`
// CPU-profiles one workload of one implementation (transpiled JavaScript unless --tsx) and prints where
// the time of one flow (or event) goes; the profile is written to bench/profiles/. `--in-flight n` keeps n flows
// running at once (as the benchmark's in-flight mode does) instead of one at a time.
import { isBenchChild, relaunch } from './launch.js';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (!isBenchChild) await relaunch('bench/profile.ts', args, args.includes('--tsx'));
  const at = args.indexOf('--in-flight');
  const inFlight = at < 0 ? 0 : Number(args[at + 1]);
  if (!Number.isInteger(inFlight) || inFlight < 0) throw new Error(`--in-flight expects a whole number ≥ 0, got "${args[at + 1]}"`);
  const positional = args.filter((arg, i) => arg !== '--tsx' && (at < 0 || (i !== at && i !== at + 1)));
  const [name = 'sequential', implementation = 'runtime-core', ms = '4000'] = positional;
  const { profileWorkload } = await import('./profiler.js');
  await profileWorkload(name, implementation, Number(ms), inFlight);
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
