import type { InputMapping, RuntimeFlow, RuntimeFlowStep, TaskExecutionOptions } from './runtime-flow.js';
import { foldOlderDecisions, hasOlderDecisions, type OlderFlowStep } from './older-flow-shape.js';
import { UsageError } from '../errors.js';
import type { ConditionFunction, Duration, Expression, ExpressionFunction, FlowDefinition, FlowStep, RetryPolicy } from './schema.js';

export { FlowStepType, type InputMapping, type TaskExecutionOptions, type RuntimeFlowStep, type RuntimeFlow } from './runtime-flow.js';

/** Fields of the programmatic form; a step may also be written in DSL form (`task`, `then`, `branches`…). */
const PROGRAMMATIC = new Set(['taskId', 'condition', 'thenSteps', 'elseSteps', 'parallelSteps', 'waitTime', 'inputMapping', 'executionOptions']);

/** A fixed value as an expression: JSON is a valid expression that evaluates to itself. */
const literal = (value: unknown): Expression => (typeof value === 'function' ? (value as Expression) : JSON.stringify(value));

const stepsOf = (value: unknown): FlowStep[] => ((value as RuntimeFlowStep[] | undefined) ?? []).map(stepToDsl);

/**
 * One step to DSL form. Programmatic fields win where present: `taskId` (and then `input` is a fixed
 * value, or a function of the scope), `condition`, `thenSteps`/`elseSteps`, `parallelSteps`, `waitTime`.
 * A step already in DSL form passes through, its nested steps converted.
 */
function stepToDsl(step: RuntimeFlowStep): FlowStep {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(step)) if (!PROGRAMMATIC.has(key) && value !== undefined) out[key] = value;
  switch (step.type) {
    case 'task':
      if (step.taskId !== undefined) {
        out.task = step.taskId;
        if (step.input !== undefined) out.input = literal(step.input);
      }
      if (step.inputMapping !== undefined) out.input = mappingToExpression(step.id, step.inputMapping);
      if (step.executionOptions !== undefined) Object.assign(out, executionOptionsToDsl(`Step "${step.id}"`, step.executionOptions, out.retry as RetryPolicy | undefined));
      break;
    case 'condition':
      if (step.condition !== undefined) out.if = step.condition;
      out.then = stepsOf(step.thenSteps ?? out.then);
      out.else = stepsOf(step.elseSteps ?? out.else);
      break;
    case 'parallel':
      out.branches = step.parallelSteps
        ? step.parallelSteps.map((branch) => stepsOf(Array.isArray(branch) ? branch : [branch]))
        : ((out.branches as RuntimeFlowStep[][] | undefined) ?? []).map(stepsOf);
      break;
    case 'wait':
      if (step.waitTime !== undefined) out.duration = step.waitTime;
      break;
    case 'forEach':
      out.steps = stepsOf(out.steps);
      break;
  }
  if (out.catch !== undefined) out.catch = stepsOf(out.catch);
  return out as unknown as FlowStep;
}

/**
 * `inputMapping(flowInput, previousOutputs)` as an expression function of the scope. Its text (what machine hashes
 * read) is the mapping's, so changing the mapping changes the hash. Saved to a file, it is the wrapper that is
 * written, and it names the mapping it closes over: keep such flows in code.
 */
function mappingToExpression(stepId: string, mapping: InputMapping): ExpressionFunction {
  if (typeof mapping !== 'function') throw new UsageError(`Step "${stepId}": inputMapping must be a function (flowInput, previousOutputs) => input, got ${typeof mapping}`);
  const expression: ExpressionFunction = (scope) => mapping(scope.input, scope.steps);
  const text = `(scope) => (${Function.prototype.toString.call(mapping)})(scope.input, scope.steps)`;
  Object.defineProperty(expression, 'toString', { value: () => text });
  return expression;
}

/**
 * `{ timeout, maxRetries }` as a task step's `timeout` and `retry.maxAttempts` (the rest of a retry policy is the
 * task's, or the step's own `retry`).
 * @throws UsageError (`INVALID_ARGUMENT`) for options that are not an object, or `maxRetries` that is not an integer ≥ 0.
 */
export function executionOptionsToDsl(subject: string, options: TaskExecutionOptions, retry?: RetryPolicy): { timeout?: Duration; retry?: RetryPolicy } {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) throw new UsageError(`${subject}: executionOptions must be an object { timeout?, maxRetries? }`);
  const out: { timeout?: Duration; retry?: RetryPolicy } = {};
  if (options.timeout !== undefined) out.timeout = options.timeout;
  const { maxRetries } = options;
  if (maxRetries !== undefined) {
    if (typeof maxRetries !== 'number' || !Number.isInteger(maxRetries) || maxRetries < 0) {
      throw new UsageError(`${subject}: maxRetries counts the retries after the first attempt and must be an integer ≥ 0, found ${String(maxRetries)}`);
    }
    out.retry = { ...retry, maxAttempts: maxRetries + 1 };
  }
  return out;
}

/** Turns a flow built in code (FlowStepType steps) into the DSL's flow form. Functions are kept. */
export function convertFlowToDsl(flow: RuntimeFlow): FlowDefinition & { id: string } {
  const out: FlowDefinition & { id: string } = { id: flow.id, steps: flow.steps.map(stepToDsl) };
  if (flow.name !== undefined) out.name = flow.name;
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
      // The older shape's task step (`taskId`) is already the programmatic form.
      if (step.task === undefined && typeof rest.taskId === 'string') return { ...rest, id: step.id, type: 'task' } as RuntimeFlowStep;
      // A fixed input (a JSON literal) or a function becomes the programmatic `input`; a real expression
      // keeps the step in DSL form, which the programmatic form accepts as it is.
      const fixed = literalValue(step.input);
      if (!fixed.ok) return { ...rest, id: step.id, type: 'task' } as RuntimeFlowStep;
      const { task: _task, input: _input, ...others } = rest as Record<string, unknown>;
      return { ...others, id: step.id, type: 'task', taskId: step.task, ...(fixed.value === undefined ? {} : { input: fixed.value }) } as RuntimeFlowStep;
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

/** The fixed value an expression stands for, when it is a JSON literal (or a function, kept as it is). */
function literalValue(input: Expression | undefined): { ok: true; value: unknown } | { ok: false } {
  if (input === undefined || typeof input === 'function') return { ok: true, value: input };
  try {
    return { ok: true, value: JSON.parse(input) as unknown };
  } catch {
    return { ok: false };
  }
}

/** A flow in the older DSL shape: decisions with `branches: [{ id, name, steps: [stepId…] }]`, task steps with `taskId`. */
export interface OlderDslFlow {
  id: string;
  name?: string;
  description?: string;
  trigger?: string | string[];
  steps: OlderFlowStep[];
  onError?: 'fail' | 'continue';
  output?: Expression;
}

/**
 * Turns a DSL flow back into the programmatic form; `name` and `description` are kept. It also reads the
 * older DSL shape: a `decision` step with `condition` and `branches: [{ id, name, steps: [stepId…] }]` becomes
 * a condition step whose `thenSteps` are the steps the first branch names and whose `elseSteps` are the
 * second's (those steps move into the branch, out of the top level), and a task step with `taskId` stays one.
 * @throws UsageError (`INVALID_ARGUMENT`) for an older decision whose branches name no step of the flow, share
 * a step, number more than two, or contain the decision itself.
 */
export function convertDslToFlow(flow: (FlowDefinition & { id: string }) | OlderDslFlow): RuntimeFlow {
  const raw = flow.steps as unknown as Array<Record<string, unknown>>;
  const steps = hasOlderDecisions(raw) ? foldOlderDecisions(flow.id, raw, (step) => stepFromDsl(step as unknown as FlowStep)) : (flow.steps as FlowStep[]).map(stepFromDsl);
  const out: RuntimeFlow = { id: flow.id, steps };
  if (flow.name !== undefined) out.name = flow.name;
  if (flow.description !== undefined) out.description = flow.description;
  if (flow.trigger !== undefined) out.trigger = flow.trigger;
  if (flow.onError !== undefined) out.onError = flow.onError;
  if (flow.output !== undefined) out.output = flow.output;
  return out;
}
