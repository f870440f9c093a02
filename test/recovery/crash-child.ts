import { z } from 'zod';
import { createCrashRuntime, SCENARIOS, openStore } from './crash-system.js';

// A process the crash-recovery test runs and kills:
//   node --import tsx test/recovery/crash-child.ts '{"store":{…},"scenario":"a","mode":"run","log":"/tmp/…/run.jsonl"}'
// 'run': starts the scenario's flows with fixed instance ids, prints {"started":[…]} and stays alive (its hanging
// tasks never return) until it is killed. 'recover': `await runtime.start()`, waits for every flow's result and
// prints one JSON line { report, results, instances, history }, then closes the runtime.

const Args = z.object({
  store: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('sqlite'), path: z.string() }),
    z.object({ kind: z.literal('postgres'), url: z.string(), schema: z.string() }),
  ]),
  scenario: z.enum(['a', 'b', 'c', 'd', 'e', 'f']),
  mode: z.enum(['run', 'recover']),
  log: z.string(),
});

export type CrashChildArgs = z.infer<typeof Args>;

const args = Args.parse(JSON.parse(process.argv[2] ?? '{}'));
const runs = SCENARIOS[args.scenario];
const runtime = createCrashRuntime(openStore(args.store), args.mode, args.log, runs);
const print = (value: unknown) => process.stdout.write(`${JSON.stringify(value)}\n`);

if (args.mode === 'run') {
  await runtime.start();
  for (const run of runs) runtime.startFlow(run.flowId, run.input, { instanceId: run.instanceId });
  print({ started: runs.map((run) => run.instanceId) });
  // Keeps the process alive while its tasks hang: only SIGKILL ends it.
  setInterval(() => undefined, 60_000);
} else {
  const report = await runtime.start();
  const results = Object.fromEntries(await Promise.all(runs.map(async (run) => [run.instanceId, await runtime.flowResult(run.instanceId)] as const)));
  const instances = (await runtime.listInstances()).instances;
  const history = Object.fromEntries(await Promise.all(runs.map(async (run) => [run.instanceId, await runtime.getHistory(run.instanceId)] as const)));
  print({ report, results, instances, history });
  await runtime.close();
}
