// The shape every flow workload shares: one scenario, written three ways.
import type { SystemDefinition, TaskImplementation } from '../../src/index.js';

export const IMPLEMENTATIONS = ['runtime-core', 'xstate', 'async'] as const;

/** runtime-core (a DSL system run by `executeFlow`), hand-written XState v5, plain async/await. */
export type Implementation = (typeof IMPLEMENTATIONS)[number];

/** Runs flow number `i` to its end and resolves with the flow's output; rejects if the flow failed. */
export type FlowRunner = (i: number) => Promise<unknown>;

/** The runtime-core form of a workload: a DSL system, the flow to run and its task implementations. */
export interface RuntimeCoreSpec {
  system: SystemDefinition;
  flowId: string;
  /** Fresh implementations (a flaky task keeps a counter, so each runtime gets its own). */
  tasks(): Record<string, TaskImplementation>;
}

export interface FlowWorkload {
  /** Key in the results, e.g. `sequential`. */
  readonly id: string;
  /** Row title in the table. */
  readonly title: string;
  /** Task steps one flow runs; steps/s is reported when it is set. */
  readonly stepsPerFlow?: number;
  /** Task calls one flow makes, attempts included: checked before timing. */
  readonly taskCallsPerFlow: number;
  readonly runtimeCore: RuntimeCoreSpec;
  /** The input of flow `i`, whatever the implementation. */
  input(i: number): unknown;
  /** The output flow `i` must produce, whatever the implementation. */
  expected(i: number): unknown;
  /** Builds the three implementations (fresh state: runtimes, machines, task counters). */
  create(): Record<Implementation, FlowRunner>;
}
