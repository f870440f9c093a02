import { UsageError as ApiUsageError } from '../errors.js';

/** Where a command writes, so commands run the same in a terminal and in tests. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** Whether stderr is a terminal: progress lines are shown only there. */
  readonly interactive: boolean;
  readonly cwd: string;
}

export const processIo = (): CliIo => ({
  out: (text) => void process.stdout.write(`${text}\n`),
  err: (text) => void process.stderr.write(`${text}\n`),
  interactive: Boolean(process.stderr.isTTY),
  cwd: process.cwd(),
});

/** A mistake in how the command was called: one line, exit code 2. */
export class UsageError extends ApiUsageError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 'CLI_USAGE', options);
  }
}

/** The runtime's warnings and errors, one line each on stderr: the logger every command gives its runtime. */
export function cliLogger(io: CliIo): { warn(message: string): void; error(message: string): void } {
  return { warn: (message) => io.err(`warning: ${message}`), error: (message) => io.err(`error: ${message}`) };
}
