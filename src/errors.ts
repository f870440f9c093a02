/** One problem found in a document or a payload: where it is, a stable code, and what is wrong. */
export interface ValidationIssue {
  /** A path a person can follow: `flows.checkout.steps[2].task`. */
  path: string;
  code: string;
  message: string;
}

export type ErrorCode =
  | 'SYSTEM_INVALID'
  | 'UNKNOWN_TASK'
  | 'UNKNOWN_FLOW'
  | 'UNKNOWN_PROCESS'
  | 'UNKNOWN_INSTANCE'
  | 'DUPLICATE_INSTANCE'
  | 'NO_IMPLEMENTATION'
  | 'INVALID_INPUT'
  | 'INVALID_PAYLOAD'
  | 'EXPRESSION_SYNTAX'
  | 'EXPRESSION_EVALUATION'
  | 'RUNTIME_STOPPED'
  | 'FILE_NOT_FOUND'
  | 'DSL_EMPTY'
  | 'DSL_SYNTAX'
  | 'DSL_NOT_DATA'
  | 'DSL_LOAD'
  | 'DSL_SAVE'
  | 'MIGRATION_FAILED'
  | 'NO_MIGRATION_PATH'
  | 'CLI_USAGE'
  | 'CONCURRENCY_CONFLICT'
  | 'STORE_UNAVAILABLE'
  | 'STORE_CORRUPT'
  | 'STORE_SCHEMA'
  | 'NEEDS_MIGRATION'
  | 'NOT_STARTED'
  | 'NO_STORE'
  | 'INSTANCE_FINISHED'
  | 'CODEGEN_FAILED'
  | 'CODEGEN_PROVIDER'
  | 'CODEGEN_EXISTS'
  | 'INVALID_ARGUMENT'
  | 'INVALID_OPTION';

/** Base of every error runtime-core throws; `code` is stable, the message is for people. */
export class RuntimeCoreError<Code extends string | undefined = ErrorCode> extends Error {
  override readonly name: string = 'RuntimeCoreError';
  readonly code: Code;

  constructor(code: Code, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

function listIssues(issues: readonly ValidationIssue[], limit = 20): string {
  const shown = issues.slice(0, limit).map((i) => `  - ${i.path || '(root)'}: ${i.message} [${i.code}]`);
  if (issues.length > limit) shown.push(`  … and ${issues.length - limit} more`);
  return shown.join('\n');
}

/** A system document that does not validate; `issues` lists every problem at once. */
export class SystemValidationError extends RuntimeCoreError {
  override readonly name = 'SystemValidationError';
  readonly issues: readonly ValidationIssue[];

  constructor(issues: readonly ValidationIssue[], subject = 'The system') {
    super('SYSTEM_INVALID', `${subject} is invalid (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n${listIssues(issues)}`);
    this.issues = issues;
  }
}

export type NotFoundKind = 'task' | 'flow' | 'process' | 'instance';
const NOT_FOUND_CODES = {
  task: 'UNKNOWN_TASK',
  flow: 'UNKNOWN_FLOW',
  process: 'UNKNOWN_PROCESS',
  instance: 'UNKNOWN_INSTANCE',
} as const satisfies Record<NotFoundKind, ErrorCode>;

/** An id that names nothing; the message lists what does exist. */
export class NotFoundError extends RuntimeCoreError {
  override readonly name = 'NotFoundError';
  readonly kind: NotFoundKind;
  readonly id: string;
  readonly available: readonly string[];

  constructor(kind: NotFoundKind, id: string, available: readonly string[], where = '') {
    const plural = kind === 'process' ? 'processes' : `${kind}s`;
    const known = available.length === 0 ? `there are no ${plural}` : `known ${plural}: ${available.slice(0, 30).join(', ')}`;
    super(NOT_FOUND_CODES[kind], `Unknown ${kind} "${id}"${where ? ` ${where}` : ''}; ${known}`);
    this.kind = kind;
    this.id = id;
    this.available = available;
  }
}

/** A task that the system declares but nothing implements. */
export class MissingImplementationError extends RuntimeCoreError {
  override readonly name = 'MissingImplementationError';
  readonly taskId: string;

  constructor(taskId: string, implemented: readonly string[]) {
    const known = implemented.length === 0 ? 'no task has one yet' : `implemented: ${implemented.join(', ')}`;
    super(
      'NO_IMPLEMENTATION',
      `Task "${taskId}" has no implementation; register one with runtime.registerTaskImplementation("${taskId}", fn) (${known})`,
    );
    this.taskId = taskId;
  }
}

/** Input or payload that does not match its JSON Schema. */
export class InputValidationError extends RuntimeCoreError {
  override readonly name = 'InputValidationError';
  readonly subject: string;
  readonly issues: readonly ValidationIssue[];

  constructor(subject: string, issues: readonly ValidationIssue[], code: 'INVALID_INPUT' | 'INVALID_PAYLOAD' = 'INVALID_INPUT') {
    super(code, `${subject} does not match its schema:\n${listIssues(issues)}`);
    this.subject = subject;
    this.issues = issues;
  }
}

/** An expression that does not parse, or that fails while it is evaluated. */
export class ExpressionError extends RuntimeCoreError {
  override readonly name = 'ExpressionError';
  readonly source: string;
  /** Offset in `source` (0-based) where the problem is. */
  readonly position: number;

  constructor(code: 'EXPRESSION_SYNTAX' | 'EXPRESSION_EVALUATION', source: string, position: number, detail: string) {
    super(code, `${detail} at position ${position} in expression ${JSON.stringify(source)}`);
    this.source = source;
    this.position = position;
  }
}

export type { SerializedError } from './failure.js';

/**
 * A call made the wrong way: an argument or option of the wrong type or out of range. `INVALID_ARGUMENT` for
 * API calls, `INVALID_OPTION` for constructor options, `CLI_USAGE` for the command line (exit code 2).
 */
export class UsageError extends RuntimeCoreError {
  override readonly name: string = 'UsageError';

  constructor(message: string, code: 'INVALID_ARGUMENT' | 'INVALID_OPTION' | 'CLI_USAGE' = 'INVALID_ARGUMENT', options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/**
 * A task's own failure, thrown from an implementation: its `name`, `code` and `nonRetryable` cross into the
 * result as they are (the code is the task's, not one of runtime-core's).
 */
export class TaskFailure extends RuntimeCoreError<string | undefined> {
  override readonly name: string;
  readonly nonRetryable: boolean;

  constructor(name: string, message: string, options: { code?: string | undefined; nonRetryable?: boolean; cause?: unknown } = {}) {
    super(options.code, message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = name;
    this.nonRetryable = options.nonRetryable ?? false;
  }
}

export type PersistenceErrorCode = 'CONCURRENCY_CONFLICT' | 'STORE_UNAVAILABLE' | 'STORE_CORRUPT' | 'STORE_SCHEMA' | 'NEEDS_MIGRATION' | 'NOT_STARTED' | 'NO_STORE' | 'INSTANCE_FINISHED';

/** A snapshot store that refused or failed a read or write; `instanceId` names the instance when there is one. */
export class PersistenceError extends RuntimeCoreError {
  override readonly name: string = 'PersistenceError';
  readonly instanceId: string | undefined;

  constructor(code: PersistenceErrorCode, message: string, options: { instanceId?: string; cause?: unknown } = {}) {
    super(code, message, options.cause === undefined ? undefined : { cause: options.cause });
    this.instanceId = options.instanceId;
  }
}

/** Two runtimes advanced the same instance: the write that expected an older version lost. */
export class ConcurrencyConflictError extends PersistenceError {
  override readonly name = 'ConcurrencyConflictError';
  readonly expectedVersion: number;
  readonly actualVersion: number | undefined;

  constructor(instanceId: string, expectedVersion: number, actualVersion: number | undefined) {
    super(
      'CONCURRENCY_CONFLICT',
      actualVersion === undefined
        ? `Instance "${instanceId}": expected version ${expectedVersion} in the store, but the instance is not there (another runtime removed it)`
        : `Instance "${instanceId}": expected version ${expectedVersion} in the store, found ${actualVersion}; another runtime advanced it, reload it before writing`,
      { instanceId },
    );
    this.expectedVersion = expectedVersion;
    this.actualVersion = actualVersion;
  }
}
