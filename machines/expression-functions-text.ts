import type { BuiltinName } from '../src/dsl/expression/index.js';
import type { BuiltinImplementation, CallSite } from './expression-call-site.js';
import { toText, typeName } from './expression-values.js';

/** Built-ins on text. Case mapping is locale-independent, so results are the same on every machine. */
export const TEXT_FUNCTIONS = {
  lower: (args, site) => site.string(args, 0).toLowerCase(),
  upper: (args, site) => site.string(args, 0).toUpperCase(),
  trim: (args, site) => site.string(args, 0).trim(),
  startsWith: (args, site) => site.string(args, 0).startsWith(site.string(args, 1)),
  endsWith: (args, site) => site.string(args, 0).endsWith(site.string(args, 1)),
  replace: (args, site) => {
    const text = site.string(args, 0);
    const search = site.string(args, 1);
    const replacement = site.string(args, 2);
    if (search === '') site.fail('expects a non-empty search text as argument 2', 1);
    // split/join, not String.replaceAll: `$&` and friends in the replacement stay literal
    return text.split(search).join(replacement);
  },
  split: (args, site) => site.string(args, 0).split(site.string(args, 1)),
  join: (args, site) => {
    const separator = args.length > 1 ? site.string(args, 1) : ',';
    const fail = (detail: string): never => site.fail(detail, 0);
    return site.array(args, 0).map((v) => (v === null || v === undefined ? '' : toText(v, fail))).join(separator);
  },
  concat: (args, site) => {
    if (Array.isArray(args[0])) {
      const joined: unknown[] = [];
      args.forEach((value, i) => {
        if (!Array.isArray(value)) site.fail(`expects an array as argument ${i + 1} (argument 1 is an array), found ${typeName(value)}`, i);
        for (const element of value as unknown[]) joined.push(element);
      });
      return joined;
    }
    return args.map((value, i) => textPart(value, i, site)).join('');
  },
} satisfies Partial<Record<BuiltinName, BuiltinImplementation>>;

function textPart(value: unknown, index: number, site: CallSite): string {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (index === 0) return site.fail(`expects arrays, or strings, numbers and booleans, found ${typeName(value)} as argument 1`, 0);
  return site.fail(`expects a string, a number or a boolean as argument ${index + 1} (argument 1 is not an array), found ${typeName(value)}`, index);
}
