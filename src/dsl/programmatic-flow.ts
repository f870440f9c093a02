import type { ConditionFunction, Duration, Expression, FlowDefinition, FlowStep } from './schema.js';

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

/** A step of a flow built in code, in the original Runtime Core's shape. */
export interface RuntimeFlowStep {
  id: string;
  name?: string;
  type: FlowStepType;
  /** TASK */
  taskId?: string;
  /** TASK: a fixed input, or a function of the scope. @default the flow's input */
  input?: unknown;
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

const CONSUMED = new Set(['taskId', 'input', 'condition', 'thenSteps', 'elseSteps', 'parallelSteps', 'waitTime', 'type']);

/** A fixed value as an expression: JSON is a valid expression that evaluates to itself. */
const literal = (value: unknown): Expression => (typeof value === 'function' ? (value as Expression) : JSON.stringify(value));

function stepToDsl(step: RuntimeFlowStep): FlowStep {
  const rest: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(step)) if (!CONSUMED.has(key) && value !== undefined) rest[key] = value;
  switch (step.type) {
    case 'task':
      return { ...rest, type: 'task', task: step.taskId ?? (step.task as string), ...(step.input === undefined ? {} : { input: literal(step.input) }) } as FlowStep;
    case 'condition':
      return {
        ...rest,
        type: 'condition',
        if: step.condition ?? (step.if as string),
        then: (step.thenSteps ?? []).map(stepToDsl),
        else: (step.elseSteps ?? []).map(stepToDsl),
      } as FlowStep;
    case 'parallel':
      return {
        ...rest,
        type: 'parallel',
        branches: (step.parallelSteps ?? []).map((branch) => (Array.isArray(branch) ? branch : [branch]).map(stepToDsl)),
      } as FlowStep;
    case 'wait':
      return { ...rest, type: 'wait', duration: step.waitTime ?? (step.duration as Duration) } as FlowStep;
    default:
      return { ...rest, type: step.type } as FlowStep;
  }
}

/** Turns a flow built in code (FlowStepType steps) into the DSL's flow form. Functions are kept. */
export function convertFlowToDsl(flow: RuntimeFlow): FlowDefinition & { id: string } {
  const out: FlowDefinition & { id: string } = { id: flow.id, steps: flow.steps.map(stepToDsl) };
  if (flow.description !== undefined) out.description = flow.description;
  if (flow.trigger !== undefined) out.trigger = flow.trigger;
  if (flow.onError !== undefined) out.onError = flow.onError;
  if (flow.output !== undefined) out.output = flow.output;
  return out;
}

function stepFromDsl(step: FlowStep): RuntimeFlowStep {
  const { type: _type, ...rest } = step as FlowStep & Record<string, unknown>;
  switch (step.type) {
    case 'task': {
      const { task: _task, input, ...others } = rest as Record<string, unknown>;
      return { ...others, id: step.id, type: 'task', taskId: step.task, ...(input === undefined ? {} : { input }) } as RuntimeFlowStep;
    }
    case 'condition': {
      const { if: _if, then: _then, else: _else, ...others } = rest as Record<string, unknown>;
      return { ...others, id: step.id, type: 'condition', condition: step.if as ConditionFunction | string, thenSteps: step.then.map(stepFromDsl), elseSteps: (step.else ?? []).map(stepFromDsl) } as RuntimeFlowStep;
    }
    case 'parallel': {
      const { branches: _b, ...others } = rest as Record<string, unknown>;
      return { ...others, id: step.id, type: 'parallel', parallelSteps: step.branches.map((b) => b.map(stepFromDsl)) } as RuntimeFlowStep;
    }
    case 'wait': {
      const { duration: _d, ...others } = rest as Record<string, unknown>;
      return { ...others, id: step.id, type: 'wait', waitTime: step.duration } as RuntimeFlowStep;
    }
    default:
      return { ...rest, id: step.id, type: step.type } as RuntimeFlowStep;
  }
}

/** Turns a DSL flow back into the programmatic form. */
export function convertDslToFlow(flow: FlowDefinition & { id: string }): RuntimeFlow {
  const out: RuntimeFlow = { id: flow.id, steps: flow.steps.map(stepFromDsl) };
  if (flow.description !== undefined) out.description = flow.description;
  if (flow.trigger !== undefined) out.trigger = flow.trigger;
  if (flow.onError !== undefined) out.onError = flow.onError;
  if (flow.output !== undefined) out.output = flow.output;
  return out;
}
