// `tsx bench/profile.ts <sequential|parallel|retry|condition|events> <runtime-core|xstate|async> [ms] [--tsx]`, or
// `tsx bench/profile.ts durable <in-memory|memory|sqlite-normal|sqlite-full|postgres|postgres-async> [ms]`
// CPU-profiles one workload of one implementation (transpiled JavaScript unless --tsx) and prints where
// the time of one flow (or event) goes; the profile is written to bench/profiles/.
import { isBenchChild, relaunch } from './launch.js';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (!isBenchChild) await relaunch('bench/profile.ts', args, args.includes('--tsx'));
  const [name = 'sequential', implementation = 'runtime-core', ms = '4000'] = args.filter((arg) => arg !== '--tsx');
  const { profileWorkload } = await import('./profiler.js');
  await profileWorkload(name, implementation, Number(ms));
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
