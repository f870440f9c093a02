// Workloads 1–4: flows/s of each implementation, checked, warmed up, then measured interleaved.
import { deepStrictEqual } from 'node:assert/strict';
import type { BenchConfig } from '../config.js';
import { measureAsync, measureInterleaved, median } from '../measure.js';
import { taskCalls } from '../workloads/tasks.js';
import { IMPLEMENTATIONS, type FlowRunner, type FlowWorkload, type Implementation } from '../workloads/types.js';

export interface FlowResult {
  id: string;
  title: string;
  stepsPerFlow?: number;
  /** flows/s of each repetition. */
  runs: Record<Implementation, number[]>;
  /** Median flows/s. */
  flowsPerSecond: Record<Implementation, number>;
}

/** Runs a few flows of each implementation and fails loudly if an output or the task call count is wrong. */
async function check(workload: FlowWorkload, runners: Record<Implementation, FlowRunner>): Promise<void> {
  for (const implementation of IMPLEMENTATIONS) {
    const calls = taskCalls();
    for (let i = 0; i < 4; i++) {
      const output = await runners[implementation](i);
      deepStrictEqual(output, workload.expected(i), `${workload.id} / ${implementation}: flow ${i} produced an unexpected output`);
    }
    const made = taskCalls() - calls;
    if (made !== 4 * workload.taskCallsPerFlow) {
      throw new Error(`${workload.id} / ${implementation}: 4 flows made ${made} task calls, expected ${4 * workload.taskCallsPerFlow}`);
    }
  }
}

/**
 * Each repetition measures every workload once: its three implementations get the budget each, in
 * interleaved slices (see `measureInterleaved`), so that drift of a shared machine falls on all of them alike.
 */
export async function runFlowSuite(workloads: readonly FlowWorkload[], config: BenchConfig, log: (line: string) => void): Promise<FlowResult[]> {
  const prepared = workloads.map((workload) => ({ workload, runners: workload.create() }));
  for (const { workload, runners } of prepared) {
    await check(workload, runners);
    for (const implementation of IMPLEMENTATIONS) await measureAsync(runners[implementation], config.warmupMs);
  }
  const results: FlowResult[] = prepared.map(({ workload }) => ({
    id: workload.id,
    title: workload.title,
    ...(workload.stepsPerFlow === undefined ? {} : { stepsPerFlow: workload.stepsPerFlow }),
    runs: { 'runtime-core': [], xstate: [], async: [] },
    flowsPerSecond: { 'runtime-core': 0, xstate: 0, async: 0 },
  }));
  for (let rep = 0; rep < config.repeats; rep++) {
    for (const [w, { workload, runners }] of prepared.entries()) {
      const result = results[w] as FlowResult;
      const samples = await measureInterleaved(IMPLEMENTATIONS, (key, ms) => measureAsync(runners[key], ms), config.budgetMs, config.sliceMs);
      const line = IMPLEMENTATIONS.map((implementation) => {
        result.runs[implementation].push(samples[implementation].perSecond);
        return `${implementation} ${Math.round(samples[implementation].perSecond).toLocaleString('en-US')}`;
      });
      log(`  [${rep + 1}/${config.repeats}] ${workload.id.padEnd(10)} flows/s: ${line.join(', ')}`);
    }
  }
  for (const result of results) for (const implementation of IMPLEMENTATIONS) result.flowsPerSecond[implementation] = median(result.runs[implementation]);
  return results;
}
