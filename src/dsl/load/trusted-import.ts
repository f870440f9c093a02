// Trusted loading: the module is imported and run with tsx; zod schemas in its default export become JSON Schema.
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { childPath } from '../validate-report.js';
import type { DslFile } from './dsl-file.js';
import { DslLoadError, formatLocation } from './load-error.js';
import type { SourceLocations } from './locations.js';
import { noDefaultExport } from './no-default-export.js';

/**
 * Imports `source` (its own relative imports included) and returns its default export, awaited when it is a
 * promise, with every zod schema turned into JSON Schema. Functions are kept: in code they may stand for expressions.
 */
export async function importTrusted(source: DslFile, locations: SourceLocations): Promise<unknown> {
  const { tsImport } = await import('tsx/esm/api');
  let module: Record<string, unknown>;
  try {
    module = (await tsImport(pathToFileURL(source.file).href, import.meta.url)) as Record<string, unknown>;
  } catch (cause) {
    throw new DslLoadError('DSL_LOAD', source.file, `Running ${source.display} failed: ${messageOf(cause)}`, { cause });
  }
  let exported = module.default;
  // A file outside an ES module package is run as CommonJS, whose exports arrive as the default export.
  if (isObject(exported) && (exported as { __esModule?: unknown }).__esModule === true) exported = (exported as { default?: unknown }).default;
  if (exported === undefined) throw noDefaultExport(source);
  if (isObject(exported) && typeof (exported as { then?: unknown }).then === 'function') {
    try {
      exported = await exported;
    } catch (cause) {
      throw new DslLoadError('DSL_LOAD', source.file, `The default export of ${source.display} rejected: ${messageOf(cause)}`, { cause });
    }
  }
  return fromCode(exported, '', { source, locations, seen: new Set() });
}

interface Conversion {
  readonly source: DslFile;
  readonly locations: SourceLocations;
  /** Objects on the way down, so that a cycle is left as it is rather than followed. */
  readonly seen: Set<object>;
}

/** A copy of `value` with zod schemas (v4, recognised by their `_zod` property) turned into JSON Schema. */
function fromCode(value: unknown, path: string, cx: Conversion): unknown {
  if (!isObject(value) || cx.seen.has(value)) return value;
  if ('_zod' in value) return toJsonSchema(value as z.core.$ZodType, path, cx);
  const prototype = Object.getPrototypeOf(value) as unknown;
  if (!Array.isArray(value) && prototype !== Object.prototype && prototype !== null) return value;
  cx.seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((item, index) => fromCode(item, childPath(path, index), cx));
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      Object.defineProperty(copy, key, { value: fromCode(item, childPath(path, key), cx), enumerable: true, writable: true, configurable: true });
    }
    return copy;
  } finally {
    cx.seen.delete(value);
  }
}

function toJsonSchema(schema: z.core.$ZodType, path: string, cx: Conversion): unknown {
  try {
    return z.toJSONSchema(schema);
  } catch (cause) {
    const location = cx.locations.locate(path);
    const message = `a zod schema that JSON Schema cannot express (${messageOf(cause)})`;
    const where = location ? formatLocation(cx.source.display, location) : cx.source.display;
    const problems = location ? [{ location, path, message }] : [];
    throw new DslLoadError('DSL_LOAD', cx.source.file, `${where} ${path || '(root)'}: ${message}`, { cause, problems });
  }
}

const isObject = (value: unknown): value is object => typeof value === 'object' && value !== null;

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));
