// Where runtime-core's extra time per flow goes, by peeling off one layer at a time: the same flow run
// (A) through the runtime, (B) as its compiled machine started directly, (C) with a minimal machine
// environment instead of the runtime's task runner, (D) with the task attempt actor swapped for
// `fromPromise`, (E) for retries, with a zero backoff as an eventless transition instead of a timer actor,
// and (F) as the hand-written XState machine. Each difference is one layer's cost.
import { deepStrictEqual } from 'node:assert/strict';
import { createActor, fromPromise, toPromise, type AnyStateMachine } from 'xstate';
import { compileFlowDefinition, createFlowMachine, type FlowExecutionResult, type FlowMachineDefinition, type MachineEnvironment } from '../../src/index.js';
import type { BenchConfig } from '../config.js';
import { measureAsync, measureInterleaved, median } from '../measure.js';
import { createBenchRuntime, runtimeCoreRunner } from '../workloads/runtime-core-runner.js';
import type { FlowRunner, FlowWorkload } from '../workloads/types.js';

type StateNode = NonNullable<FlowMachineDefinition['config']['states']>[string];

interface Variant {
  key: string;
  /** What the step from the previous variant to this one removes. */
  removes: string;
  run: FlowRunner;
}

/** Runs a compiled flow machine directly, as the runtime would start it. */
function machineRunner(machine: AnyStateMachine, input: (i: number) => unknown): FlowRunner {
  let n = 0;
  return async (i) => {
    const actor = createActor(machine, { input: { input: input(i), instanceId: `breakdown-${++n}` } });
    const done = toPromise(actor);
    actor.start();
    const result = (await done) as FlowExecutionResult;
    if (!result.success) throw new Error(`flow failed: ${result.error?.message ?? 'no error'}`);
    return result.output;
  };
}

/** A machine environment that calls the implementation and nothing else: no schemas, no AsyncLocalStorage, no lifecycle. */
function minimalEnvironment(tasks: Record<string, (input: unknown) => unknown>): MachineEnvironment {
  const ignore = () => undefined;
  return { runTask: async (request) => tasks[request.taskId]?.(request.input), emit: ignore, log: ignore, reportError: ignore, random: Math.random } as MachineEnvironment;
}

/** Every `$backoff` state (zero delay here) becomes an eventless transition back to `$attempt`. */
function withoutBackoffTimers(definition: FlowMachineDefinition): FlowMachineDefinition {
  const copy = JSON.parse(JSON.stringify(definition)) as FlowMachineDefinition;
  const visit = (node: StateNode) => {
    const backoff = node.states?.$backoff;
    if (backoff) {
      delete backoff.invoke;
      backoff.always = '$attempt';
    }
    for (const child of Object.values(node.states ?? {})) visit(child);
  };
  visit(copy.config);
  return { ...copy, functions: definition.functions } as FlowMachineDefinition;
}

async function variants(workload: FlowWorkload): Promise<Variant[]> {
  const spec = workload.runtimeCore;
  const flow = spec.system.flows?.[spec.flowId];
  if (!flow) throw new Error(`no flow "${spec.flowId}"`);
  const warm = createBenchRuntime(spec).startFlow(spec.flowId, workload.input(0));
  await warm.result();
  const definition = compileFlowDefinition(spec.flowId, flow, { tasks: spec.system.tasks ?? {} });
  const noSubflows = (name: string): never => {
    throw new Error(`breakdown: sub-flow "${name}" is not supported`);
  };
  const minimal = (def: FlowMachineDefinition) => createFlowMachine(def, minimalEnvironment(spec.tasks() as never), noSubflows);
  const promiseTasks = (machine: AnyStateMachine) => {
    const tasks = spec.tasks() as Record<string, (input: unknown) => Promise<unknown>>;
    const task = fromPromise<unknown, { taskId: string; input: unknown }>(({ input }) => (tasks[input.taskId] as (input: unknown) => Promise<unknown>)(input.input));
    return machine.provide({ actors: { taskAttempt: task } } as never);
  };
  const list: Variant[] = [
    { key: 'A runtime.executeFlow', removes: '', run: runtimeCoreRunner(spec, workload.input) },
    { key: 'B compiled machine, createActor', removes: 'runtime bookkeeping (startFlow, instance registry, result)', run: machineRunner(warm.actor.logic, workload.input) },
    { key: 'C + minimal environment', removes: 'task runner (src/runtime/task-runner: context, checks)', run: machineRunner(minimal(definition), workload.input) },
    { key: 'D + fromPromise task actor', removes: 'task attempt actor (machines/task-attempt)', run: machineRunner(promiseTasks(minimal(definition)), workload.input) },
  ];
  if (JSON.stringify(definition.config).includes('"$backoff"')) {
    list.push({ key: 'E + eventless zero backoff', removes: 'backoff timer actor per retry', run: machineRunner(promiseTasks(minimal(withoutBackoffTimers(definition))), workload.input) });
  }
  list.push({ key: 'F hand-written XState', removes: 'rest of the compiled machine shape (states, actions, mappers)', run: workload.create().xstate });
  return list;
}

/** Measures the variants of each workload, interleaved, and prints µs per flow and the cost of each layer. */
export async function runBreakdown(workloads: readonly FlowWorkload[], config: BenchConfig, log: (line: string) => void): Promise<void> {
  for (const workload of workloads) {
    const list = await variants(workload);
    for (const variant of list) {
      for (let i = 0; i < 4; i++) deepStrictEqual(await variant.run(i), workload.expected(i), `${workload.id} / ${variant.key}: unexpected output`);
      await measureAsync(variant.run, config.warmupMs);
    }
    const keys = list.map((v) => v.key);
    const runs = new Map(keys.map((key) => [key, [] as number[]]));
    for (let rep = 0; rep < config.repeats; rep++) {
      const samples: Record<string, { perSecond: number }> = await measureInterleaved(keys, (key, ms) => measureAsync((list.find((v) => v.key === key) as Variant).run, ms), config.budgetMs, config.sliceMs);
      for (const key of keys) runs.get(key)?.push(1e6 / (samples[key]?.perSecond ?? Number.NaN));
    }
    log(`\n${workload.title}: µs per flow (median of ${config.repeats}), and what the layer removed from the line above cost`);
    let previous: number | undefined;
    for (const variant of list) {
      const us = median(runs.get(variant.key) ?? []);
      // The layer just removed cost `previous − us` per flow (negative: within the noise).
      const delta = previous === undefined ? '' : `  ${(previous - us >= 0 ? '+' : '') + (previous - us).toFixed(0)} µs`.padEnd(12) + variant.removes;
      log(`  ${variant.key.padEnd(34)} ${us.toFixed(0).padStart(6)} µs${delta}`);
      previous = us;
    }
  }
}
