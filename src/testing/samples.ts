import { isDeepStrictEqual } from 'node:util';
import type { JsonSchema } from '../dsl/schema.js';

const MAX_DEPTH = 6;

const asSchema = (value: unknown): JsonSchema | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonSchema) : undefined;

function stringSample(schema: JsonSchema): string {
  const min = typeof schema.minLength === 'number' ? schema.minLength : 0;
  const base = schema.format === 'email' ? 'sample@example.com' : schema.format === 'date-time' ? '2024-01-01T00:00:00Z' : schema.format === 'date' ? '2024-01-01' : 'sample';
  return base.length >= min ? base : base.padEnd(min, 'x');
}

function numberSample(schema: JsonSchema, integer: boolean): number {
  if (typeof schema.minimum === 'number') return integer ? Math.ceil(schema.minimum) : schema.minimum;
  if (typeof schema.exclusiveMinimum === 'number') return integer ? Math.floor(schema.exclusiveMinimum) + 1 : schema.exclusiveMinimum + 1;
  const one = 1;
  if (typeof schema.maximum === 'number' && schema.maximum < one) return integer ? Math.floor(schema.maximum) : schema.maximum;
  return one;
}

/**
 * A value that fits a JSON Schema, for when a test needs one: the schema's first `examples` entry, else its
 * `default`, `const` or first `enum` value, else one built from its type. Objects get every declared
 * property; strings are `'sample'`, numbers 1 (or their minimum), booleans `true`, arrays their `minItems`
 * samples of `items`. No schema gives `{}`.
 */
export function sampleFromSchema(schema: unknown, depth = 0): unknown {
  const s = asSchema(schema);
  if (!s) return {};
  if (Array.isArray(s.examples) && s.examples.length > 0) return structuredClone(s.examples[0] as unknown);
  if (s.default !== undefined) return structuredClone(s.default);
  if ('const' in s) return structuredClone(s.const);
  if (Array.isArray(s.enum) && s.enum.length > 0) return structuredClone(s.enum[0] as unknown);
  for (const key of ['anyOf', 'oneOf'] as const) {
    const options = s[key];
    if (Array.isArray(options) && options.length > 0) return sampleFromSchema(options[0], depth);
  }
  if (Array.isArray(s.allOf)) {
    const parts = s.allOf.map((part) => sampleFromSchema(part, depth));
    return parts.every((p) => typeof p === 'object' && p !== null && !Array.isArray(p)) ? Object.assign({}, ...parts) : parts[0];
  }
  const types = Array.isArray(s.type) ? (s.type as unknown[]).filter((t) => t !== 'null') : [s.type];
  const type = types[0] ?? (s.properties ? 'object' : s.items ? 'array' : undefined);
  switch (type) {
    case 'string':
      return stringSample(s);
    case 'number':
      return numberSample(s, false);
    case 'integer':
      return numberSample(s, true);
    case 'boolean':
      return true;
    case 'null':
      return null;
    case 'array': {
      const count = typeof s.minItems === 'number' ? s.minItems : 0;
      return depth >= MAX_DEPTH ? [] : Array.from({ length: count }, () => sampleFromSchema(s.items, depth + 1));
    }
    case 'object':
    default: {
      const out: Record<string, unknown> = {};
      const properties = asSchema(s.properties) ?? {};
      if (depth < MAX_DEPTH) for (const [key, property] of Object.entries(properties)) out[key] = sampleFromSchema(property, depth + 1);
      return out;
    }
  }
}

/**
 * `base`, once per other value of each top-level property that has an `enum` (`priority: 'low'` →
 * also `'normal'` and `'urgent'`): guards and assignments often branch on them.
 */
export function enumVariants(schema: unknown, base: unknown): unknown[] {
  const properties = asSchema(asSchema(schema)?.properties);
  if (!properties || typeof base !== 'object' || base === null || Array.isArray(base)) return [];
  const out: unknown[] = [];
  for (const [key, property] of Object.entries(properties)) {
    const values = asSchema(property)?.enum;
    if (!Array.isArray(values)) continue;
    for (const value of values) {
      if (!isDeepStrictEqual(value, (base as Record<string, unknown>)[key])) out.push({ ...(base as Record<string, unknown>), [key]: structuredClone(value as unknown) });
    }
  }
  return out;
}

/** The values without repeats (deep equality), in order. */
export function distinct(values: readonly unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const value of values) if (!out.some((seen) => isDeepStrictEqual(seen, value))) out.push(value);
  return out;
}
