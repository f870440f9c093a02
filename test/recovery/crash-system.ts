import { appendFileSync } from 'node:fs';
import { defineSystem, type FlowStep } from '../../src/dsl/schema.js';
import { MemoryStore } from '../../src/persistence/memory-store.js';
import { PostgresStore } from '../../src/persistence/postgres-store.js';
import { SqliteStore } from '../../src/persistence/sqlite-store.js';
import type { SnapshotStore } from '../../src/persistence/store.js';
import { ReactiveSystemRuntime } from '../../src/runtime/runtime.js';
import { getTaskContext } from '../../src/runtime/task-context.js';

// The system, scenarios and task implementations of the crash-recovery proof (issue #4), shared by the child
// process that is killed (crash-child.ts), the child that recovers, and the in-process uninterrupted run.

/** Backoff between attempts of `flaky`, and the wait between the two steps of `between` (real time). */
export const BACKOFF_MS = 400;
export const PAUSE_MS = 400;

const compute = (id: string, n: string): FlowStep => ({ id, type: 'task', task: 'compute', input: `{ "n": ${n} }` });

export const crashSystem = defineSystem({
  id: 'crash-recovery',
  name: 'Crash recovery',
  version: '1.0.0',
  tasks: {
    compute: { description: 'n → 3n + 1' },
    flaky: { description: 'fails its first `failures` attempts, then n → 3n + 1', retry: { maxAttempts: 4, initialDelay: BACKOFF_MS, backoff: 'fixed' } },
    sum: { description: 'the sum of the values of `parts`' },
  },
  flows: {
    // (a) killed while `slow` runs
    midTask: { steps: [compute('prep', 'input.n'), compute('slow', 'steps.prep.value'), compute('final', 'steps.slow.value')] },
    // (b) killed while `flaky` backs off after its first failed attempt
    backoff: {
      steps: [
        compute('prep', 'input.n'),
        { id: 'flaky', type: 'task', task: 'flaky', input: '{ "n": steps.prep.value, "failures": 2 }' },
        compute('final', 'steps.flaky.value'),
      ],
    },
    // (c) killed while `rightB` runs, the left branch done
    parallel: {
      steps: [
        compute('prep', 'input.n'),
        { id: 'fan', type: 'parallel', branches: [[compute('left', 'steps.prep.value')], [compute('rightA', 'steps.prep.value + 1'), compute('rightB', 'steps.rightA.value')]] },
        compute('final', 'steps.left.value + steps.rightB.value'),
      ],
    },
    // (d) killed after s1, before s2
    between: { steps: [compute('s1', 'input.n'), { id: 'pause', type: 'wait', duration: PAUSE_MS }, compute('s2', 'steps.s1.value')] },
    // (e) killed with item 0 done, items 1 and 2 saving, items 3 and 4 not started
    forEach: {
      steps: [
        compute('prep', 'input.n'),
        { id: 'each', type: 'forEach', items: 'input.items', concurrency: 2, steps: [compute('load', 'item + steps.prep.value'), compute('save', 'steps.load.value + index')] },
        { id: 'total', type: 'task', task: 'sum', input: '{ "parts": steps.each }' },
      ],
    },
  },
});

export type FlowId = keyof typeof crashSystem.flows;

/** One flow instance a scenario starts. `hang`: step paths (`slow`, `each[1]/save`) that never return in 'run' mode. */
export interface FlowRun {
  instanceId: string;
  flowId: FlowId;
  input: Record<string, unknown>;
  hang: string[];
}

export type ScenarioName = 'a' | 'b' | 'c' | 'd' | 'e' | 'f';

const items = [1, 2, 3, 4, 5];

/** What each scenario's child runs. Instance ids are distinct across scenarios, so one uninterrupted run covers all. */
export const SCENARIOS: Record<ScenarioName, FlowRun[]> = {
  a: [{ instanceId: 'a-mid-task', flowId: 'midTask', input: { n: 1 }, hang: ['slow'] }],
  b: [{ instanceId: 'b-backoff', flowId: 'backoff', input: { n: 2 }, hang: [] }],
  c: [{ instanceId: 'c-parallel', flowId: 'parallel', input: { n: 3 }, hang: ['rightB'] }],
  d: [{ instanceId: 'd-between', flowId: 'between', input: { n: 4 }, hang: [] }],
  e: [{ instanceId: 'e-for-each', flowId: 'forEach', input: { n: 5, items }, hang: ['each[1]/save', 'each[2]/save'] }],
  f: [
    { instanceId: 'f-mid-task', flowId: 'midTask', input: { n: 6 }, hang: ['slow'] },
    { instanceId: 'f-parallel', flowId: 'parallel', input: { n: 7 }, hang: ['rightB'] },
    { instanceId: 'f-for-each', flowId: 'forEach', input: { n: 8, items }, hang: ['each[1]/save', 'each[2]/save'] },
  ],
};

/** Where the child keeps its instances. */
export type StoreSpec = { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string; schema: string } | { kind: 'memory' };

export function openStore(spec: StoreSpec): SnapshotStore {
  switch (spec.kind) {
    case 'sqlite':
      return new SqliteStore(spec.path);
    case 'postgres':
      return new PostgresStore({ connectionString: spec.url, schema: spec.schema });
    case 'memory':
      return new MemoryStore();
  }
}

/** One line of the task log: appended synchronously, so it survives SIGKILL. */
export interface TaskLogLine {
  task: string;
  /** The attempt's instance: the flow's, or `<flow instance>/each[i]` inside a forEach body. */
  instanceId: string;
  step: string;
  /** `slow`, `each[1]/save`: the step's place below the flow instance. */
  path: string;
  item?: number;
  attempt: number;
  idempotencyKey: string;
  /** 'end': returned an output; 'fail': threw. */
  phase: 'start' | 'end' | 'fail';
  pid: number;
  /** Date.now() */
  at: number;
}

/** The key of a step of an instance: its idempotency key without the attempt (`e-for-each/each[1]/save`). */
export const stepKey = (line: Pick<TaskLogLine, 'instanceId' | 'step'>): string => `${line.instanceId}/${line.step}`;

export type Mode = 'run' | 'recover' | 'baseline';

/**
 * A runtime on `store` whose tasks log every execution to `logFile` and, in 'run' mode, never return from the
 * steps the scenario's runs name in `hang` (the parent kills the process there).
 */
export function createCrashRuntime(store: SnapshotStore, mode: Mode, logFile: string, runs: readonly FlowRun[]): ReactiveSystemRuntime {
  const runtime = new ReactiveSystemRuntime(crashSystem, { store });
  const hangs = new Map(runs.map((run) => [run.instanceId, new Set(run.hang)]));

  /** Logs the start, runs `body`, logs how it ended; hangs after logging the start when told to. */
  const task = (taskId: string, body: (input: Record<string, unknown>, attempt: number) => Record<string, unknown>) => async (input: Record<string, unknown>) => {
    const ctx = getTaskContext();
    const root = ctx.instanceId.split('/')[0] ?? ctx.instanceId;
    const step = ctx.idempotencyKey.slice(ctx.instanceId.length + 1, ctx.idempotencyKey.lastIndexOf('/'));
    const path = ctx.instanceId === root ? step : `${ctx.instanceId.slice(root.length + 1)}/${step}`;
    const item = /\[(\d+)\]$/.exec(ctx.instanceId)?.[1];
    const line = { task: taskId, instanceId: ctx.instanceId, step, path, ...(item === undefined ? {} : { item: Number(item) }), attempt: ctx.attempt, idempotencyKey: ctx.idempotencyKey, pid: process.pid };
    const log = (phase: TaskLogLine['phase']) => appendFileSync(logFile, `${JSON.stringify({ ...line, phase, at: Date.now() } satisfies TaskLogLine)}\n`);
    log('start');
    if (mode === 'run' && hangs.get(root)?.has(path)) await new Promise<never>(() => undefined);
    // A turn of the event loop, as real work would take.
    await new Promise<void>((resolve) => setImmediate(resolve));
    try {
      const output = body(input, ctx.attempt);
      log('end');
      return output;
    } catch (error) {
      log('fail');
      throw error;
    }
  };

  runtime.registerTaskImplementations({
    compute: task('compute', (input) => ({ value: Number(input.n) * 3 + 1 })),
    flaky: task('flaky', (input, attempt) => {
      if (attempt <= Number(input.failures)) throw Object.assign(new Error(`attempt ${attempt} failed`), { name: 'FlakyError' });
      return { value: Number(input.n) * 3 + 1 };
    }),
    sum: task('sum', (input) => ({ value: (input.parts as Array<{ value: number }>).reduce((total, part) => total + part.value, 0) })),
  });
  return runtime;
}
