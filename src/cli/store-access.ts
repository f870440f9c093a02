// What the commands that work on stored instances share: the --store option, opening it, and one-line errors with codes.
import { resolve } from 'node:path';
import { loadDslFile } from '../dsl/load/index.js';
import type { SystemDefinition } from '../dsl/schema.js';
import { UsageError as ApiUsageError, InputValidationError, NotFoundError, RuntimeCoreError, SystemValidationError } from '../errors.js';
import { openStore } from '../persistence/open-store.js';
import type { SnapshotStore } from '../persistence/store.js';
import { flagOption, stringOption, type OptionSpec, type ParsedArgs } from './args.js';
import { UsageError, type CliIo } from './io.js';

/** The store of the command line unless `--store` names another: an SQLite file in the working directory (issue #4). */
export const DEFAULT_STORE = './runtime.db';

/** Options of every command on stored instances. */
export const STORE_OPTIONS = {
  store: { type: 'string' },
  trusted: { type: 'boolean' },
} as const satisfies OptionSpec;

/** Help lines for the options above. */
export const STORE_HELP = `  --store <spec>       where instances are stored: an SQLite file, postgres://… or memory
                       (default ${DEFAULT_STORE})
  --trusted            run a .ts document instead of reading it statically
  --verbose            show stack traces of unexpected errors
  -h, --help           show this help`;

/**
 * Opens the store `--store` names (default ./runtime.db), relative paths against the working directory.
 * `create: false` for commands that only read: a missing SQLite file is an error rather than a new empty store.
 */
export function openCliStore(command: string, args: ParsedArgs, io: CliIo, options: { create: boolean }): SnapshotStore {
  const spec = stringOption(args, 'store') ?? DEFAULT_STORE;
  try {
    return openStore(spec, { cwd: io.cwd, create: options.create });
  } catch (error) {
    if (error instanceof ApiUsageError) throw new UsageError(`${command}: --store: ${error.message.replace(/^openStore: /, '')}`, { cause: error });
    throw error;
  }
}

/** Loads the system document, as every command does. */
export async function loadSystemFile(file: string, args: ParsedArgs, io: CliIo): Promise<SystemDefinition> {
  const { system } = await loadDslFile(resolve(io.cwd, file), { trusted: flagOption(args, 'trusted') });
  return system;
}

/** An error as one line ending in its code: `Unknown instance "x" …; known instances: a, b [UNKNOWN_INSTANCE]`. */
export function oneLineError(error: RuntimeCoreError): string {
  const message =
    error instanceof InputValidationError
      ? `${error.subject} does not match its schema: ${error.issues.map((issue) => `${issue.path || '(root)'}: ${issue.message}`).join('; ')}`
      : error.message.replace(/\s*\n\s*/g, ' ');
  return `${message} [${error.code}]`;
}

/**
 * Runs a command's body; a runtime-core error (not a document that fails validation, which lists its
 * problems line by line) is printed as one line with its code and exits 1. A usage mistake, the command line's
 * or an argument from it that the API refused (`INVALID_ARGUMENT`, say a bad `--cursor`), goes on as a
 * `UsageError`: one line, exit 2.
 */
export async function withErrorCodes(io: CliIo, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof UsageError) throw error;
    if (error instanceof ApiUsageError) throw new UsageError(error.message, { cause: error });
    if (!(error instanceof RuntimeCoreError) || error instanceof SystemValidationError) throw error;
    io.err(oneLineError(error));
    return 1;
  }
}

/** An instance the store does not hold; the message lists (some of) those it does. */
export async function unknownInstance(store: SnapshotStore, instanceId: string): Promise<NotFoundError> {
  const { instances } = await store.list({ limit: 30 });
  return new NotFoundError(
    'instance',
    instanceId,
    instances.map((instance) => instance.instanceId),
    `in ${store.description}`,
  );
}

/** `<command>: expected <file> <what>` for a wrong number of positionals. */
export function positionals(command: string, args: ParsedArgs, names: readonly string[], optional: readonly string[] = []): string[] {
  const given = args.positionals;
  if (given.length < names.length || given.length > names.length + optional.length) {
    const usage = [...names.map((n) => `<${n}>`), ...optional.map((n) => `[${n}]`)].join(' ');
    throw new UsageError(`${command}: expected ${usage} (see runtime-core ${command} --help)`);
  }
  return given;
}
