import { durationIssue, parseDuration } from '../dsl/duration.js';
import type { TaskExecutionOptions } from '../dsl/programmatic-flow.js';
import type { ExpressionFunction, FlowDefinition, FlowStep } from '../dsl/schema.js';
import { UsageError } from '../errors.js';

/** Options of one run of a flow, as the original Runtime Core's `executeFlow(flowId, input, options)` takes them. */
export interface FlowRunOptions {
  /**
   * A failed step is recorded (`result.steps[id]`) and the flow goes on; it succeeds, and its output is the last
   * successful step's output (unless the flow declares `output`). Catch steps still run. @default false
   */
  continueOnError?: boolean;
  /**
   * Timeout and retry count for every task step of the run, in place of the task's. A step's own timeout or retry
   * count (`executionOptions`, or `timeout`/`retry.maxAttempts` in DSL form) still wins. Sub-flows keep their own.
   * @default the tasks' and steps' own
   */
  taskExecutionOptions?: TaskExecutionOptions;
}

/** Run options checked and normalised: the timeout in whole milliseconds. */
interface ResolvedRunOptions {
  continueOnError: boolean;
  timeoutMs?: number;
  maxRetries?: number;
}

/**
 * Separates a flow id from the options of its variant. Flow ids cannot contain it (`IDENTIFIER_PATTERN`), and
 * the variant id says its options, so a variant recovered from a store can be compiled again from its id alone.
 */
const SEPARATOR = '~';
const VARIANT_KEY = /^(continue)?(?:(?:^|,)timeout=(\d+))?(?:(?:^|,)retries=(\d+))?$/;

/**
 * The id a run with `options` starts: the flow's own when they change nothing, else the id of a variant of the
 * flow, `<flowId>~continue,timeout=<ms>,retries=<n>` (the parts that are set).
 * @throws UsageError (`INVALID_ARGUMENT`) for options of the wrong type or out of range.
 */
export function flowRunId(flowId: string, options: FlowRunOptions): string {
  const resolved = resolveRunOptions(options);
  const parts: string[] = [];
  if (resolved.continueOnError) parts.push('continue');
  if (resolved.timeoutMs !== undefined) parts.push(`timeout=${resolved.timeoutMs}`);
  if (resolved.maxRetries !== undefined) parts.push(`retries=${resolved.maxRetries}`);
  return parts.length === 0 ? flowId : `${flowId}${SEPARATOR}${parts.join(',')}`;
}

/** The flow and the options a variant id stands for; undefined for an id that is not a variant's. */
export function parseFlowRunId(id: string): { flowId: string; options: ResolvedRunOptions } | undefined {
  const at = id.indexOf(SEPARATOR);
  if (at <= 0) return undefined;
  const match = VARIANT_KEY.exec(id.slice(at + 1));
  if (!match || match[0] === '') return undefined;
  const options: ResolvedRunOptions = { continueOnError: match[1] !== undefined };
  if (match[2] !== undefined) options.timeoutMs = Number(match[2]);
  if (match[3] !== undefined) options.maxRetries = Number(match[3]);
  const flowId = id.slice(0, at);
  // Only the id flowRunId writes: one variant per set of options.
  return flowRunId(flowId, { continueOnError: options.continueOnError, taskExecutionOptions: { ...(options.timeoutMs === undefined ? {} : { timeout: options.timeoutMs }), ...(options.maxRetries === undefined ? {} : { maxRetries: options.maxRetries }) } }) === id ? { flowId, options } : undefined;
}

/** The flow as a run with `options` executes it. */
export function flowVariant(flow: FlowDefinition, options: ResolvedRunOptions): FlowDefinition {
  const variant: FlowDefinition = { ...flow, steps: flow.steps.map((step) => stepVariant(step, options)) };
  if (options.continueOnError) {
    variant.onError = 'continue';
    if (flow.output === undefined) variant.output = lastSuccessfulOutput(flow.steps.map((step) => step.id));
  }
  return variant;
}

function stepVariant(step: FlowStep, options: ResolvedRunOptions): FlowStep {
  const out = { ...step } as FlowStep;
  if (options.continueOnError && out.onError === 'fail') out.onError = 'continue';
  const steps = (list: FlowStep[]) => list.map((inner) => stepVariant(inner, options));
  if (out.catch) out.catch = steps(out.catch);
  switch (out.type) {
    case 'task':
      if (options.timeoutMs !== undefined && out.timeout === undefined) out.timeout = options.timeoutMs;
      if (options.maxRetries !== undefined && out.retry?.maxAttempts === undefined) out.retry = { ...out.retry, maxAttempts: options.maxRetries + 1 };
      break;
    case 'condition':
      out.then = steps(out.then);
      if (out.else) out.else = steps(out.else);
      break;
    case 'parallel':
      out.branches = out.branches.map(steps);
      break;
    case 'forEach':
      out.steps = steps(out.steps);
      break;
    default:
      break;
  }
  return out;
}

/** The output of the last top-level step that completed (a failed step has none), as the original reports it. */
function lastSuccessfulOutput(stepIds: readonly string[]): ExpressionFunction {
  return ({ context }) => {
    const { steps, stepStatus } = context as { steps: Record<string, unknown>; stepStatus: Record<string, { status: string } | undefined> };
    const last = stepIds.findLast((id) => stepStatus[id]?.status === 'completed' && id in steps);
    return last === undefined ? undefined : steps[last];
  };
}

function resolveRunOptions(options: FlowRunOptions): ResolvedRunOptions {
  const { continueOnError, taskExecutionOptions: task } = options;
  if (continueOnError !== undefined && typeof continueOnError !== 'boolean') throw invalid('continueOnError', 'a boolean', continueOnError);
  const resolved: ResolvedRunOptions = { continueOnError: continueOnError === true };
  if (task === undefined) return resolved;
  if (task === null || typeof task !== 'object' || Array.isArray(task)) throw invalid('taskExecutionOptions', 'an object { timeout?, maxRetries? }', task);
  if (task.timeout !== undefined) {
    if (durationIssue(task.timeout, '')) throw invalid('taskExecutionOptions.timeout', "a duration (milliseconds, or '250ms', '30s', '5m', '2h', '1d')", task.timeout);
    resolved.timeoutMs = Math.ceil(parseDuration(task.timeout));
  }
  const { maxRetries } = task;
  if (maxRetries !== undefined) {
    if (typeof maxRetries !== 'number' || !Number.isInteger(maxRetries) || maxRetries < 0) throw invalid('taskExecutionOptions.maxRetries', 'an integer ≥ 0 (retries after the first attempt)', maxRetries);
    resolved.maxRetries = maxRetries;
  }
  return resolved;
}

function invalid(option: string, expected: string, found: unknown): UsageError {
  return new UsageError(`executeFlow(flowId, input, options): options.${option} must be ${expected}, found ${JSON.stringify(found) ?? String(found)}`);
}
