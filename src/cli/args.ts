import { parseArgs, type ParseArgsConfig } from 'node:util';
import { parseDuration } from '../dsl/duration.js';
import { UsageError } from './io.js';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

/** Options every command takes. */
export const COMMON_OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  verbose: { type: 'boolean' },
} as const satisfies OptionSpec;

export interface ParsedArgs {
  /** Flags are booleans, options strings; absent ones are undefined. */
  values: { readonly [name: string]: string | boolean | undefined };
  positionals: string[];
}

/** Parses a command's arguments strictly: an unknown flag or a missing value is a UsageError naming it. */
export function parseCommandArgs(command: string, argv: string[], options: OptionSpec): ParsedArgs {
  try {
    const { values, positionals } = parseArgs({ args: argv, options: { ...COMMON_OPTIONS, ...options }, allowPositionals: true, strict: true });
    return { values: values as ParsedArgs['values'], positionals };
  } catch (error) {
    const message = error instanceof Error ? error.message.replace(/\. To specify a positional argument.*$/s, '') : String(error);
    throw new UsageError(`${command}: ${message.charAt(0).toLowerCase()}${message.slice(1)} (see runtime-core ${command} --help)`);
  }
}

export const stringOption = (args: ParsedArgs, name: string): string | undefined => {
  const value = args.values[name];
  return typeof value === 'string' ? value : undefined;
};
export const flagOption = (args: ParsedArgs, name: string): boolean => args.values[name] === true;

/** Reads `--input`/`--payload`: JSON text, or `@file` holding JSON. */
export async function readJsonArgument(flag: string, value: string | undefined, cwd: string): Promise<unknown> {
  if (value === undefined) return undefined;
  let text = value;
  if (value.startsWith('@')) {
    const { readFile } = await import('node:fs/promises');
    const { resolve } = await import('node:path');
    const file = resolve(cwd, value.slice(1));
    try {
      text = await readFile(file, 'utf8');
    } catch {
      throw new UsageError(`${flag}: cannot read ${value.slice(1)}`);
    }
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new UsageError(`${flag}: not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
}

/** Reads a duration option (`--timeout 30s`, `500ms`, `5m`, or plain milliseconds); undefined when absent. */
export function durationOption(command: string, args: ParsedArgs, name: string): number | undefined {
  const text = stringOption(args, name);
  if (text === undefined) return undefined;
  try {
    return parseDuration(/^\d+$/.test(text) ? Number(text) : text);
  } catch {
    throw new UsageError(`${command}: --${name} expects a duration such as 500ms, 30s or 5m, got "${text}"`);
  }
}
