// loadSystemFromDsl: a DSL file (.dsl.ts / .ts, .json, .yaml / .yml) into a validated document; loadDslFile: with its source locations.
import type { NormalizedSystem } from '../normalize.js';
import type { SystemDefinition } from '../schema.js';
import { readDslFile, type DslFile, type DslFormat } from './dsl-file.js';
import { validateLoadedSystem } from './located-validation.js';
import { createSourceLocations, type LocatedDocument, type SourceLocations } from './locations.js';

export { DslLoadError } from './load-error.js';
export type { DslLoadErrorCode, DslLoadProblem } from './load-error.js';
export type { LocatedValidationIssue } from './located-validation.js';
export type { SourceLocation, SourceLocations } from './locations.js';
export { SUPPORTED_EXTENSIONS } from './dsl-file.js';
export type { DslFormat } from './dsl-file.js';

/** Options of `loadSystemFromDsl` and `loadDslFile`. */
export interface LoadSystemOptions {
  /**
   * Import and run a `.ts` file (with tsx) instead of reading it statically: for documents that compute parts of
   * the system in code. zod schemas in the default export become JSON Schema; functions are kept. Only for files
   * you trust. No effect on `.json` and `.yaml`.
   * @default false
   */
  trusted?: boolean;
  /**
   * Validate and normalize the document (`assertValidSystem`), pointing each issue at its file:line:column.
   * With `false` the document is returned as read, unchecked.
   * @default true
   */
  validate?: boolean;
}

/** A loaded DSL file. */
export interface LoadedSystem<S = NormalizedSystem> {
  /** The document: validated and normalized, or as read with `validate: false`. */
  readonly system: S;
  /** The file, as an absolute path. */
  readonly path: string;
  readonly format: DslFormat;
  /** Where each property and array element is written, by validation path. */
  readonly locations: SourceLocations;
}

type Reader = (source: DslFile, options: LoadSystemOptions) => Promise<LocatedDocument>;

// Loaded on first use: TypeScript (through ts-morph) is large, and a JSON document does not need it.
const READERS: Record<DslFormat, Reader> = {
  ts: async (source, options) => (await import('./typescript-file.js')).readTypeScriptFile(source, options.trusted ?? false),
  json: async (source) => (await import('./json-yaml.js')).readJsonFile(source),
  yaml: async (source) => (await import('./json-yaml.js')).readYamlFile(source),
};

/** Where each loaded document came from, for `locationsOf`: held weakly, so a document let go takes them along. */
const LOADED = new WeakMap<object, LoadedSystem<NormalizedSystem | SystemDefinition>>();

/**
 * Loads a system document from a file and resolves the document itself, as the original Runtime Core's README
 * uses it: `new ReactiveSystemRuntime(await loadSystemFromDsl(path))`. `locationsOf(system)` finds where each
 * of its parts is written; `loadDslFile` resolves the document with its path, format and locations at once.
 * Accepts and throws as `loadDslFile` does.
 */
export function loadSystemFromDsl(path: string, options?: LoadSystemOptions & { validate?: true }): Promise<NormalizedSystem>;
export function loadSystemFromDsl(path: string, options: LoadSystemOptions & { validate: false }): Promise<SystemDefinition>;
export function loadSystemFromDsl(path: string, options?: LoadSystemOptions): Promise<NormalizedSystem | SystemDefinition>;
export async function loadSystemFromDsl(path: string, options: LoadSystemOptions = {}): Promise<NormalizedSystem | SystemDefinition> {
  return (await loadDslFile(path, options)).system;
}

/** The file a document was loaded from (by `loadSystemFromDsl` or `loadDslFile`), with where each part is written. */
export function locationsOf(system: object): LoadedSystem<NormalizedSystem | SystemDefinition> | undefined {
  return LOADED.get(system);
}

/**
 * Loads a system document from a file: `.dsl.ts` or `.ts` (read statically with ts-morph, never run, unless
 * `trusted`), `.json` or `.yaml`/`.yml`; then validates it, every issue pointing at the node it is about.
 * @throws DslLoadError `FILE_NOT_FOUND` (suggesting similar names), `DSL_EMPTY`, `DSL_SYNTAX` (file:line:column and
 * the parser's message), `DSL_NOT_DATA` (every construct static loading cannot read, each with its location) or
 * `DSL_LOAD` (no default export, unsupported extension, the trusted module failed).
 * @throws SystemValidationError (code `SYSTEM_INVALID`) whose issues are LocatedValidationIssues.
 */
export function loadDslFile(path: string, options?: LoadSystemOptions & { validate?: true }): Promise<LoadedSystem>;
export function loadDslFile(path: string, options: LoadSystemOptions & { validate: false }): Promise<LoadedSystem<SystemDefinition>>;
export function loadDslFile(path: string, options?: LoadSystemOptions): Promise<LoadedSystem<NormalizedSystem | SystemDefinition>>;
export async function loadDslFile(path: string, options: LoadSystemOptions = {}): Promise<LoadedSystem<NormalizedSystem | SystemDefinition>> {
  const source = await readDslFile(path);
  const document = await READERS[source.format](source, options);
  const locations = createSourceLocations(source.file, document.positions);
  // Unchecked on request: the caller asked for the document as written.
  const system = options.validate === false ? (document.value as SystemDefinition) : validateLoadedSystem(document.value, locations, source.display);
  const loaded = { system, path: source.file, format: source.format, locations };
  if (typeof system === 'object' && system !== null) LOADED.set(system, loaded);
  return loaded;
}
