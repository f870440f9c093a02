import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlowExecutionResult } from '../../machines/flow-state.js';
import { createTestDatabase, postgresUrl, type TestDatabase } from '../support/postgres.js';
import {
  completedTaskSteps,
  hasLine,
  lineFor,
  observe,
  readLog,
  runningAttempts,
  snapshotOf,
  taskStepIds,
  type Observation,
} from './crash-observe.js';
import { killChild, pollUntil, recoverInChild, startChild } from './crash-process.js';
import {
  BACKOFF_MS,
  crashSystem,
  createCrashRuntime,
  openStore,
  SCENARIOS,
  stepKey,
  type ScenarioName,
  type StoreSpec,
  type TaskLogLine,
} from './crash-system.js';

// Issue #4, with real process death: a child process runs flows on a store and is SIGKILLed at a point the parent
// observes in the store and in the task log; a fresh child on the same database recovers and finishes them. The
// result must equal an uninterrupted run's, no step the store recorded completed may run again, the attempt that
// was running runs again with the same idempotency key, and every instance is there exactly once, completed.

/** A backstop: the phases have their own bounds, and a test may first wait for a slot. */
const TEST_TIMEOUT_MS = 120_000;
/** Children running at once: each costs ~1.3 s of CPU to start, and more would starve the short windows of (b) and (d). */
const CHILDREN_AT_ONCE = 3;
/** Date.now() in one process against the deadline another computed: allow a few ms of clock reading skew. */
const CLOCK_SKEW_MS = 5;

// ─── when to kill: the state each scenario is meant to die in ────────────────

/** The instance is inside `slow`'s first attempt (stored and started), `prep` done. */
function inMiddleOfSlow(obs: Observation, id: string): boolean {
  const snapshot = snapshotOf(obs.records.get(id));
  return (
    snapshot.context?.stepStatus.prep?.status === 'completed' &&
    JSON.stringify(snapshot.value) === JSON.stringify({ running: 'slow' }) &&
    runningAttempts(snapshot).join() === `${id}/slow/1` &&
    hasLine(obs.log, `${id}/slow/1`, 'start')
  );
}

/** `left` and `rightA` done, `rightB`'s first attempt stored and started. */
function inParallelOneBranchDone(obs: Observation, id: string): boolean {
  const snapshot = snapshotOf(obs.records.get(id));
  const status = snapshot.context?.stepStatus;
  return (
    status?.left?.status === 'completed' &&
    status.rightA?.status === 'completed' &&
    status.fan?.status === 'running' &&
    runningAttempts(snapshot).join() === `${id}/rightB/1` &&
    hasLine(obs.log, `${id}/rightB/1`, 'start')
  );
}

/** Item 0 done, items 1 and 2 loaded and saving, items 3 and 4 not started. */
function inForEachHalfDone(obs: Observation, id: string): boolean {
  const snapshot = snapshotOf(obs.records.get(id));
  const record = snapshot.context?.forEach.each;
  const saving = [`${id}/each[1]/save/1`, `${id}/each[2]/save/1`];
  return (
    record?.done === 1 &&
    record.next === 3 &&
    runningAttempts(snapshot).join() === saving.join() &&
    saving.every((key) => hasLine(obs.log, key, 'start'))
  );
}

interface ScenarioCheck {
  title: string;
  /** True once the child is where the scenario kills it; checked again on the store after the kill. */
  ready(obs: Observation): boolean;
  /** What this scenario proves beyond the common checks, given the store after the kill and both logs. */
  verify?(killed: Observation, runLog: TaskLogLine[], recoverLog: TaskLogLine[]): void;
}

const SCENARIO_CHECKS: Record<ScenarioName, ScenarioCheck> = {
  a: {
    title: '(a) in the middle of a task',
    ready: (obs) => inMiddleOfSlow(obs, 'a-mid-task'),
  },
  b: {
    title: '(b) during a backoff',
    ready: (obs) => {
      const id = 'b-backoff';
      const snapshot = snapshotOf(obs.records.get(id));
      const flaky = snapshot.context?.stepStatus.flaky;
      return (
        JSON.stringify(snapshot.value) === JSON.stringify({ running: { flaky: '$backoff' } }) &&
        flaky?.attempts === 1 &&
        flaky.delayMs === BACKOFF_MS &&
        snapshot.children?.['flaky:backoff']?.snapshot?.status === 'active' &&
        hasLine(obs.log, `${id}/flaky/1`, 'fail')
      );
    },
    verify: (killed, runLog, recoverLog) => {
      const id = 'b-backoff';
      const deadline = snapshotOf(killed.records.get(id)).children?.['flaky:backoff']?.snapshot?.deadline;
      expect(deadline).toBeTypeOf('number');
      // The backoff resumed: the next attempt is 2, not a new first attempt, and it did not start before the stored deadline.
      expect(runLog.filter((line) => line.step === 'flaky').map((line) => `${line.attempt}:${line.phase}`)).toEqual(['1:start', '1:fail']);
      expect(recoverLog.filter((line) => line.step === 'flaky').map((line) => `${line.attempt}:${line.phase}`)).toEqual(['2:start', '2:fail', '3:start', '3:end']);
      expect(lineFor(recoverLog, `${id}/flaky/2`, 'start')[0]?.at).toBeGreaterThanOrEqual((deadline ?? Infinity) - CLOCK_SKEW_MS);
    },
  },
  c: {
    title: '(c) inside a parallel step with one branch done',
    ready: (obs) => inParallelOneBranchDone(obs, 'c-parallel'),
  },
  d: {
    title: '(d) between two steps',
    ready: (obs) => {
      const id = 'd-between';
      const snapshot = snapshotOf(obs.records.get(id));
      const status = snapshot.context?.stepStatus;
      return (
        status?.s1?.status === 'completed' &&
        status.s2 === undefined &&
        JSON.stringify(snapshot.value) === JSON.stringify({ running: 'pause' }) &&
        runningAttempts(snapshot).length === 0 &&
        hasLine(obs.log, `${id}/s1/1`, 'end') &&
        !obs.log.some((line) => line.step === 's2')
      );
    },
    verify: (killed, runLog, recoverLog) => {
      const deadline = snapshotOf(killed.records.get('d-between')).children?.['pause:wait']?.snapshot?.deadline;
      expect(deadline).toBeTypeOf('number');
      expect(runLog.map((line) => `${line.step}:${line.phase}`)).toEqual(['s1:start', 's1:end']);
      expect(recoverLog.map((line) => `${line.step}:${line.phase}`)).toEqual(['s2:start', 's2:end']);
      // The wait kept its deadline: s2 did not start before it.
      expect(recoverLog[0]?.at).toBeGreaterThanOrEqual((deadline ?? Infinity) - CLOCK_SKEW_MS);
    },
  },
  e: {
    title: '(e) while a forEach is half done',
    ready: (obs) => inForEachHalfDone(obs, 'e-for-each'),
    verify: (_killed, runLog, recoverLog) => {
      // Items 3 and 4 had not started: they run only after the recovery, once each.
      for (const item of [3, 4]) {
        expect(runLog.filter((line) => line.item === item)).toEqual([]);
        expect(recoverLog.filter((line) => line.item === item && line.phase === 'end').map((line) => line.step).sort()).toEqual(['load', 'save']);
      }
    },
  },
  f: {
    title: '(f) three flows at different points, recovered in one process',
    ready: (obs) => inMiddleOfSlow(obs, 'f-mid-task') && inParallelOneBranchDone(obs, 'f-parallel') && inForEachHalfDone(obs, 'f-for-each'),
  },
};

let slotsTaken = 0;
const slotWaiters: Array<() => void> = [];

/** Runs `fn` once fewer than CHILDREN_AT_ONCE others run. */
async function withSlot<T>(fn: () => Promise<T>): Promise<T> {
  if (slotsTaken < CHILDREN_AT_ONCE) slotsTaken++;
  else await new Promise<void>((resolve) => slotWaiters.push(resolve));
  try {
    return await fn();
  } finally {
    // The slot passes to the next waiter, or is given back.
    const next = slotWaiters.shift();
    if (next) next();
    else slotsTaken--;
  }
}

// ─── the uninterrupted run ────────────────────────────────────────────────────

const allRuns = Object.values(SCENARIOS).flat();
const baseline = new Map<string, FlowExecutionResult>();
let baselineLog: TaskLogLine[] = [];
let workDir = '';

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'runtime-core-crash-'));
  // Every scenario's flows at once, in this process, on a MemoryStore: the same system and tasks, nothing hangs.
  const logFile = join(workDir, 'baseline.jsonl');
  const runtime = createCrashRuntime(openStore({ kind: 'memory' }), 'baseline', logFile, allRuns);
  await runtime.start();
  const handles = allRuns.map((run) => runtime.startFlow(run.flowId, run.input, { instanceId: run.instanceId }));
  for (const handle of handles) baseline.set(handle.instanceId, await handle.result());
  await runtime.close();
  baselineLog = readLog(logFile);
  for (const result of baseline.values()) expect(result.success, JSON.stringify(result)).toBe(true);
}, 15_000);

afterAll(async () => {
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

// ─── the suite, once per store ────────────────────────────────────────────────

function defineCrashSuite(storeSpec: (scenario: ScenarioName) => Promise<StoreSpec & { kind: 'sqlite' | 'postgres' }>): void {
  for (const [scenario, check] of Object.entries(SCENARIO_CHECKS) as Array<[ScenarioName, ScenarioCheck]>) {
    it.concurrent(
      check.title,
      () => withSlot(async () => {
        const runs = SCENARIOS[scenario];
        const ids = runs.map((run) => run.instanceId).sort();
        const store = await storeSpec(scenario);
        const runLogFile = join(workDir, `${store.kind}-${scenario}.run.jsonl`);
        const recoverLogFile = join(workDir, `${store.kind}-${scenario}.recover.jsonl`);
        const reader = openStore(store);
        try {
          // 1. Run until the scenario's point is observed in the store and the log, then SIGKILL.
          const child = startChild({ store, scenario, mode: 'run', log: runLogFile });
          try {
            await pollUntil(`the state of scenario (${scenario})`, child, async () => check.ready(await observe(reader, runs, runLogFile)));
          } finally {
            await killChild(child);
          }
          expect((await child.exited).signal).toBe('SIGKILL');

          // 2. Before recovery: what the store holds is the state the scenario meant to die in.
          const killed = await observe(reader, runs, runLogFile);
          expect(check.ready(killed), 'the stored state at the kill').toBe(true);
          const runLog = killed.log;
          const completedBefore = new Set<string>();
          const interrupted: string[] = [];
          for (const run of runs) {
            const snapshot = snapshotOf(killed.records.get(run.instanceId));
            for (const key of completedTaskSteps(snapshot, taskStepIds(crashSystem.flows[run.flowId].steps))) completedBefore.add(key);
            interrupted.push(...runningAttempts(snapshot));
          }
          expect(completedBefore.size).toBeGreaterThan(0);

          // 3. Recover in a fresh process on the same database.
          const out = await recoverInChild({ store, scenario, mode: 'recover', log: recoverLogFile });
          const recoverLog = readLog(recoverLogFile);
          const allLines = [...runLog, ...recoverLog];

          // The result equals the uninterrupted run's: success, output, every step's status, output and attempts.
          // Attempts are equal too: the interrupted attempt runs again under its own number (same idempotency key),
          // and a resumed backoff goes on with the next one. (Only a per-attempt timeout could add an attempt,
          // its deadline running on while the process was dead; these flows have none.)
          for (const id of ids) expect(out.results[id]).toEqual(baseline.get(id));
          expect([...out.report.recovered].sort()).toEqual(ids);

          // No instance lost or duplicated: exactly these, once each, completed.
          expect(out.instances.map((instance) => instance.instanceId).sort()).toEqual(ids);
          for (const instance of out.instances) expect(instance.status).toBe('completed');
          const stored = (await reader.list()).instances;
          expect(stored.map((instance) => `${instance.instanceId}:${instance.status}`).sort()).toEqual(ids.map((id) => `${id}:completed`));
          for (const id of ids) {
            const types = (out.history[id] ?? []).map((entry) => entry.type);
            expect(types.filter((type) => type === 'instance.recovered')).toHaveLength(1);
            expect(types.filter((type) => type === 'instance.created')).toHaveLength(1);
            expect(types.filter((type) => type === 'instance.completed')).toHaveLength(1);
          }

          // No completed step runs again: one successful execution overall, none after the recovery.
          for (const key of completedBefore) {
            expect(allLines.filter((line) => stepKey(line) === key && line.phase === 'end'), key).toHaveLength(1);
            expect(recoverLog.filter((line) => stepKey(line) === key), key).toEqual([]);
          }

          // The attempts running at the kill ran again with the same idempotency key, to completion.
          expect(interrupted.sort()).toEqual(runs.flatMap((run) => run.hang.map((path) => `${run.instanceId}/${path}/1`)).sort());
          for (const key of interrupted) {
            expect(lineFor(runLog, key, 'start'), key).toHaveLength(1);
            expect(lineFor(runLog, key, 'end'), key).toEqual([]);
            expect(lineFor(recoverLog, key, 'start'), key).toHaveLength(1);
            expect(lineFor(recoverLog, key, 'end'), key).toHaveLength(1);
          }

          // Every attempt that succeeded in the uninterrupted run succeeded here, and no other.
          const endKeys = (lines: readonly TaskLogLine[]) => new Set(lines.filter((line) => line.phase === 'end' && ids.includes(line.instanceId.split('/')[0] ?? '')).map((line) => line.idempotencyKey));
          expect([...endKeys(allLines)].sort()).toEqual([...endKeys(baselineLog)].sort());

          check.verify?.(killed, runLog, recoverLog);
        } finally {
          await reader.close();
        }
      }),
      TEST_TIMEOUT_MS,
    );
  }
}

// In CI a missing PostgreSQL server fails these tests (postgresUrl throws); elsewhere they are skipped, with the reason printed.
const postgres = await postgresUrl().then(
  (url) => ({ url }),
  (error: unknown) => ({ error }),
);

// Both halves at once, CHILDREN_AT_ONCE scenarios at a time.
describe.concurrent('crash recovery', () => {
  describe('on SQLite', () => {
    defineCrashSuite(async (scenario) => ({ kind: 'sqlite', path: join(workDir, `${scenario}.db`) }));
  });

  describe.skipIf('url' in postgres && postgres.url === undefined)('on PostgreSQL', () => {
    let database: TestDatabase | undefined;
    beforeAll(async () => {
      if ('error' in postgres) throw postgres.error;
      database = await createTestDatabase(postgres.url ?? '', 'rc_crash');
    }, 30_000);
    afterAll(async () => {
      await database?.drop();
    }, 30_000);
    // A fresh schema per scenario in this file's database.
    defineCrashSuite(async (scenario) => ({ kind: 'postgres', url: database?.url ?? '', schema: `crash_${scenario}` }));
  });
});
