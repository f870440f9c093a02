/** The shape of flows built in code, as the original Runtime Core writes them (converted by programmatic-flow.ts). */
import type { ConditionFunction, Duration, Expression } from './schema.js';

/** Step types of programmatic flows; the values are the DSL's step type strings, so both forms are one model. */
export const FlowStepType = {
  TASK: 'task',
  CONDITION: 'condition',
  PARALLEL: 'parallel',
  WAIT: 'wait',
  EVENT: 'event',
  FOR_EACH: 'forEach',
  FLOW: 'flow',
} as const;
export type FlowStepType = (typeof FlowStepType)[keyof typeof FlowStepType];

/** The function form of a task step's input, as the original shapes it: `previousOutputs.<stepId>` holds earlier outputs. */
export type InputMapping = (flowInput: unknown, previousOutputs: Record<string, unknown>) => unknown;

/** A task's timeout and retry count for one step, or (`executeFlow`'s `taskExecutionOptions`) for every step of a run. */
export interface TaskExecutionOptions {
  /** Per attempt; overrides the task's `timeout`. @default the task's */
  timeout?: Duration;
  /** Retries after the first attempt (`0`: one attempt); overrides the task's `retry.maxAttempts`. @default the task's */
  maxRetries?: number;
}

/** A step of a flow built in code, in the original Runtime Core's shape. */
export interface RuntimeFlowStep {
  id: string;
  name?: string;
  type: FlowStepType;
  /** TASK */
  taskId?: string;
  /** TASK: a fixed input, or a function of the scope. @default the flow's input */
  input?: unknown;
  /** TASK: the input as a function of the flow's input and earlier outputs; wins over `input`. */
  inputMapping?: InputMapping;
  /** TASK: this step's timeout and retry count, over the task's (`retry.maxAttempts` = `maxRetries + 1`). */
  executionOptions?: TaskExecutionOptions;
  /** CONDITION: `(input, previousOutputs) => boolean`, or an expression string. */
  condition?: ConditionFunction | string;
  thenSteps?: RuntimeFlowStep[];
  elseSteps?: RuntimeFlowStep[];
  /** PARALLEL: each entry is a branch (a step, or a list of steps). */
  parallelSteps?: (RuntimeFlowStep | RuntimeFlowStep[])[];
  /** WAIT */
  waitTime?: Duration;
  /** Any other DSL step field (event, match, timeout, items, steps, flow, onError, catch…). */
  [field: string]: unknown;
}

/** A flow built in code: `runtime.registerFlow(flow)`. */
export interface RuntimeFlow {
  id: string;
  name?: string;
  description?: string;
  trigger?: string | string[];
  steps: RuntimeFlowStep[];
  onError?: 'fail' | 'continue';
  output?: Expression;
}

