// Workloads 1–4: flows/s of each implementation, checked, warmed up, then measured interleaved, in two modes:
// one flow at a time (each awaited before the next starts) and `inFlight` flows running at once.
import { deepStrictEqual } from 'node:assert/strict';
import type { BenchConfig } from '../config.js';
import { measureAsync, measureInFlight, measureInterleaved, median, type Sample } from '../measure.js';
import { taskCalls } from '../workloads/tasks.js';
import { IMPLEMENTATIONS, type FlowRunner, type FlowWorkload, type Implementation } from '../workloads/types.js';

/** flows/s of one mode: each repetition and the median. */
export interface FlowModeResult {
  runs: Record<Implementation, number[]>;
  flowsPerSecond: Record<Implementation, number>;
}

export interface FlowResult extends FlowModeResult {
  id: string;
  title: string;
  stepsPerFlow?: number;
  /** `runs` and `flowsPerSecond` above are one flow at a time; this is `flows` flows in flight. Absent with `--in-flight 0`. */
  inFlight?: FlowModeResult & { flows: number };
}

const emptyMode = (): FlowModeResult => ({ runs: { 'runtime-core': [], xstate: [], async: [] }, flowsPerSecond: { 'runtime-core': 0, xstate: 0, async: 0 } });

/**
 * Runs flows of each implementation and fails loudly if an output or the task call count is wrong: four one at a
 * time, then (unless `inFlight` is 0) 2 × `inFlight` started at once, so that flows in flight do not disturb one another.
 */
async function check(workload: FlowWorkload, runners: Record<Implementation, FlowRunner>, inFlight: number): Promise<void> {
  const expectCalls = (implementation: Implementation, flows: number, since: number, mode: string) => {
    const made = taskCalls() - since;
    if (made !== flows * workload.taskCallsPerFlow) {
      throw new Error(`${workload.id} / ${implementation} (${mode}): ${flows} flows made ${made} task calls, expected ${flows * workload.taskCallsPerFlow}`);
    }
  };
  for (const implementation of IMPLEMENTATIONS) {
    let calls = taskCalls();
    for (let i = 0; i < 4; i++) {
      const output = await runners[implementation](i);
      deepStrictEqual(output, workload.expected(i), `${workload.id} / ${implementation}: flow ${i} produced an unexpected output`);
    }
    expectCalls(implementation, 4, calls, 'one at a time');
    if (inFlight === 0) continue;
    calls = taskCalls();
    const flows = Array.from({ length: 2 * inFlight }, (_, i) => i);
    const outputs = await Promise.all(flows.map((i) => runners[implementation](i)));
    outputs.forEach((output, i) => deepStrictEqual(output, workload.expected(i), `${workload.id} / ${implementation}: flow ${i} of ${flows.length} in flight produced an unexpected output`));
    expectCalls(implementation, flows.length, calls, `${flows.length} in flight`);
  }
}

const perSecond = (samples: Record<Implementation, Sample>) =>
  IMPLEMENTATIONS.map((implementation) => `${implementation} ${Math.round(samples[implementation].perSecond).toLocaleString('en-US')}`).join(', ');

/**
 * Each repetition measures every workload once per mode: its three implementations get the budget each, in
 * interleaved slices (see `measureInterleaved`), so that drift of a shared machine falls on all of them alike.
 */
export async function runFlowSuite(workloads: readonly FlowWorkload[], config: BenchConfig, log: (line: string) => void): Promise<FlowResult[]> {
  const { inFlight } = config;
  const prepared = workloads.map((workload) => ({ workload, runners: workload.create() }));
  for (const { workload, runners } of prepared) {
    await check(workload, runners, inFlight);
    for (const implementation of IMPLEMENTATIONS) {
      await measureAsync(runners[implementation], config.warmupMs);
      if (inFlight > 0) await measureInFlight(runners[implementation], config.warmupMs, inFlight);
    }
  }
  const results: FlowResult[] = prepared.map(({ workload }) => ({
    id: workload.id,
    title: workload.title,
    ...(workload.stepsPerFlow === undefined ? {} : { stepsPerFlow: workload.stepsPerFlow }),
    ...emptyMode(),
    ...(inFlight > 0 ? { inFlight: { flows: inFlight, ...emptyMode() } } : {}),
  }));
  const modes = [
    { name: 'one at a time', result: (r: FlowResult): FlowModeResult => r, measure: (run: FlowRunner, ms: number) => measureAsync(run, ms) },
    ...(inFlight > 0
      ? [{ name: `${inFlight} in flight`, result: (r: FlowResult) => r.inFlight as FlowModeResult, measure: (run: FlowRunner, ms: number) => measureInFlight(run, ms, inFlight) }]
      : []),
  ];
  for (let rep = 0; rep < config.repeats; rep++) {
    for (const [w, { workload, runners }] of prepared.entries()) {
      for (const mode of modes) {
        const result = mode.result(results[w] as FlowResult);
        const samples = await measureInterleaved(IMPLEMENTATIONS, (key, ms) => mode.measure(runners[key], ms), config.budgetMs, config.sliceMs);
        for (const implementation of IMPLEMENTATIONS) result.runs[implementation].push(samples[implementation].perSecond);
        log(`  [${rep + 1}/${config.repeats}] ${workload.id.padEnd(10)} ${mode.name.padEnd(14)} flows/s: ${perSecond(samples)}`);
      }
    }
  }
  for (const result of results) {
    for (const mode of modes) {
      const m = mode.result(result);
      for (const implementation of IMPLEMENTATIONS) m.flowsPerSecond[implementation] = median(m.runs[implementation]);
    }
  }
  return results;
}
