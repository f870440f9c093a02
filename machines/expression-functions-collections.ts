import type { BuiltinName } from '../src/dsl/expression/index.js';
import type { BuiltinImplementation, CallSite } from './expression-call-site.js';
import { deepEqual, isRecord, setProperty, typeName } from './expression-values.js';

const contains: BuiltinImplementation = (args, site) => {
  const haystack = args[0];
  if (typeof haystack === 'string') return haystack.includes(site.string(args, 1));
  if (Array.isArray(haystack)) return haystack.some((element) => deepEqual(element, args[1]));
  return site.reject(args, 0, 'a string or an array');
};

/** Built-ins on arrays, strings as sequences, and objects. Lambdas receive (element, index). */
export const COLLECTION_FUNCTIONS = {
  len: (args, site) => {
    const value = args[0];
    if (typeof value === 'string' || Array.isArray(value)) return value.length;
    if (isRecord(value)) return Object.keys(value).length;
    return site.reject(args, 0, 'a string, an array or an object');
  },
  contains,
  includes: contains,
  slice: (args, site) => {
    const value = args[0];
    const start = site.integer(args, 1);
    const end = args.length > 2 && args[2] !== undefined ? site.integer(args, 2) : undefined;
    if (typeof value === 'string' || Array.isArray(value)) return value.slice(start, end);
    return site.reject(args, 0, 'a string or an array');
  },
  keys: (args, site) => Object.keys(site.record(args, 0)),
  values: (args, site) => Object.values(site.record(args, 0)),
  entries: (args, site) => Object.entries(site.record(args, 0)),
  fromEntries: (args, site) => {
    const result: Record<string, unknown> = {};
    site.array(args, 0).forEach((pair, i) => {
      const [key, value]: unknown[] = Array.isArray(pair) ? pair : [];
      if (!Array.isArray(pair) || pair.length !== 2 || (typeof key !== 'string' && typeof key !== 'number')) {
        site.fail(`expects [key, value] pairs with a string or number key, and the element at index ${i} is not one`, 0);
      }
      setProperty(result, String(key), value);
    });
    return result;
  },
  map: (args, site) => {
    const fn = site.lambda(args, 1);
    return site.array(args, 0).map((element, i) => fn(element, i));
  },
  filter: (args, site) => {
    const fn = site.lambda(args, 1);
    return site.array(args, 0).filter((element, i) => fn(element, i));
  },
  find: (args, site) => {
    const fn = site.lambda(args, 1);
    return site.array(args, 0).find((element, i) => fn(element, i));
  },
  some: (args, site) => {
    const fn = site.lambda(args, 1);
    return site.array(args, 0).some((element, i) => fn(element, i));
  },
  every: (args, site) => {
    const fn = site.lambda(args, 1);
    return site.array(args, 0).every((element, i) => fn(element, i));
  },
  count: (args, site) => {
    const array = site.array(args, 0);
    if (args.length < 2) return array.length;
    const fn = site.lambda(args, 1);
    let count = 0;
    array.forEach((element, i) => {
      if (fn(element, i)) count++;
    });
    return count;
  },
  sort: (args, site) => sortBy(site.array(args, 0), args.length > 1 ? site.lambda(args, 1) : undefined, site),
  reverse: (args, site) => [...site.array(args, 0)].reverse(),
  unique: (args, site) => {
    const kept: unknown[] = [];
    const primitives = new Set<unknown>();
    for (const element of site.array(args, 0)) {
      if (typeof element !== 'object' || element === null) {
        if (primitives.has(element)) continue;
        primitives.add(element);
      } else if (kept.some((other) => deepEqual(other, element))) {
        continue;
      }
      kept.push(element);
    }
    return kept;
  },
} satisfies Partial<Record<BuiltinName, BuiltinImplementation>>;

/** A stable sort on keys that are all numbers or all strings (by code units, not by locale, to stay deterministic). */
function sortBy(array: readonly unknown[], key: ((value: unknown, index: number) => unknown) | undefined, site: CallSite): unknown[] {
  const keyed = array.map((value, index) => ({ value, key: key === undefined ? value : key(value, index) }));
  const first = keyed[0];
  const kind = typeof first?.key;
  const bad = keyed.findIndex((entry) => (typeof entry.key !== 'number' && typeof entry.key !== 'string') || typeof entry.key !== kind);
  if (bad >= 0) {
    const what = key === undefined ? 'elements' : 'keys';
    site.fail(`can only order ${what} that are all numbers or all strings, found ${typeName(first?.key)} and ${typeName(keyed[bad]?.key)}`, 0);
  }
  keyed.sort((a, b) => ((a.key as number) < (b.key as number) ? -1 : (a.key as number) > (b.key as number) ? 1 : 0));
  return keyed.map((entry) => entry.value);
}
