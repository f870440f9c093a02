import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { SystemValidationError } from '../../src/errors.js';
import { DslLoadError, loadDslFile, type LocatedValidationIssue } from '../../src/dsl/load/index.js';
import type { ConditionStep } from '../../src/dsl/schema.js';

const fixture = (name: string) => relative(process.cwd(), resolve(import.meta.dirname, '../fixtures/load', name));
// Files written here import zod, which resolves through this link to the project's node_modules.
const temp = mkdtempSync(join(tmpdir(), 'runtime-core-load-trusted-'));
symlinkSync(resolve('node_modules'), join(temp, 'node_modules'), 'dir');
afterAll(() => rmSync(temp, { recursive: true, force: true }));

function write(name: string, source: string): string {
  const file = join(temp, name);
  writeFileSync(file, source);
  return file;
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  const error: unknown = await promise.then(() => undefined, (e: unknown) => e);
  if (!(error instanceof Error)) throw new Error('expected the promise to reject');
  return error;
}

const scrub = (text: string) => text.replaceAll(temp, '<tmp>');

describe('trusted loading of .ts files', { timeout: 30_000 }, () => {
  it('runs the module with its relative imports, turns zod schemas into JSON Schema and keeps functions', async () => {
    const loaded = await loadDslFile(fixture('trusted.dsl.ts'), { trusted: true });
    const { chargeInput } = await import('../fixtures/load/trusted-shared.js');
    expect(loaded.system.tasks?.charge?.input).toStrictEqual(z.toJSONSchema(chargeInput));
    expect(loaded.system.tasks?.charge?.input).toMatchObject({ type: 'object', required: ['amount', 'currency'] });
    const big = loaded.system.flows?.checkout?.steps[1] as ConditionStep;
    expect(typeof big.if).toBe('function');
    const condition = big.if as (input: unknown) => boolean;
    expect([condition({ amount: 500 }), condition({ amount: 5 })]).toEqual([true, false]);
  });

  it('still reads locations statically where the file allows', async () => {
    const { locations } = await loadDslFile(fixture('trusted.dsl.ts'), { trusted: true });
    const at = (path: string) => {
      const location = locations.locate(path);
      return location && `${location.line}:${location.column}`;
    };
    // The schema's inside is computed by code: it points at the property that holds it.
    expect([at('tasks.charge.input'), at('tasks.charge.input.properties.amount'), at('flows.checkout.steps[1].if')]).toEqual(['6:15', '6:15', '13:41']);
  });

  it('says the same file is not data when it is loaded statically', async () => {
    const error = await rejection(loadDslFile(fixture('trusted.dsl.ts')));
    expect(error).toBeInstanceOf(DslLoadError);
    expect(error.message).toMatchInlineSnapshot(`
      "test/fixtures/load/trusted.dsl.ts is not plain data, so it cannot be loaded without running it (2 constructs):
        test/fixtures/load/trusted.dsl.ts:6:22 tasks.charge.input: the identifier chargeInput imported from './trusted-shared.js'
        test/fixtures/load/trusted.dsl.ts:13:45 flows.checkout.steps[1].if: an arrow function
      Static loading never runs code; pass { trusted: true } to run the file."
    `);
  });

  it('awaits a default export that is a promise (a CommonJS file outside an ES module package)', async () => {
    const file = write(
      'async.dsl.ts',
      `import { z } from 'zod';\nconst build = async () => ({ id: 'later', events: { ping: { payload: z.object({ n: z.number() }) } } });\nexport default build();\n`,
    );
    const { system } = await loadDslFile(file, { trusted: true });
    expect(system.events?.ping?.payload).toMatchObject({ type: 'object', properties: { n: { type: 'number' } } });
  });

  it('maps validation issues to the statically readable locations, and computed parts to what holds them', async () => {
    const file = write(
      'invalid-trusted.dsl.ts',
      [
        "const steps = () => [{ id: 'later', type: 'task', task: 'nope' }];",
        'export default {',
        "  id: 'trusted',",
        "  tasks: { charge: { retry: { maxAttempts: 0 } } },",
        "  flows: { checkout: { steps: [{ id: 'pay', type: 'task', task: 'chrge' }] }, computed: { steps: steps() } },",
        '};',
        '',
      ].join('\n'),
    );
    const error = await rejection(loadDslFile(file, { trusted: true }));
    expect(error).toBeInstanceOf(SystemValidationError);
    expect(scrub(error.message)).toMatchInlineSnapshot(`
      "<tmp>/invalid-trusted.dsl.ts is invalid (3 problems):
        <tmp>/invalid-trusted.dsl.ts:4:31 tasks.charge.retry.maxAttempts: Expected a number ≥ 1, received 0 [too_small]
        <tmp>/invalid-trusted.dsl.ts:5:59 flows.checkout.steps[0].task: Unknown task "chrge" (did you mean "charge"?); known tasks: charge [unknown_task]
        <tmp>/invalid-trusted.dsl.ts:5:91 flows.computed.steps[0].task: Unknown task "nope"; known tasks: charge [unknown_task]"
    `);
    const issues = (error as SystemValidationError).issues as readonly LocatedValidationIssue[];
    expect(issues.map((i) => [i.path, i.location.line, i.location.column])).toEqual([
      ['tasks.charge.retry.maxAttempts', 4, 31],
      ['flows.checkout.steps[0].task', 5, 59],
      ['flows.computed.steps[0].task', 5, 91],
    ]);
  });

  it('reports a module that throws, a zod schema JSON Schema cannot express, and a missing default export', async () => {
    const throwing = write('throws.dsl.ts', "throw new Error('boom');\nexport default { id: 'x' };\n");
    const dated = write('dated.dsl.ts', "import { z } from 'zod';\nexport default {\n  id: 'x',\n  events: { at: { payload: z.date() } },\n};\n");
    const none = write('none.dsl.ts', "export const system = { id: 'x' };\n");
    const errors = await Promise.all([throwing, dated, none].map((file) => rejection(loadDslFile(file, { trusted: true }))));
    expect(errors.map((e) => [(e as DslLoadError).code, scrub(e.message)])).toMatchInlineSnapshot(`
      [
        [
          "DSL_LOAD",
          "Running <tmp>/throws.dsl.ts failed: boom",
        ],
        [
          "DSL_LOAD",
          "<tmp>/dated.dsl.ts:4:19 events.at.payload: a zod schema that JSON Schema cannot express (Date cannot be represented in JSON Schema)",
        ],
        [
          "DSL_LOAD",
          "<tmp>/none.dsl.ts has no default export; a DSL file exports its system:

        import { defineSystem } from 'runtime-core';

        export default defineSystem({ id: 'my-system', tasks: {}, flows: {} });",
        ],
      ]
    `);
    expect((errors[1] as DslLoadError).problems).toEqual([
      { location: { file: dated, line: 4, column: 19 }, path: 'events.at.payload', message: expect.stringContaining('a zod schema') as unknown },
    ]);
  });

  it('reports a syntax error before running anything', async () => {
    const file = write('broken-trusted.dsl.ts', "export default { id: 'x', tasks: { a: {} }\n");
    const error = await rejection(loadDslFile(file, { trusted: true }));
    expect((error as DslLoadError).code).toBe('DSL_SYNTAX');
    expect(scrub(error.message)).toMatchInlineSnapshot(`
      "<tmp>/broken-trusted.dsl.ts is not valid TypeScript (1 syntax error):
        <tmp>/broken-trusted.dsl.ts:2:1 '}' expected."
    `);
  });
});
