// Inputs and outputs of the older shape (a type name, field names, or fields with types) as JSON Schema.
import type { JsonSchema } from '../schema.js';
import { childPath } from '../validate-report.js';
import { isRecord } from './legacy-shape.js';
import type { MigrationLog } from './report.js';

/** Type names of the older shape that have an exact JSON Schema. */
const TYPE_NAMES: Readonly<Record<string, JsonSchema>> = {
  string: { type: 'string' },
  text: { type: 'string' },
  number: { type: 'number' },
  float: { type: 'number' },
  double: { type: 'number' },
  decimal: { type: 'number' },
  integer: { type: 'integer' },
  int: { type: 'integer' },
  boolean: { type: 'boolean' },
  bool: { type: 'boolean' },
  object: { type: 'object' },
  array: { type: 'array' },
  list: { type: 'array' },
  null: { type: 'null' },
  any: {},
  unknown: {},
};

/** Keywords that show an object is JSON Schema already. */
const SCHEMA_KEYWORDS = ['type', 'properties', 'items', 'enum', 'const', 'anyOf', 'oneOf', 'allOf', '$ref', '$schema', 'required'];

/** A type name as JSON Schema, or undefined when it names no JSON type. `string[]` and `array<string>` are arrays of strings. */
function schemaOfTypeName(name: string): JsonSchema | undefined {
  const lower = name.trim().toLowerCase();
  const list = /^(.+)\[\]$/.exec(lower) ?? /^(?:array|list)<(.+)>$/.exec(lower);
  if (list?.[1] !== undefined) {
    const items = schemaOfTypeName(list[1]);
    return items && { type: 'array', items };
  }
  const known = TYPE_NAMES[lower];
  return known && { ...known };
}

/**
 * Converts an input or output written in the older shape: a type name (`'string'`, or a named type such as
 * `'Order'`, which accepts any value), a list of field names (each any value, optional), a list of
 * `{ name, type, required }`, an object of field name → type name, or JSON Schema (kept).
 */
export function convertSchema(value: unknown, path: string, log: MigrationLog): JsonSchema | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') {
    const known = schemaOfTypeName(value);
    if (known) {
      log.change(path, 'converted', `Type name ${JSON.stringify(value)} is now the JSON Schema ${JSON.stringify(known)}`);
      return known;
    }
    log.approximate(path, `${JSON.stringify(value)} names a type the document does not define; the schema accepts any value and keeps the name as its title`);
    return { title: value };
  }
  if (Array.isArray(value)) return objectSchema(value, path, log);
  if (isRecord(value)) {
    if (SCHEMA_KEYWORDS.some((keyword) => keyword in value)) return value;
    const fields = Object.entries(value).map(([name, type]) => (isRecord(type) ? { ...type, name } : { name, type }));
    return objectSchema(fields, path, log);
  }
  log.keep(path, value, `${JSON.stringify(value)} is neither a type name, a list of fields nor JSON Schema; there is no schema`, true);
  return undefined;
}

/** Fields (names, or `{ name, type, required, description }`) as an object schema. */
function objectSchema(fields: readonly unknown[], path: string, log: MigrationLog): JsonSchema | undefined {
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  const untyped: string[] = [];
  fields.forEach((field, i) => {
    const at = childPath(path, i);
    const spec = typeof field === 'string' ? { name: field } : field;
    if (!isRecord(spec) || typeof spec.name !== 'string' || spec.name === '') {
      log.keep(at, field, 'A field without a name', true);
      return;
    }
    const { name, type, required: isRequired, description, ...rest } = spec;
    let schema: JsonSchema = {};
    if (typeof type === 'string') {
      const known = schemaOfTypeName(type);
      if (known) schema = known;
      else {
        schema = { title: type };
        log.approximate(at, `Field "${name}" has type ${JSON.stringify(type)}, which the document does not define; it accepts any value`);
      }
    } else if (type !== undefined) {
      log.keep(childPath(at, 'type'), type, `Field "${name}" has a type that is not a name`, true);
    } else {
      untyped.push(name);
    }
    if (typeof description === 'string') schema.description = description;
    for (const [key, extra] of Object.entries(rest)) log.keep(childPath(at, key), extra, `Field "${name}" has "${key}", which JSON Schema conversion does not know`, false);
    properties[name] = schema;
    if (isRequired === true) required.push(name);
  });
  const schema: JsonSchema = { type: 'object', properties };
  if (required.length > 0) schema.required = required;
  const detail = untyped.length > 0 ? `; ${untyped.join(', ')} had no type and accept any value` : '';
  const count = Object.keys(properties).length;
  log.change(path, 'converted', `The fields are now an object schema with ${count} ${count === 1 ? 'property' : 'properties'} (${required.length} required)${detail}`);
  return schema;
}
