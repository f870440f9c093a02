// saveSystemToDsl: writes a system document to a `.dsl.ts` (or `.json`) file, updating an existing file in place.
import { readFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { SystemValidationError } from '../../errors.js';
import type { SystemDefinition } from '../schema.js';
import { validateSystem } from '../validate.js';
import { writeFileAtomic } from './atomic-write.js';
import { arrange } from './key-order.js';
import type { DocumentChange } from './minimal-update.js';
import { containsFunction, printModule } from './printer.js';
import { sameValue } from './same-value.js';
import { DslSaveError, UnsavableError } from './save-error.js';

export type { DocumentChange } from './minimal-update.js';
export { DslSaveError } from './save-error.js';

/** Options of `saveSystemToDsl`. */
export interface SaveSystemOptions {
  /** Validate the document first and refuse to save an invalid one (`SystemValidationError`). @default true */
  validate?: boolean;
}

/** What `saveSystemToDsl` did. */
export interface SaveSystemResult {
  /** The absolute path of the file. */
  path: string;
  /** True when there was no file (or an empty one) and it was created. */
  created: boolean;
  /** True when the file's content changed; when false, nothing was written. */
  changed: boolean;
  /** The parts of an existing file that were rewritten, added or removed; empty for a new file. */
  changes: DocumentChange[];
  /** The document holds functions, so the file loads only with `{ trusted: true }` (a `.json` file never does). */
  needsTrust: boolean;
}

/**
 * Saves a system document to `path`.
 *
 * A `.ts` path (`orders.dsl.ts`) gets a module `export default defineSystem({ … })`, formatted, with keys in
 * the meta-schema's order (user maps such as `tasks` keep theirs). Saving the same document twice gives the
 * same bytes. When the file exists, only what changed is rewritten: comments and formatting elsewhere survive.
 * Functions (conditions written in code) are written from their source text as arrow functions, and the file
 * then says it must be loaded with `{ trusted: true }`. A `.json` path gets the document as JSON.
 * The write is atomic: a temporary file in the same directory is renamed over the target.
 *
 * @throws SystemValidationError (`SYSTEM_INVALID`) when the document is invalid and `validate` is not false.
 * @throws DslSaveError (`DSL_SAVE`) when a value cannot be written (a class instance, a native function), when
 *   the existing file has no default-export literal to update (it is then left untouched), or when writing fails.
 */
export async function saveSystemToDsl(system: SystemDefinition, path: string, options: SaveSystemOptions = {}): Promise<SaveSystemResult> {
  const file = resolve(path);
  const format = formatOf(file);
  if (options.validate !== false) {
    const { valid, errors } = validateSystem(system);
    if (!valid) throw new SystemValidationError(errors, 'The system to save');
  }
  try {
    const doc = arrange(system) as Record<string, unknown>;
    const needsTrust = containsFunction(doc);
    if (format === 'json' && needsTrust) throw new UnsavableError('the document holds functions, which JSON cannot hold; save it to a .dsl.ts file');
    const existing = await readExisting(file);
    const created = existing === undefined || existing.trim() === '';
    let text: string;
    let changes: DocumentChange[] = [];
    if (created) text = format === 'json' ? printJson(doc) : printModule(doc);
    else if (format === 'json') text = sameValue(parseJson(existing), doc) ? existing : printJson(doc);
    else {
      // The TypeScript parser is loaded only to update an existing file.
      const { updateDocumentSource } = await import('./minimal-update.js');
      ({ text, changes } = updateDocumentSource(existing, doc));
    }
    const changed = text !== existing;
    if (changed) await writeFileAtomic(file, text).catch((cause: unknown) => Promise.reject(new DslSaveError(file, describe(cause), { cause })));
    return { path: file, created, changed, changes, needsTrust };
  } catch (error) {
    if (error instanceof UnsavableError) throw new DslSaveError(file, error.message, error.at === undefined ? {} : { at: error.at });
    throw error;
  }
}

function formatOf(file: string): 'ts' | 'json' {
  const extension = extname(file).toLowerCase();
  if (extension === '.ts' || extension === '.mts' || extension === '.cts') return 'ts';
  if (extension === '.json') return 'json';
  throw new DslSaveError(file, `expected a .dsl.ts, .ts or .json path, not "${extension || 'no extension'}"`);
}

async function readExisting(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new DslSaveError(file, `the existing file cannot be read: ${describe(error)}`, { cause: error });
  }
}

const printJson = (doc: unknown): string => `${JSON.stringify(doc, null, 2)}\n`;

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new UnsavableError(`the existing file is not JSON (${describe(error)}); it was left as it is`);
  }
}

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error));
