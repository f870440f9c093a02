import { describe, expect, it } from 'vitest';
import { schemaToType, taskTypes, typeNamePrefix } from '../../src/codegen/schema-types.js';

describe('schemaToType', () => {
  it('renders the scalar types, enum, const and type lists', () => {
    expect(schemaToType({ type: 'string' })).toBe('string');
    expect(schemaToType({ type: 'integer' })).toBe('number');
    expect(schemaToType({ type: 'boolean' })).toBe('boolean');
    expect(schemaToType({ type: 'null' })).toBe('null');
    expect(schemaToType({ type: ['string', 'null'] })).toBe('string | null');
    expect(schemaToType({ enum: ['low', 'high', 3, null] })).toBe('"low" | "high" | 3 | null');
    expect(schemaToType({ const: 'fixed' })).toBe('"fixed"');
    expect(schemaToType(undefined)).toBe('unknown');
    expect(schemaToType({})).toBe('unknown');
    expect(schemaToType({ $ref: '#/definitions/x' })).toBe('unknown');
  });

  it('renders objects: required and optional properties, descriptions, open unless additionalProperties is false', () => {
    expect(
      schemaToType({
        type: 'object',
        required: ['id'],
        properties: { id: { type: 'string', description: 'The order id' }, 'line-count': { type: 'integer' } },
      }),
    ).toMatchInlineSnapshot(`
      "{
        /** The order id */
        id: string;
        "line-count"?: number;
        [key: string]: unknown;
      }"
    `);
    expect(schemaToType({ type: 'object', properties: { a: { type: 'number' } }, additionalProperties: false })).toBe('{\n  a?: number;\n}');
    expect(schemaToType({ type: 'object', additionalProperties: { type: 'number' } })).toBe('Record<string, number>');
    expect(schemaToType({ type: 'object' })).toBe('Record<string, unknown>');
    expect(schemaToType({ type: 'object', additionalProperties: false })).toBe('Record<string, never>');
  });

  it('renders arrays, tuples, anyOf/oneOf unions and allOf intersections', () => {
    expect(schemaToType({ type: 'array', items: { type: 'string' } })).toBe('string[]');
    expect(schemaToType({ type: 'array', items: { anyOf: [{ type: 'string' }, { type: 'number' }] } })).toBe('(string | number)[]');
    expect(schemaToType({ type: 'array' })).toBe('unknown[]');
    expect(schemaToType({ type: 'array', prefixItems: [{ type: 'string' }, { type: 'number' }] })).toBe('[string, number]');
    expect(schemaToType({ oneOf: [{ const: 'a' }, { type: 'object', properties: { b: { type: 'boolean' } }, additionalProperties: false }] })).toBe(
      '"a" | {\n  b?: boolean;\n}',
    );
    expect(
      schemaToType({
        allOf: [
          { type: 'object', required: ['a'], properties: { a: { type: 'string' } }, additionalProperties: false },
          { type: 'object', required: ['b'], properties: { b: { type: 'number' } }, additionalProperties: false },
        ],
      }),
    ).toBe('({\n  a: string;\n}) & ({\n  b: number;\n})');
    expect(schemaToType({ anyOf: [{ type: 'string' }, {}] })).toBe('unknown');
  });

  it('nests with indentation', () => {
    expect(
      schemaToType({
        type: 'object',
        required: ['lines'],
        additionalProperties: false,
        properties: { lines: { type: 'array', items: { type: 'object', required: ['sku'], additionalProperties: false, properties: { sku: { type: 'string' } } } } },
      }),
    ).toMatchInlineSnapshot(`
      "{
        lines: ({
          sku: string;
        })[];
      }"
    `);
  });
});

describe('taskTypes', () => {
  it('names the types after the task and exports both', () => {
    const types = taskTypes('send-sms', { input: { type: 'object', required: ['to'], properties: { to: { type: 'string' } }, additionalProperties: false } });
    expect(types.inputName).toBe('SendSmsInput');
    expect(types.outputName).toBe('SendSmsOutput');
    expect(types.text).toContain('export type SendSmsInput = {\n  to: string;\n};');
    expect(types.text).toContain('export type SendSmsOutput = unknown;');
    expect(typeNamePrefix('3d_render')).toBe('T3dRender');
  });
});
