import type { CliIo } from './io.js';

/** One subcommand of `runtime-core`. */
export interface Command {
  name: string;
  summary: string;
  /** The whole `--help` text. */
  help: string;
  /** Returns the exit code. */
  run(argv: string[], io: CliIo): Promise<number>;
}
