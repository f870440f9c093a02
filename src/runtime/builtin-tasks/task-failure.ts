/** A failure of a built-in task: its `name`, `code` and `nonRetryable` cross into the result as they are. */
export class TaskFailure extends Error {
  override readonly name: string;
  readonly code: string | undefined;
  readonly nonRetryable: boolean;

  constructor(name: string, message: string, options: { code?: string | undefined; nonRetryable?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = name;
    this.code = options.code;
    this.nonRetryable = options.nonRetryable ?? false;
  }
}
