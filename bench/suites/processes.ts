// Workloads 5 and 6: heap bytes per idle process instance, then events/s addressed to those instances.
import type { BenchConfig } from '../config.js';
import { measureInterleaved, measureSync, median, rotate, settledHeapUsed } from '../measure.js';
import { PROCESS_IMPLEMENTATIONS, populations, type ProcessImplementation, type ProcessPopulation } from '../workloads/processes.js';

export interface ProcessResult {
  instances: number;
  bytesPerInstanceRuns: Record<ProcessImplementation, number[]>;
  bytesPerInstance: Record<ProcessImplementation, number>;
  eventsPerSecondRuns: Record<ProcessImplementation, number[]>;
  eventsPerSecond: Record<ProcessImplementation, number>;
}

/** Heap used after a forced GC, before and after creating the instances, divided by their number. */
function measureHeap(population: ProcessPopulation, ids: readonly string[]): number {
  const before = settledHeapUsed();
  population.create(ids);
  const after = settledHeapUsed();
  return (after - before) / ids.length;
}

/** Sends `ping` round-robin over the instances of each population, the two taking turns in slices. */
async function measureEvents(built: Map<ProcessImplementation, ProcessPopulation>, ids: readonly string[], config: BenchConfig) {
  const n = ids.length;
  const sent = new Map<ProcessImplementation, number>();
  const slice = (implementation: ProcessImplementation, ms: number) => {
    const population = built.get(implementation) as ProcessPopulation;
    const sample = measureSync((i) => population.ping(ids[i % n] as string), ms);
    sent.set(implementation, (sent.get(implementation) ?? 0) + sample.ops);
    return sample;
  };
  await measureInterleaved(PROCESS_IMPLEMENTATIONS, slice, config.warmupMs, config.sliceMs);
  const samples = await measureInterleaved(PROCESS_IMPLEMENTATIONS, slice, config.budgetMs, config.sliceMs);
  for (const [implementation, population] of built) {
    const received = population.pingsReceived();
    if (received !== sent.get(implementation)) throw new Error(`${implementation}: sent ${sent.get(implementation)} pings, instances counted ${received}`);
  }
  return samples;
}

/**
 * Each repetition builds a fresh population per implementation (rotated order) and measures its heap,
 * then the event rate on both (interleaved), then stops them.
 */
export async function runProcessSuite(config: BenchConfig, log: (line: string) => void): Promise<ProcessResult> {
  const ids = Array.from({ length: config.instances }, (_, i) => `waiter-${i}`);
  const result: ProcessResult = {
    instances: config.instances,
    bytesPerInstanceRuns: { 'runtime-core': [], xstate: [] },
    bytesPerInstance: { 'runtime-core': 0, xstate: 0 },
    eventsPerSecondRuns: { 'runtime-core': [], xstate: [] },
    eventsPerSecond: { 'runtime-core': 0, xstate: 0 },
  };
  for (let rep = 0; rep < config.repeats; rep++) {
    const order = rotate(PROCESS_IMPLEMENTATIONS, rep);
    const built = new Map<ProcessImplementation, ProcessPopulation>();
    for (const implementation of order) {
      const population = populations[implementation]();
      const bytes = measureHeap(population, ids);
      built.set(implementation, population);
      result.bytesPerInstanceRuns[implementation].push(bytes);
      log(`  [${rep + 1}/${config.repeats}] heap       ${implementation.padEnd(12)} ${Math.round(bytes).toLocaleString('en-US')} B/instance`);
    }
    const events = await measureEvents(built, ids, config);
    const line = PROCESS_IMPLEMENTATIONS.map((implementation) => {
      result.eventsPerSecondRuns[implementation].push(events[implementation].perSecond);
      return `${implementation} ${Math.round(events[implementation].perSecond).toLocaleString('en-US')}`;
    });
    log(`  [${rep + 1}/${config.repeats}] events/s: ${line.join(', ')}`);
    for (const population of built.values()) population.stop();
  }
  for (const implementation of PROCESS_IMPLEMENTATIONS) {
    result.bytesPerInstance[implementation] = median(result.bytesPerInstanceRuns[implementation]);
    result.eventsPerSecond[implementation] = median(result.eventsPerSecondRuns[implementation]);
  }
  return result;
}
