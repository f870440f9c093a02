#!/usr/bin/env node
// The `runtime-core` command line.
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { RuntimeCoreError, SystemValidationError } from '../errors.js';
import type { Command } from './command.js';
import { compileCommand } from './commands/compile.js';
import { generateCommand } from './commands/generate.js';
import { graphCommand } from './commands/graph.js';
import { inspectCommand } from './commands/inspect.js';
import { migrateCommand } from './commands/migrate.js';
import { testCommand } from './commands/test.js';
import { runCommand } from './commands/run.js';
import { cancelCommand } from './commands/cancel.js';
import { historyCommand } from './commands/history.js';
import { instancesCommand } from './commands/instances.js';
import { resumeCommand } from './commands/resume.js';
import { sendCommand } from './commands/send.js';
import { stateCommand } from './commands/state.js';
import { terminateCommand } from './commands/terminate.js';
import { validateCommand } from './commands/validate.js';
import { processIo, UsageError, type CliIo } from './io.js';

const COMMANDS: Command[] = [validateCommand, compileCommand, runCommand, sendCommand, stateCommand, instancesCommand, historyCommand, cancelCommand, terminateCommand, resumeCommand, migrateCommand, graphCommand, inspectCommand, testCommand, generateCommand];

function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return `Usage: runtime-core <command> [options]

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

Run runtime-core <command> --help for a command's options.`;
}

/** Runs the command line with `argv` (without node and the script); returns the exit code. Never throws. */
export async function runCli(argv: string[], io: CliIo = processIo()): Promise<number> {
  const [name, ...rest] = argv;
  const verbose = argv.includes('--verbose');
  try {
    if (!name || name === '--help' || name === '-h' || name === 'help') {
      io.out(mainHelp());
      return name ? 0 : 2;
    }
    const command = COMMANDS.find((c) => c.name === name);
    if (!command) throw new UsageError(`unknown command "${name}"; commands: ${COMMANDS.map((c) => c.name).join(', ')} (see runtime-core --help)`);
    if (rest.includes('--help') || rest.includes('-h')) {
      io.out(command.help);
      return 0;
    }
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`runtime-core: ${error.message}`);
      return 2;
    }
    if (error instanceof SystemValidationError || error instanceof RuntimeCoreError) io.err(error.message);
    else io.err(`runtime-core: ${error instanceof Error ? error.message : String(error)}${verbose ? '' : ' (run with --verbose for details)'}`);
    if (verbose && error instanceof Error && error.stack) io.err(error.stack);
    return 1;
  }
}

if (import.meta.url === pathToFileURL(realpathSync(process.argv[1] ?? '.')).href) {
  // Output piped into `head` and closed early is not an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  });
  process.exitCode = await runCli(process.argv.slice(2));
}
