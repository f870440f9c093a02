/**
 * Failures as data: the one shape a failure takes when it crosses a boundary (results, events, snapshots,
 * history), the converter from anything thrown, and a named constructor for each failure the runtime makes
 * itself. No other module spells a failure name.
 */

/** The shape a failure takes when it crosses a boundary: in results, events and snapshots. */
export interface SerializedError {
  name: string;
  message: string;
  code?: string;
  /** Set when the error must not be retried. */
  nonRetryable?: boolean;
}

/** Names of the failures the runtime makes itself; a task's own errors keep their names. */
export const FailureName = {
  cancelled: 'CancelledError',
  terminated: 'TerminatedError',
  timedOut: 'TimeoutError',
  aborted: 'AbortError',
  missingImplementation: 'MissingImplementationError',
  invalidInput: 'InputValidationError',
  invalidOutput: 'OutputValidationError',
  needsMigration: 'NeedsMigrationError',
  expression: 'ExpressionError',
  failed: 'Error',
} as const;

/** Turns anything thrown into the serialisable failure shape. */
export function toSerializedError(thrown: unknown): SerializedError {
  if (thrown && typeof thrown === 'object') {
    const e = thrown as { name?: unknown; message?: unknown; code?: unknown; nonRetryable?: unknown };
    const out: SerializedError = {
      name: typeof e.name === 'string' && e.name ? e.name : FailureName.failed,
      message: typeof e.message === 'string' ? e.message : safeString(thrown),
    };
    if (typeof e.code === 'string' || typeof e.code === 'number') out.code = String(e.code);
    if (e.nonRetryable === true) out.nonRetryable = true;
    return out;
  }
  return { name: FailureName.failed, message: typeof thrown === 'string' ? thrown : `Non-error value thrown: ${safeString(thrown)}` };
}

function safeString(value: unknown): string {
  try {
    return typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  } catch {
    return String(value);
  }
}

/** A failure with no more to say than a message (`Error`). */
export const failedFailure = (message: string): SerializedError => ({ name: FailureName.failed, message });

/** An expression of a machine that failed while it was evaluated (a flow fails with it). */
export const expressionFailure = (message: string): SerializedError => ({ name: FailureName.expression, message });

/** An instance or flow that was cancelled: it ran its way to `cancelled`, or was stopped before it ended. */
export const cancelledFailure = (message: string): SerializedError => ({ name: FailureName.cancelled, message });

/** An instance ended for good by `terminate()` (or by losing it to another runtime). */
export const terminatedFailure = (reason: string): SerializedError => ({ name: FailureName.terminated, message: reason });

/** A step or attempt that ran past its timeout. */
export const timedOutFailure = (step: string, timeoutMs: number | undefined): SerializedError => ({
  name: FailureName.timedOut,
  message: `Step "${step}" timed out after ${timeoutMs ?? '?'}ms`,
});

/** A task attempt stopped from outside (timeout, cancel, its instance stopped); as an `Error`, for an AbortSignal's reason. */
export function abortedFailure(message: string): Error & SerializedError {
  return Object.assign(new Error(message), { name: FailureName.aborted });
}

/** Task attempts that cannot be made or whose result is unusable: never retried. */
export function nonRetryableFailure(name: string, code: string, message: string): SerializedError {
  return { name, message, code, nonRetryable: true };
}

export const missingImplementationFailure = (message: string): SerializedError => nonRetryableFailure(FailureName.missingImplementation, 'NO_IMPLEMENTATION', message);
export const invalidInputFailure = (message: string): SerializedError => nonRetryableFailure(FailureName.invalidInput, 'INVALID_INPUT', message);
export const invalidOutputFailure = (code: 'INVALID_OUTPUT' | 'NON_JSON_OUTPUT', message: string): SerializedError => nonRetryableFailure(FailureName.invalidOutput, code, message);

/** A stored instance whose machine changed under it; `missing` lists what its snapshot needs. */
export const needsMigrationFailure = (message: string, missing: string[]): SerializedError & { missing: string[] } => ({
  name: FailureName.needsMigration,
  code: 'NEEDS_MIGRATION',
  message,
  missing,
});
