// Finding and reading a DSL file: its format from the extension, a missing file with similar names, an empty file.
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { didYouMean } from '../validate-report.js';
import { DslLoadError } from './load-error.js';

/** How a DSL file is written. */
export type DslFormat = 'ts' | 'json' | 'yaml';

const FORMATS: readonly (readonly [suffix: string, format: DslFormat])[] = [
  ['.dsl.ts', 'ts'],
  ['.ts', 'ts'],
  ['.json', 'json'],
  ['.yaml', 'yaml'],
  ['.yml', 'yaml'],
];

/** The file name endings `loadSystemFromDsl` accepts. */
export const SUPPORTED_EXTENSIONS: readonly string[] = FORMATS.map(([suffix]) => suffix);

const EXPECTED: Record<DslFormat, string> = {
  ts: "a default export such as export default defineSystem({ id: 'my-system' })",
  json: 'a JSON object such as { "id": "my-system" }',
  yaml: 'a YAML mapping such as id: my-system',
};

/** A DSL file read into memory. */
export interface DslFile {
  /** Absolute path. */
  readonly file: string;
  /** The path as the caller wrote it, for messages. */
  readonly display: string;
  readonly format: DslFormat;
  /** The content, without a byte order mark. */
  readonly text: string;
}

/** The format of `path` by its ending, or undefined when it is not a DSL file. */
export function formatOf(path: string): DslFormat | undefined {
  const lower = path.toLowerCase();
  return FORMATS.find(([suffix]) => lower.endsWith(suffix))?.[1];
}

/** Reads `path`: fails with FILE_NOT_FOUND, DSL_EMPTY or DSL_LOAD (unsupported type, a directory, unreadable). */
export async function readDslFile(path: string): Promise<DslFile> {
  const file = resolve(path);
  const format = formatOf(path);
  if (!format) {
    const ext = extname(path);
    const similar = await similarFiles(file, path);
    const problem = ext === '' ? 'no file extension' : `unsupported extension "${ext}"`;
    const suggestion = similar.length > 0 ? ` (did you mean ${similar.join(' or ')}?)` : '';
    throw new DslLoadError('DSL_LOAD', file, `Cannot load ${path}: ${problem}${suggestion}; supported: ${SUPPORTED_EXTENSIONS.join(', ')}`);
  }
  const text = await readText(file, path);
  if (text.trim() === '') throw new DslLoadError('DSL_EMPTY', file, `${path} is empty; expected ${EXPECTED[format]}`);
  return { file, display: path, format, text };
}

async function readText(file: string, display: string): Promise<string> {
  try {
    if ((await stat(file)).isDirectory()) throw new DslLoadError('DSL_LOAD', file, `${display} is a directory, not a DSL file`);
    return (await readFile(file, 'utf8')).replace(/^\uFEFF/, '');
  } catch (error) {
    if (error instanceof DslLoadError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new DslLoadError('FILE_NOT_FOUND', file, await notFoundMessage(file, display));
    throw new DslLoadError('DSL_LOAD', file, `Cannot read ${display}: ${(error as Error).message}`, { cause: error });
  }
}

async function notFoundMessage(file: string, display: string): Promise<string> {
  const directory = dirname(file);
  const exists = await stat(directory).then((s) => s.isDirectory(), () => false);
  if (!exists) return `File not found: ${display} (the directory ${dirname(display)} does not exist)`;
  const similar = await similarFiles(file, display);
  return `File not found: ${display}${similar.length > 0 ? ` (did you mean ${similar.join(' or ')}?)` : ''}`;
}

/** DSL files next to `file` whose name is a likely typo of its name or shares its stem, written like `display`. */
async function similarFiles(file: string, display: string): Promise<string[]> {
  const entries = await readdir(dirname(file)).catch(() => [] as string[]);
  const name = basename(file);
  const stem = stemOf(name);
  return entries
    .filter((entry) => entry !== name && formatOf(entry) !== undefined)
    .filter((entry) => (stem !== '' && stemOf(entry) === stem) || didYouMean(name, [entry]) !== '')
    .sort()
    .slice(0, 5)
    .map((entry) => join(dirname(display), entry));
}

/** `orders` of `orders.dsl.ts`. */
const stemOf = (name: string): string => name.split('.')[0] ?? '';
