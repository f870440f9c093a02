import { failedFlowResult, type FlowContext, type FlowExecutionResult } from '../../machines/flow-state.js';
import { cancelledFailure, failedFailure, terminatedFailure, toSerializedError, type SerializedError } from '../failure.js';
import { FINISHED_STATUSES, type InstanceKind, type InstanceRecord, type InstanceStatus } from '../persistence/store.js';

/** The parts of an XState snapshot (live or persisted) that say where an instance is in its life. */
export interface SnapshotLike {
  status?: string;
  value?: unknown;
  output?: unknown;
  error?: unknown;
  context?: unknown;
}

/** Whether an instance with this status never moves again. */
export const isFinished = (status: string): boolean => (FINISHED_STATUSES as readonly string[]).includes(status);

/**
 * The status a snapshot stands for: the one rule for live instances, stored ones and the facade.
 * A flow is `completed` when its result says success, `cancelled` when it ended in its cancelled state.
 */
export function statusOf(kind: InstanceKind, snapshot: SnapshotLike): { status: InstanceStatus; error?: SerializedError } {
  if (snapshot.status === 'error') return { status: 'failed', error: toSerializedError(snapshot.error) };
  if (snapshot.status !== 'done') return { status: 'running' };
  if (kind === 'process') return { status: 'completed' };
  if (snapshot.value === 'cancelled') return { status: 'cancelled' };
  const output = snapshot.output as { success?: boolean; error?: SerializedError } | undefined;
  return output?.success ? { status: 'completed' } : { status: 'failed', ...(output?.error ? { error: output.error } : {}) };
}

/** How an instance's actor ended when it did not reach a final state on its own. */
export type Ending = { crashed: unknown } | { terminated: string } | { stopped: true };

/**
 * A flow's result: the machine's output when it has one, else one built from what its context recorded
 * (a crash, a termination, a stop). The only place a result is made outside the machine.
 */
export function flowResultOf(snapshot: SnapshotLike | undefined, instanceId: string, ending: Ending): FlowExecutionResult {
  const context = snapshot?.context as FlowContext | undefined;
  if ('crashed' in ending) return failedFlowResult(context, instanceId, toSerializedError(ending.crashed));
  const output = snapshot?.output as FlowExecutionResult | undefined;
  if (output) return output;
  return failedFlowResult(context, instanceId, 'terminated' in ending ? terminatedFailure(ending.terminated) : cancelledFailure('The flow was stopped'));
}

/** The result of a stored flow instance that does not run here: its machine's output, else why it has none. */
export function storedFlowResult(record: InstanceRecord): FlowExecutionResult {
  const snapshot = record.snapshot as SnapshotLike | undefined;
  const output = snapshot?.output as FlowExecutionResult | undefined;
  if (output) return output;
  const why = record.status === 'running' ? ' here: it runs in another runtime or was not recovered' : '';
  return failedFlowResult(snapshot?.context as FlowContext | undefined, record.instanceId, record.error ?? failedFailure(`Instance "${record.instanceId}" is ${record.status} and has no result${why}`));
}
