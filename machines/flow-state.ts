import { failedFailure, timedOutFailure, type SerializedError } from '../src/failure.js';

export type StepStatus = 'running' | 'completed' | 'failed';

/** What happened to one step; `context.stepStatus[stepId]`. */
export interface StepRecord {
  status: StepStatus;
  /** Attempts made (task steps); 0 for steps that run no task themselves. */
  attempts: number;
  error?: SerializedError;
  /** Delay before the next attempt, while backing off. */
  delayMs?: number;
}

/** Progress of a forEach step; `context.forEach[stepId]`. */
export interface ForEachRecord {
  items: unknown[];
  /** Index of the next item to start. */
  next: number;
  done: number;
  results: unknown[];
  error?: SerializedError;
}

/** The context of a flow machine. JSON only, so snapshots persist as they are. */
export interface FlowContext {
  flowId: string;
  instanceId: string;
  input: unknown;
  /** Each step's output, as expressions read it (`steps.charge.amount`). */
  steps: Record<string, unknown>;
  stepStatus: Record<string, StepRecord>;
  forEach: Record<string, ForEachRecord>;
  /** Inside a forEach body. */
  item?: unknown;
  index?: number;
  /** Why the flow failed. */
  error?: SerializedError & { step?: string };
}

/** What starts a flow machine. */
export interface FlowMachineInput {
  input?: unknown;
  /** Outputs of steps that ran before (a forEach body reads its flow's earlier steps). */
  steps?: Record<string, unknown>;
  instanceId?: string;
  item?: unknown;
  index?: number;
}

export interface StepResult {
  status: StepStatus;
  output?: unknown;
  error?: SerializedError;
  attempts: number;
}

/** The output of a flow machine, and what `executeFlow` resolves with. */
export interface FlowExecutionResult {
  success: boolean;
  /** The flow's `output` expression, or the output of the last step that ran. */
  output: unknown;
  steps: Record<string, StepResult>;
  error?: SerializedError & { step?: string };
  instanceId: string;
}

/** Each step's status, attempts, output and error, as a flow result reports them. */
export function stepResults(context: FlowContext | undefined): Record<string, StepResult> {
  const steps: Record<string, StepResult> = {};
  if (!context) return steps;
  const { stepStatus, steps: outputs } = context;
  for (const id in stepStatus) {
    const record = stepStatus[id] as StepRecord;
    const result: StepResult = { status: record.status, attempts: record.attempts };
    if (id in outputs) result.output = outputs[id];
    if (record.error) result.error = record.error;
    steps[id] = result;
  }
  return steps;
}

/** The result of a flow that failed, from what its context recorded so far. */
export function failedFlowResult(context: FlowContext | undefined, instanceId: string, error: SerializedError & { step?: string }): FlowExecutionResult {
  return { success: false, output: undefined, steps: stepResults(context), error, instanceId };
}

/** Reads the failure a step's event carries. */
export function errorFromEvent(
  event: { type: string; error?: unknown; output?: unknown },
  source: string,
  step: string,
  timeoutMs?: number,
): SerializedError {
  switch (source) {
    case 'timeout':
      return timedOutFailure(step, timeoutMs);
    case 'flowResult': {
      const result = event.output as Partial<FlowExecutionResult> | undefined;
      return result?.error ?? failedFailure(`Step "${step}" failed`);
    }
    default: {
      const error = event.error as SerializedError | undefined;
      return error && typeof error.name === 'string' ? error : failedFailure(String(event.error));
    }
  }
}
