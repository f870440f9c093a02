import { RuntimeCoreError } from '../../errors.js';

/** A document that cannot be written, or an existing file that cannot be updated safely. */
export class DslSaveError extends RuntimeCoreError {
  override readonly name = 'DslSaveError';
  /** The file being written. */
  readonly file: string;
  /** Where in the document the problem is (`tasks.charge.input`), when it is about one value. */
  readonly at: string | undefined;

  constructor(file: string, message: string, options: { at?: string; cause?: unknown } = {}) {
    const where = options.at ? ` at ${options.at}` : '';
    super('DSL_SAVE', `Cannot save ${file}${where}: ${message}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.file = file;
    this.at = options.at;
  }
}

/** Thrown inside the save modules, which do not know the file; `saveSystemToDsl` turns it into a DslSaveError. */
export class UnsavableError extends Error {
  override readonly name = 'UnsavableError';
  readonly at: string | undefined;

  constructor(message: string, at?: string) {
    super(message);
    this.at = at;
  }
}
