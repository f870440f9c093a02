// `npm run bench [-- --quick] [-- --tsx]`: runtime-core against hand-written XState v5 and plain async/await.
// See docs/performance.md for what is measured, how, and how to read the figures.
import { parseArgs } from './config.js';
import { isBenchChild, relaunch } from './launch.js';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const config = parseArgs(args);
  // Measure in a child started with --expose-gc, running the transpiled JavaScript unless --tsx.
  if (!isBenchChild) await relaunch('bench/run.ts', args, config.fromSource);
  const { runBench } = await import('./suite.js');
  await runBench(config);
  // Every runtime and actor was stopped; exit anyway so that a stray handle cannot keep a caller waiting.
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
