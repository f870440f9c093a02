// What a generated transition test is, what it is generated for and with which options: shared by the generator and the runner.
import type { TaskImplementation } from '../runtime/task-runner.js';
import type { MachineTransition, PathEvent, PathModelOptions } from './transition-model.js';

/** What to generate tests for: a process or flow id (a process when both have it), or `{ process }` / `{ flow }`. */
export type TestTarget = string | { process: string } | { flow: string };

export interface TransitionTestOptions extends PathModelOptions {
  /** A process instance's context, merged over the process's defaults. @default the defaults */
  context?: Record<string, unknown>;
  /** A flow's input. @default samples: see `flowInputs` (one walk per sample) */
  input?: unknown;
  /** Implementations of the tasks the target does not run itself (flows its events start, say). @default none */
  implementations?: Record<string, TaskImplementation>;
  /** Stub those other tasks with their examples. @default false */
  useExamples?: boolean;
}

/** One generated test: a path of events from the start of a fresh instance, and the state it must end in. */
export interface TransitionTestCase {
  /** `pending → paid on order.paid [event.amount > 0]`, or `reaches shipped`. */
  name: string;
  kind: 'transition' | 'state';
  target: { kind: 'process' | 'flow'; id: string };
  /** The input the flow starts with (flows). */
  input?: unknown;
  /** What the test does, in order. */
  events: PathEvent[];
  /** The state (active leaf paths joined by `, `) the instance starts in. */
  initialState: string;
  /** The state expected after each event, aligned with `events`. */
  states: string[];
  /** The state expected at the end. */
  expectedState: string;
  /** The transition the last event takes (transition cases). */
  transition?: MachineTransition;
  /**
   * Drives a fresh instance on a fresh test runtime through the events (tasks answer as the path says,
   * timers fire by moving the simulated clock) and throws a `TransitionTestError` when it is not in the
   * expected state after any of them.
   */
  run(): Promise<void>;
}

/** The generated tests of a process or flow, and what they cover. */
export interface TransitionTestPlan {
  target: { kind: 'process' | 'flow'; id: string };
  cases: TransitionTestCase[];
  /** Every transition a test can take (a crashed actor's `xstate.error.actor.*` is left out). */
  transitions: MachineTransition[];
  /** Transitions no generated path takes: a guard no sample satisfies, a state too deep or unreachable. */
  uncovered: MachineTransition[];
  /** Every state reached, as `TransitionTestCase.states` writes them. */
  states: string[];
}
