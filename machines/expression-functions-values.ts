import type { BuiltinName } from '../src/dsl/expression/index.js';
import type { BuiltinImplementation } from './expression-call-site.js';
import { toJson, toText } from './expression-values.js';

/** Built-ins that test or convert any value. */
export const VALUE_FUNCTIONS = {
  string: (args, site) => toText(args[0], (detail) => site.fail(detail, 0)),
  json: (args, site) => toJson(args[0], (detail) => site.fail(detail, 0)),
  boolean: (args) => Boolean(args[0]),
  exists: (args) => args[0] !== null && args[0] !== undefined,
  isArray: (args) => Array.isArray(args[0]),
  coalesce: (args) => args.find((value) => value !== null && value !== undefined),
} satisfies Partial<Record<BuiltinName, BuiltinImplementation>>;
