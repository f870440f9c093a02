import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { SystemDefinition } from '../../src/dsl/schema.js';
import { toArrowSource } from '../../src/dsl/save/function-source.js';
import { DslSaveError, saveSystemToDsl } from '../../src/dsl/save/index.js';
import { FLOW_FIELDS, PROCESS_FIELDS, RETRY_FIELDS, STATE_FIELDS, SYSTEM_FIELDS, TASK_FIELDS } from '../../src/dsl/save/key-order.js';
import { flowSchema, processSchema, retryPolicySchema, stateSchema, systemSchema, taskSchema } from '../../src/dsl/schema.js';
import { SystemValidationError } from '../../src/errors.js';
import { richSystem } from '../fixtures/save/rich-system.js';

const work = mkdtempSync(join(tmpdir(), 'runtime-core-save-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
let count = 0;
const fresh = (name = 'system.dsl.ts') => join(work, `${count++}-${name}`);
const read = (file: string) => readFileSync(file, 'utf8');

async function saveText(system: SystemDefinition): Promise<string> {
  const file = fresh();
  await saveSystemToDsl(system, file);
  return read(file);
}

// A test that updates a file loads the TypeScript parser the first time: allow for it.
describe('saving a new file', { timeout: 20_000 }, () => {
  it('writes a formatted module with keys in the canonical order', async () => {
    // Keys given out of order: the file follows the meta-schema's order; user maps keep theirs.
    const system = {
      tasks: {
        sendMail: {},
        chargeCard: { timeout: '10s', retry: { backoff: 'fixed', maxAttempts: 3 }, description: 'Charge the card' },
      },
      events: { 'order.placed': { payload: { type: 'object', required: ['total'], properties: { total: { type: 'number' } } } } },
      flows: {
        checkout: {
          onError: 'continue',
          steps: [
            { type: 'task', task: 'chargeCard', id: 'charge', input: '{ "amount": input.total }' },
            { then: [{ type: 'task', id: 'mail', task: 'sendMail' }], if: 'steps.charge.amount > 100', type: 'condition', id: 'big' },
          ],
          trigger: 'order.placed',
        },
      },
      version: '1.0.0',
      id: 'orders',
    } satisfies SystemDefinition;
    expect(await saveText(system)).toMatchInlineSnapshot(`
      "import { defineSystem } from 'runtime-core';

      export default defineSystem({
        id: 'orders',
        version: '1.0.0',
        events: {
          'order.placed': {
            payload: { type: 'object', required: ['total'], properties: { total: { type: 'number' } } },
          },
        },
        tasks: {
          sendMail: {},
          chargeCard: {
            description: 'Charge the card',
            retry: { maxAttempts: 3, backoff: 'fixed' },
            timeout: '10s',
          },
        },
        flows: {
          checkout: {
            trigger: 'order.placed',
            steps: [
              { id: 'charge', type: 'task', task: 'chargeCard', input: '{ "amount": input.total }' },
              {
                id: 'big',
                type: 'condition',
                if: 'steps.charge.amount > 100',
                then: [{ id: 'mail', type: 'task', task: 'sendMail' }],
              },
            ],
            onError: 'continue',
          },
        },
      });
      "
    `);
  });

  it('reports what it did, and writes nothing when the file already holds the document', async () => {
    const file = fresh();
    const first = await saveSystemToDsl({ id: 'tiny', tasks: { hello: {} } }, file);
    expect(first).toEqual({ path: file, created: true, changed: true, changes: [], needsTrust: false });
    const bytes = read(file);
    const second = await saveSystemToDsl({ id: 'tiny', tasks: { hello: {} } }, file);
    expect(second).toEqual({ path: file, created: false, changed: false, changes: [], needsTrust: false });
    expect(read(file)).toBe(bytes);
  });

  it('gives identical bytes for equal documents, whatever order their keys were built in', async () => {
    const reversed = JSON.parse(JSON.stringify(richSystem), (_key, value: unknown) =>
      value && typeof value === 'object' && !Array.isArray(value) ? Object.fromEntries(Object.entries(value).reverse()) : value,
    ) as SystemDefinition;
    const a = await saveText(richSystem);
    expect(await saveText(richSystem)).toBe(a);
    // Known objects go back to the canonical order; user maps (events, tasks, properties…) keep the given one.
    const b = await saveText(reversed);
    const sectionOrder = (text: string) => [...text.matchAll(/^ {2}(\w+):/gm)].map((m) => m[1]);
    expect(sectionOrder(b)).toEqual(sectionOrder(a));
    expect(sectionOrder(a)).toEqual(['id', 'name', 'version', 'description', 'events', 'tasks', 'processes', 'flows', 'boundedContexts', 'metadata']);
    expect(b.indexOf("'review.done'")).toBeLessThan(b.indexOf("'order.placed'"));
  });

  it('quotes keys that are not identifiers and escapes strings', async () => {
    const text = await saveText({
      id: 'q',
      description: "it's \\ \"fine\"\n\ttab \u2028 é",
      metadata: { plain: 1, 'x-dash': 2, '1000': 3, $d: 4, 'a b': 5, negative: -0.5, list: [] },
    });
    const proto = await saveText({ id: 'p', metadata: JSON.parse('{ "__proto__": { "polluted": true } }') as Record<string, unknown> });
    expect(proto).toContain("  metadata: { '__proto__': { polluted: true } },");
    expect(text).toContain(`description: 'it\\'s \\\\ "fine"\\n\\ttab \\u2028 é',`);
    expect(text).toContain(
      "metadata: { '1000': 3, plain: 1, 'x-dash': 2, $d: 4, 'a b': 5, negative: -0.5, list: [] },",
    );
  });

  it('breaks a literal over lines only when it does not fit in 100 columns', async () => {
    const text = await saveText({ id: 'w', metadata: { short: ['a', 'b'], long: Array.from({ length: 12 }, (_, i) => `item-${i}`) } });
    expect(text.split('\n').every((line) => line.length <= 100)).toBe(true);
    expect(text).toContain("    short: ['a', 'b'],\n    long: [\n      'item-0',\n");
    expect(text).toContain("      'item-11',\n    ],\n");
  });

  it('writes JSON for a .json path, in the same key order', async () => {
    const file = fresh('system.json');
    await saveSystemToDsl({ version: '1', id: 'j', tasks: { a: { timeout: 5, description: 'A' } } }, file);
    expect(read(file)).toBe('{\n  "id": "j",\n  "version": "1",\n  "tasks": {\n    "a": {\n      "description": "A",\n      "timeout": 5\n    }\n  }\n}\n');
    expect((await saveSystemToDsl({ id: 'j', version: '1', tasks: { a: { description: 'A', timeout: 5 } } }, file)).changed).toBe(false);
  });
});

describe('functions', () => {
  const flowWith = (condition: unknown): SystemDefinition =>
    ({ id: 'fns', tasks: { t: {} }, flows: { f: { steps: [{ id: 'c', type: 'condition', if: condition, then: [] }] } } }) as SystemDefinition;

  it('are written as arrow functions, with a comment saying the file needs trusted loading', async () => {
    const text = await saveText(flowWith((input: { total: number }) => input.total > 100));
    expect(text).toContain("import { defineSystem } from 'runtime-core';\n\n// This document holds functions: load it with loadSystemFromDsl(path, { trusted: true }).\nexport default defineSystem({");
    expect(text).toMatch(/if: \(?input\)? => input\.total > 100/);
  });

  it('turn function expressions and method shorthand into arrows', async () => {
    const holder = {
      check(input: { n: number }, previous: Record<string, unknown>) {
        return input.n > 1 && previous.a !== undefined;
      },
    };
    const asFunction = await saveText(
      flowWith(function named(input: { n: number }) {
        return input.n > 1;
      }),
    );
    expect(asFunction).toMatch(/if: \(input\) => \{\n {12}return input\.n > 1;\n {10}\},/);
    const asMethod = await saveText(flowWith(holder.check));
    expect(asMethod).toMatch(/if: \(input, previous\) => \{\n {12}return input\.n > 1 && previous\.a !== undefined;\n {10}\},/);
    expect(asMethod).not.toContain('check(');
  });

  it('keep the function form when an arrow would change what `this` or `arguments` mean', async () => {
    const text = await saveText(
      flowWith(function (this: unknown, ...rest: unknown[]) {
        return rest.length > 0 && this === undefined;
      }),
    );
    expect(text).toMatch(/if: function ?\(\.\.\.rest\) \{\n {12}return rest\.length > 0 && this === undefined;\n {10}\},/);
  });

  it.each([
    ['function (a, b) { return a + b; }', '(a, b) => { return a + b; }'],
    ['async function named(x /* the value */, y = 2) { await x; }', 'async (x /* the value */, y = 2) => { await x; }'],
    ['check(input) { return input.ok; }', '(input) => { return input.ok; }'],
    ['async if(input) { return () => input; }', 'async (input) => { return () => input; }'],
    ['function () { return function () { return this; }; }', '() => { return function () { return this; }; }'],
    ['<T>(x: T): T => x', '<T>(x: T): T => x'],
    ['function <T>(x: T): T { return x; }', '<T>(x: T): T => { return x; }'],
  ])('%s is written as %s', (text, arrow) => {
    expect(toArrowSource(text)).toBe(arrow);
  });

  it.each([
    'function* numbers() { yield 1; }',
    'function fact(n) { return n ? n * fact(n - 1) : 1; }',
    'function () { return () => this; }',
    'method() { return super.method(); }',
    'function () { return new.target; }',
  ])('%s stays a function', (text) => {
    expect(toArrowSource(text)).toBeUndefined();
  });

  it('keep multi-line template literals as they are', async () => {
    const greet = (input: { name: string }) => {
      return `Hello
${input.name},
    welcome`;
    };
    const text = await saveText(flowWith(greet));
    expect(text).toContain('`Hello\n${input.name},\n    welcome`');
  });

  it('cannot be saved without source text (bound or native functions)', async () => {
    const bound = ((input: unknown) => Boolean(input)).bind(null);
    const error = await saveSystemToDsl(flowWith(bound), fresh()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DslSaveError);
    expect((error as DslSaveError).code).toBe('DSL_SAVE');
    expect((error as DslSaveError).message).toMatch(/at flows\.f\.steps\[0\]\.if: a native or bound function has no source text/);
  });

  it('cannot be saved to JSON', async () => {
    await expect(saveSystemToDsl(flowWith(() => true), fresh('f.json'))).rejects.toThrow(/JSON cannot hold/);
  });
});

describe('what cannot be saved', { timeout: 20_000 }, () => {
  it('an invalid document, unless validation is turned off', async () => {
    const bad = { id: 'bad', flows: { f: { steps: [{ id: 'x', type: 'task', task: 'missing' }] } } } as SystemDefinition;
    const error = await saveSystemToDsl(bad, fresh()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SystemValidationError);
    expect((error as SystemValidationError).message).toMatch(/^The system to save is invalid/);
    expect((await saveSystemToDsl(bad, fresh(), { validate: false })).created).toBe(true);
  });

  it('values that are not data, named by their path', async () => {
    const withDate = { id: 'd', metadata: { at: new Date(0) } } as SystemDefinition;
    await expect(saveSystemToDsl(withDate, fresh())).rejects.toThrow('at metadata.at: a Date is not plain data');
    const withNaN = { id: 'n', metadata: { ratio: Number.NaN } } as SystemDefinition;
    await expect(saveSystemToDsl(withNaN, fresh())).rejects.toThrow('at metadata.ratio: NaN is not a finite number');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    await expect(saveSystemToDsl({ id: 'c', metadata: cyclic }, fresh())).rejects.toThrow('at metadata.self: the document refers to itself');
  });

  it('a path that is not .ts or .json', async () => {
    await expect(saveSystemToDsl({ id: 'y' }, fresh('system.yaml'))).rejects.toThrow(/expected a \.dsl\.ts, \.ts or \.json path, not "\.yaml"/);
  });

  it('over an existing file that has no document literal to update: the file is left as it is', async () => {
    const file = fresh();
    const original = "import { build } from './build.js';\n\nexport default build('orders');\n";
    writeFileSync(file, original);
    const error = await saveSystemToDsl({ id: 'orders' }, file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DslSaveError);
    expect((error as Error).message).toBe(
      `Cannot save ${file}: the default export at line 3, column 16 is not a literal the saver can update (build('orders')); expected \`export default defineSystem({ ... })\`, or a default export of an object literal`,
    );
    expect(read(file)).toBe(original);
    writeFileSync(file, 'export const x = 1;\n');
    await expect(saveSystemToDsl({ id: 'orders' }, file)).rejects.toThrow(/the existing file has no default export/);
    writeFileSync(file, 'export default defineSystem({ id: "x", \n');
    await expect(saveSystemToDsl({ id: 'orders' }, file)).rejects.toThrow(/the existing file does not parse \(line 2, column 1: '}' expected\.\)/);
    expect(read(file)).toBe('export default defineSystem({ id: "x", \n');
  });
});

describe('key orders', () => {
  // The printer's tables must follow the meta-schema, which is the source of truth for field order.
  it.each([
    ['system', SYSTEM_FIELDS, systemSchema.shape],
    ['task', TASK_FIELDS, taskSchema.shape],
    ['retry', RETRY_FIELDS, retryPolicySchema.shape],
    ['process', PROCESS_FIELDS, processSchema.shape],
    ['flow', FLOW_FIELDS, flowSchema.shape],
  ] as const)('%s fields follow the meta-schema', (_name, table, shape) => {
    expect(Object.keys(table)).toEqual(Object.keys(shape));
  });

  it('state fields follow the meta-schema', () => {
    const lazy = stateSchema as unknown as { _zod: { def: { getter: () => { shape: object } } } };
    expect(Object.keys(STATE_FIELDS)).toEqual(Object.keys(lazy._zod.def.getter().shape));
  });
});
