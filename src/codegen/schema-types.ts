// JSON Schema (data) → TypeScript type text, for the types a generated implementation is checked against.
import type { JsonSchema } from '../dsl/schema.js';

/** Deeper schemas become `unknown`: a type a person can still read. */
const MAX_DEPTH = 12;
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

const asSchema = (value: unknown): JsonSchema | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonSchema) : undefined;

const literal = (value: unknown): string => (value === undefined ? 'undefined' : JSON.stringify(value));
const union = (types: readonly string[]): string => {
  const distinct = [...new Set(types)];
  if (distinct.includes('unknown')) return 'unknown';
  return distinct.length === 0 ? 'never' : distinct.map((t) => (t.includes('=>') ? `(${t})` : t)).join(' | ');
};
const parenthesise = (type: string): string => (/^[\w.$"'[\]<>]+$/.test(type) ? type : `(${type})`);
const propertyKey = (key: string): string => (IDENTIFIER.test(key) ? key : JSON.stringify(key));
const docComment = (schema: JsonSchema, indent: string): string => {
  const text = typeof schema.description === 'string' ? schema.description : typeof schema.title === 'string' ? schema.title : '';
  return text ? `${indent}/** ${text.replace(/\*\//g, '* /').replace(/\s*\n\s*/g, ' ')} */\n` : '';
};

type Render = (schema: JsonSchema, indent: string, depth: number) => string;

function objectType(schema: JsonSchema, indent: string, depth: number): string {
  const properties = asSchema(schema.properties) ?? {};
  const required = new Set(Array.isArray(schema.required) ? schema.required.filter((k): k is string => typeof k === 'string') : []);
  const inner = `${indent}  `;
  const lines = Object.entries(properties).map(([key, property]) => {
    const sub = asSchema(property) ?? {};
    return `${docComment(sub, inner)}${inner}${propertyKey(key)}${required.has(key) ? '' : '?'}: ${render(sub, inner, depth + 1)};`;
  });
  const extra = schema.additionalProperties;
  if (extra === false) {
    if (lines.length === 0) return 'Record<string, never>';
  } else if (lines.length === 0) {
    // Only additional properties: a record of them.
    const value = asSchema(extra);
    return `Record<string, ${value ? render(value, indent, depth + 1) : 'unknown'}>`;
  } else {
    // JSON Schema lets an object carry properties it does not declare.
    lines.push(`${inner}[key: string]: unknown;`);
  }
  return `{\n${lines.join('\n')}\n${indent}}`;
}

function arrayType(schema: JsonSchema, indent: string, depth: number): string {
  const tuple = Array.isArray(schema.prefixItems) ? schema.prefixItems : Array.isArray(schema.items) ? schema.items : undefined;
  if (tuple) {
    const parts = tuple.map((item) => render(asSchema(item) ?? {}, indent, depth + 1));
    const rest = Array.isArray(schema.prefixItems) ? asSchema(schema.items) : undefined;
    return `[${[...parts, ...(rest ? [`...${parenthesise(render(rest, indent, depth + 1))}[]`] : [])].join(', ')}]`;
  }
  const items = asSchema(schema.items);
  return `${parenthesise(items ? render(items, indent, depth + 1) : 'unknown')}[]`;
}

const TYPE_RENDERERS: Record<string, Render> = {
  string: () => 'string',
  number: () => 'number',
  integer: () => 'number',
  boolean: () => 'boolean',
  null: () => 'null',
  array: arrayType,
  object: objectType,
};

/** The TypeScript type text of one schema; `indent` is the indentation of the line the type starts on. */
function render(schema: JsonSchema, indent: string, depth: number): string {
  if (depth > MAX_DEPTH) return 'unknown';
  if ('const' in schema) return literal(schema.const);
  if (Array.isArray(schema.enum)) return union(schema.enum.map(literal));
  for (const key of ['anyOf', 'oneOf'] as const) {
    const options = schema[key];
    if (Array.isArray(options)) return union(options.map((option) => render(asSchema(option) ?? {}, indent, depth + 1)));
  }
  if (Array.isArray(schema.allOf)) {
    const parts = schema.allOf.map((part) => render(asSchema(part) ?? {}, indent, depth + 1)).filter((t) => t !== 'unknown');
    return parts.length === 0 ? 'unknown' : parts.map(parenthesise).join(' & ');
  }
  const types = Array.isArray(schema.type) ? schema.type.filter((t): t is string => typeof t === 'string') : typeof schema.type === 'string' ? [schema.type] : [];
  if (types.length === 0) {
    if (schema.properties !== undefined || schema.additionalProperties !== undefined) return objectType(schema, indent, depth);
    if (schema.items !== undefined || schema.prefixItems !== undefined) return arrayType(schema, indent, depth);
    return 'unknown';
  }
  return union(types.map((type) => TYPE_RENDERERS[type]?.(schema, indent, depth) ?? 'unknown'));
}

/**
 * The TypeScript type that the values a JSON Schema accepts have: `object` with `properties` and `required`
 * (extra properties allowed unless `additionalProperties: false`), `array` with `items` (or tuples with
 * `prefixItems`), `enum`, `const`, `anyOf`/`oneOf` as unions, `allOf` as an intersection, the scalar types
 * and type lists. A missing schema, `$ref` and anything else is `unknown`.
 */
export function schemaToType(schema: unknown): string {
  const s = asSchema(schema);
  return s ? render(s, '', 0) : 'unknown';
}

/** `chargeCard` → `ChargeCard`, `send-sms` → `SendSms`: a type name prefix for a task id. */
export function typeNamePrefix(id: string): string {
  const words = id.split(/[^A-Za-z0-9]+/).filter(Boolean);
  const name = words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
  return /^[A-Za-z_]/.test(name) ? name : `T${name}`;
}

/** The names and text of a task's input and output types. */
export interface TaskTypes {
  inputName: string;
  outputName: string;
  /** A module exporting both types. */
  text: string;
}

/** `export type <Task>Input = …; export type <Task>Output = …;` from a task's schemas. */
export function taskTypes(taskId: string, schemas: { input?: JsonSchema | undefined; output?: JsonSchema | undefined }): TaskTypes {
  const prefix = typeNamePrefix(taskId);
  const inputName = `${prefix}Input`;
  const outputName = `${prefix}Output`;
  const text = [
    `// The input and output of task "${taskId}", generated from its JSON Schemas by runtime-core.`,
    '',
    `/** What task "${taskId}" is called with. */`,
    `export type ${inputName} = ${schemaToType(schemas.input)};`,
    '',
    `/** What task "${taskId}" returns. */`,
    `export type ${outputName} = ${schemaToType(schemas.output)};`,
    '',
  ].join('\n');
  return { inputName, outputName, text };
}
