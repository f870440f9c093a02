import { RuntimeCoreError } from '../errors.js';

/** Why a model or provider failed. */
export type CodeGenerationFailureReason =
  | 'no-api-key'
  | 'refusal'
  | 'malformed-answer'
  | 'http'
  | 'timeout'
  | 'connection'
  | 'verification';

/**
 * Code generation that could not produce an answer: `CODEGEN_PROVIDER` when the model or its server failed
 * (refusal, HTTP error, timeout, an answer that never parsed). Code that was produced but still fails its
 * verification after `maxAttempts` is not thrown: it is returned with `verification.passed === false`.
 */
export class CodeGenerationError extends RuntimeCoreError {
  override readonly name = 'CodeGenerationError';
  /** The task or flow id. */
  readonly subject: string;
  readonly reason: CodeGenerationFailureReason;
  /** The attempt that failed, counting from 1. */
  readonly attempt: number;
  /** The HTTP status, when the server answered with an error. */
  readonly status: number | undefined;

  constructor(
    code: 'CODEGEN_PROVIDER' | 'CODEGEN_FAILED',
    message: string,
    details: { subject: string; reason: CodeGenerationFailureReason; attempt: number; status?: number; cause?: unknown },
  ) {
    super(code, message, details.cause === undefined ? undefined : { cause: details.cause });
    this.subject = details.subject;
    this.reason = details.reason;
    this.attempt = details.attempt;
    this.status = details.status;
  }
}
