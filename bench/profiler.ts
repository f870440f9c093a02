// Profiles one workload of one implementation, after a warm-up, with the inspector's CPU profiler.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Session } from 'node:inspector/promises';
import { measureAsync, measureInFlight, measureSync, type Sample } from './measure.js';
import { summarizeProfile, type CpuProfile } from './profile-summary.js';
import { benchPostgres, benchSchemaPrefix, dropSchemas } from './support/postgres.js';
import { DURABLE_KINDS, durableRunner, isPostgres, openStore, type DurableKind, type DurableRunner, type StoreSetup } from './workloads/durable.js';
import { flowWorkloads } from './workloads/all.js';
import { populations, type ProcessImplementation } from './workloads/processes.js';
import { IMPLEMENTATIONS, type Implementation } from './workloads/types.js';

interface Profiled {
  /** Runs the operation (and, for flows, the workload's other implementations: XState's code is shared with
   * runtime-core, so what the JIT has seen matters, as in the benchmark) untimed. */
  warmUp(ms: number): Promise<void>;
  measure(ms: number): Promise<Sample>;
  /** Removes what the workload made (temp files, a PostgreSQL cluster). */
  dispose?(): Promise<void>;
}

/** The 10-step flow with one store (`durable <kind>`): the store's data in a temp dir or schema, removed after. */
function prepareDurable(kind: string, flows: Flows): Profiled {
  if (!DURABLE_KINDS.includes(kind as DurableKind)) throw new Error(`durable: one of ${DURABLE_KINDS.join(', ')}`);
  const setup: StoreSetup = { dir: mkdtempSync(join(tmpdir(), 'runtime-core-profile-')), postgres: undefined, schemaPrefix: benchSchemaPrefix(), schemas: new Set() };
  let runner: DurableRunner | undefined;
  const run = () => runner as DurableRunner;
  return {
    warmUp: async (ms) => {
      if (isPostgres(kind as DurableKind)) {
        const server = await benchPostgres();
        if (typeof server === 'string') throw new Error(server);
        setup.postgres = server;
      }
      runner = await durableRunner(openStore(kind as DurableKind, setup, 'profile'));
      await flows(run().run, ms);
    },
    measure: (ms) => flows(run().run, ms),
    dispose: async () => {
      await runner?.runtime.close();
      if (setup.postgres) {
        await dropSchemas(setup.postgres.url, setup.schemas);
        await setup.postgres.release();
      }
      rmSync(setup.dir, { recursive: true, force: true });
    },
  };
}

/** Runs flows for `ms`: one at a time, or a number in flight. */
type Flows = (run: (i: number) => Promise<unknown>, ms: number) => Promise<Sample>;

/** The operation to profile; flows one at a time, or `inFlight` at once when it is > 0. */
function prepare(name: string, implementation: string, inFlight: number): Profiled {
  const flows: Flows = inFlight > 0 ? (run, ms) => measureInFlight(run, ms, inFlight) : measureAsync;
  if (name === 'durable') return prepareDurable(implementation, flows);
  if (name === 'events') {
    if (implementation !== 'runtime-core' && implementation !== 'xstate') throw new Error('events: runtime-core or xstate');
    const population = populations[implementation as ProcessImplementation]();
    const ids = Array.from({ length: 10_000 }, (_, i) => `waiter-${i}`);
    population.create(ids);
    const measure = async (ms: number) => measureSync((i) => population.ping(ids[i % ids.length] as string), ms);
    return { warmUp: async (ms) => void (await measure(ms)), measure };
  }
  const workload = flowWorkloads.find((w) => w.id === name);
  if (!workload) throw new Error(`Unknown workload "${name}" (known: ${flowWorkloads.map((w) => w.id).join(', ')}, events, durable)`);
  if (!IMPLEMENTATIONS.includes(implementation as Implementation)) throw new Error(`Unknown implementation "${implementation}" (known: ${IMPLEMENTATIONS.join(', ')})`);
  const runners = workload.create();
  const run = runners[implementation as Implementation];
  return {
    warmUp: async (ms) => {
      for (const other of IMPLEMENTATIONS) await flows(runners[other], other === implementation ? ms : ms / 2);
    },
    measure: (ms) => flows(run, ms),
  };
}

/**
 * Warms `name` / `implementation` up (and, for flows, the other implementations of the workload), profiles it for `budgetMs`, writes
 * bench/profiles/<name>-<implementation>[-inflight<n>].cpuprofile (open it in Chrome DevTools) and prints the summary.
 */
export async function profileWorkload(name: string, implementation: string, budgetMs: number, inFlight = 0): Promise<void> {
  const profiled = prepare(name, implementation, inFlight);
  await profiled.warmUp(1500);
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  await session.post('Profiler.start');
  const cpu = process.cpuUsage();
  const sample = await profiled.measure(budgetMs);
  const { user, system } = process.cpuUsage(cpu);
  const { profile } = (await session.post('Profiler.stop')) as { profile: CpuProfile };
  session.disconnect();
  await profiled.dispose?.();

  mkdirSync('bench/profiles', { recursive: true });
  const mode = inFlight > 0 ? `-inflight${inFlight}` : '';
  const file = `bench/profiles/${name}-${implementation}${mode}.cpuprofile`;
  writeFileSync(file, JSON.stringify(profile));
  // CPU time of the process (every thread: GC helpers included) per operation: less sensitive than wall time to other work on the machine.
  const cpuUsPerOp = (user + system) / sample.ops;
  writeFileSync(file.replace(/\.cpuprofile$/, '.meta.json'), `${JSON.stringify({ name, implementation, inFlight, ops: sample.ops, elapsedMs: sample.elapsedMs, cpuUsPerOp })}\n`);
  console.log(`${name} / ${implementation}${inFlight > 0 ? ` (${inFlight} in flight)` : ''}: ${Math.round(sample.perSecond).toLocaleString('en-US')} per second while profiled (${cpuUsPerOp.toFixed(0)} µs of CPU per operation, all threads); profile in ${file}\n`);
  console.log(summarizeProfile(profile, sample.ops));
}
