import { describe, expect, it } from 'vitest';
import { createMigrationRegistry, migrateSystem } from '../../src/dsl/migrate/index.js';
import { validateSystem } from '../../src/index.js';

/** Converts an older document with an empty registry of its own, and checks the result validates. */
function convert(doc: unknown) {
  const result = migrateSystem(doc, undefined, { registry: createMigrationRegistry() });
  expect(validateSystem(result.system).errors).toEqual([]);
  return result;
}

const task = (definition: Record<string, unknown>) => convert({ id: 's', tasks: { t: { type: 'operation', ...definition } } });

describe('legacy tasks', () => {
  it('label becomes the description; the task kind is kept under metadata.legacy', () => {
    const { system, report } = task({ label: 'Charge the card' });
    expect(system).toMatchInlineSnapshot(`
      {
        "id": "s",
        "metadata": {
          "legacy": {
            "tasks.t.type": "operation",
          },
        },
        "tasks": {
          "t": {
            "description": "Charge the card",
          },
        },
      }
    `);
    expect(report.changes).toMatchInlineSnapshot(`
      [
        {
          "kind": "renamed",
          "message": "label is now the description",
          "path": "tasks.t.label",
        },
        {
          "kind": "preserved",
          "message": "Task kind "operation" has no field in DSL v1: a task is what its implementation does; kept under metadata.legacy["tasks.t.type"]",
          "path": "tasks.t.type",
        },
      ]
    `);
    expect(report.inexact).toEqual([]);
  });

  it('keeps a label next to a description, and every field DSL v1 has no place for', () => {
    const { system, report } = task({ label: 'Charge', description: 'Charge the card', owner: 'payments-team' });
    expect(system.tasks?.t?.description).toBe('Charge the card');
    expect(system.metadata).toMatchInlineSnapshot(`
      {
        "legacy": {
          "tasks.t.label": "Charge",
          "tasks.t.owner": "payments-team",
          "tasks.t.type": "operation",
        },
      }
    `);
    expect(report.inexact).toMatchInlineSnapshot(`
      [
        {
          "kind": "unconverted",
          "message": "Task field "owner" has no counterpart in DSL v1; kept under metadata.legacy["tasks.t.owner"]",
          "path": "tasks.t.owner",
        },
      ]
    `);
  });

  it('turns an input or output written as a type name into JSON Schema', () => {
    const { system, report } = task({ input: 'string', output: 'Receipt' });
    expect(system.tasks?.t).toMatchInlineSnapshot(`
      {
        "input": {
          "type": "string",
        },
        "output": {
          "title": "Receipt",
        },
      }
    `);
    expect(report.inexact).toMatchInlineSnapshot(`
      [
        {
          "kind": "approximated",
          "message": ""Receipt" names a type the document does not define; the schema accepts any value and keeps the name as its title",
          "path": "tasks.t.output",
        },
      ]
    `);
  });

  it('turns a list of field names into an object schema whose fields take any value', () => {
    expect(task({ input: ['orderId', 'amount'] }).system.tasks?.t?.input).toMatchInlineSnapshot(`
      {
        "properties": {
          "amount": {},
          "orderId": {},
        },
        "type": "object",
      }
    `);
  });

  it('turns a list of { name, type, required } into an object schema', () => {
    const { system, report } = task({
      input: [
        { name: 'orderId', type: 'string', required: true },
        { name: 'amount', type: 'float', required: true, description: 'In cents' },
        { name: 'tags', type: 'string[]' },
        { name: 'express', type: 'bool' },
        { name: 'address', type: 'Address' },
      ],
    });
    expect(system.tasks?.t?.input).toMatchInlineSnapshot(`
      {
        "properties": {
          "address": {
            "title": "Address",
          },
          "amount": {
            "description": "In cents",
            "type": "number",
          },
          "express": {
            "type": "boolean",
          },
          "orderId": {
            "type": "string",
          },
          "tags": {
            "items": {
              "type": "string",
            },
            "type": "array",
          },
        },
        "required": [
          "orderId",
          "amount",
        ],
        "type": "object",
      }
    `);
    expect(report.inexact).toMatchInlineSnapshot(`
      [
        {
          "kind": "approximated",
          "message": "Field "address" has type "Address", which the document does not define; it accepts any value",
          "path": "tasks.t.input[4]",
        },
      ]
    `);
  });

  it('turns an object of field name → type into an object schema, and keeps JSON Schema as it is', () => {
    const schema = { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] };
    const { system } = task({ input: { id: 'string', count: 'integer' }, output: schema });
    expect(system.tasks?.t?.input).toMatchInlineSnapshot(`
      {
        "properties": {
          "count": {
            "type": "integer",
          },
          "id": {
            "type": "string",
          },
        },
        "type": "object",
      }
    `);
    expect(system.tasks?.t?.output).toEqual(schema);
  });

  it('a function implementation cannot run from a document: it is reported and its code kept', () => {
    const code = 'function (input) { return { total: input.a + input.b }; }';
    const { system, report } = task({ implementation: { type: 'function', code } });
    expect(system.tasks?.t?.implementation).toBeUndefined();
    expect(system.metadata?.legacy).toEqual({ 'tasks.t.type': 'operation', 'tasks.t.implementation': { type: 'function', code } });
    expect(report.inexact).toMatchInlineSnapshot(`
      [
        {
          "kind": "unconverted",
          "message": "Function code can't run from a document: documents are data, and loading one never runs its code. Turn the code into a function and register it with runtime.registerTaskImplementation("t", fn); kept under metadata.legacy["tasks.t.implementation"]",
          "path": "tasks.t.implementation",
        },
      ]
    `);
  });

  it('an external service with an endpoint is the built-in http task; the service name is kept', () => {
    const { system, report } = task({ implementation: { type: 'external_service', service: 'payments', endpoint: 'https://pay.example.com/charges', headers: { 'x-api': 'v2' } } });
    expect(system.tasks?.t?.implementation).toMatchInlineSnapshot(`
      {
        "headers": {
          "x-api": "v2",
        },
        "method": "POST",
        "type": "http",
        "url": "https://pay.example.com/charges",
      }
    `);
    expect(system.metadata?.legacy).toMatchObject({ 'tasks.t.implementation.service': 'payments' });
    expect(report.inexact).toEqual([]);
  });

  it('an external service without an endpoint needs a registered implementation', () => {
    const { system, report } = task({ implementation: { type: 'external_service', service: 'carrier' } });
    expect(system.tasks?.t?.implementation).toBeUndefined();
    expect(report.inexact).toMatchInlineSnapshot(`
      [
        {
          "kind": "unconverted",
          "message": "The call of service "carrier" has no endpoint, so nothing says how to reach it; register it with runtime.registerTaskImplementation("t", fn); kept under metadata.legacy["tasks.t.implementation"]",
          "path": "tasks.t.implementation",
        },
      ]
    `);
  });

  it('a mock is the built-in mock: with its answer, from the examples, or answering {}', () => {
    expect(task({ implementation: { type: 'mock', response: { ok: true } } }).system.tasks?.t?.implementation).toEqual({ type: 'mock', output: { ok: true } });
    const examples = [{ input: { a: 1 }, output: { b: 2 } }];
    expect(task({ examples, implementation: { type: 'mock' } }).system.tasks?.t).toEqual({ examples, implementation: { type: 'mock' } });
    const silent = task({ implementation: { type: 'mock' } });
    expect(silent.system.tasks?.t?.implementation).toEqual({ type: 'mock', output: {} });
    expect(silent.report.inexact.map((i) => i.kind)).toEqual(['approximated']);
  });

  it('renames the older spellings of a retry policy, and leaves out what DSL v1 rejects in it', () => {
    const { system, report } = task({ retry: { maxRetries: 2, delay: '500ms', strategy: 'linear', factor: 3, onlyOn: ['503'] }, timeout: 5000 });
    expect(system.tasks?.t).toMatchInlineSnapshot(`
      {
        "retry": {
          "backoff": "linear",
          "initialDelay": "500ms",
          "maxAttempts": 3,
        },
        "timeout": 5000,
      }
    `);
    expect(report.changes.filter((c) => c.kind === 'renamed').map((c) => c.path)).toEqual(['tasks.t.retry.maxRetries', 'tasks.t.retry.delay', 'tasks.t.retry.strategy', 'tasks.t.retry.factor']);
    expect(report.inexact.map((i) => i.path)).toEqual(['tasks.t.retry.onlyOn', 'tasks.t.retry.multiplier']);
    expect(report.inexact[1]?.message).toMatch(/^multiplier only applies to exponential backoff/);
    expect(system.metadata?.legacy).toMatchObject({ 'tasks.t.retry.multiplier': 3 });
  });

  it('makes task ids valid, in a list of tasks too', () => {
    const { system, report } = convert({ id: 'order system', tasks: [{ id: 'charge card', type: 'operation' }, { id: '2fa', type: 'operation' }] });
    expect(system.id).toBe('order_system');
    expect(Object.keys(system.tasks ?? {})).toEqual(['charge_card', '_2fa']);
    expect(report.changes.filter((c) => c.kind === 'renamed')).toMatchInlineSnapshot(`
      [
        {
          "kind": "renamed",
          "message": "System id "order system" is now "order_system"",
          "path": "id",
        },
        {
          "kind": "renamed",
          "message": "Task "charge card" is now "charge_card": ids are letters, digits, _ and -, start with a letter or _, and are unique",
          "path": "tasks[0]",
        },
        {
          "kind": "renamed",
          "message": "Task "2fa" is now "_2fa": ids are letters, digits, _ and -, start with a letter or _, and are unique",
          "path": "tasks[1]",
        },
      ]
    `);
  });
});
