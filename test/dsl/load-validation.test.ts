import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { afterAll, describe, expect, expectTypeOf, it } from 'vitest';
import { RuntimeCoreError, SystemValidationError } from '../../src/errors.js';
import { validateSystem } from '../../src/dsl/validate.js';
import type { NormalizedSystem } from '../../src/dsl/normalize.js';
import type { SystemDefinition } from '../../src/dsl/schema.js';
import { loadDslFile, type LocatedValidationIssue } from '../../src/dsl/load/index.js';

const fixture = (name: string) => relative(process.cwd(), resolve(import.meta.dirname, '../fixtures/load', name));
const temp = mkdtempSync(join(tmpdir(), 'runtime-core-load-validation-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

async function validationError(path: string): Promise<SystemValidationError> {
  const error: unknown = await loadDslFile(path).then(() => undefined, (e: unknown) => e);
  if (!(error instanceof SystemValidationError)) throw new Error(`expected a SystemValidationError, got ${String(error)}`);
  return error;
}

const located = (error: SystemValidationError) => error.issues as readonly LocatedValidationIssue[];

describe('validation errors of loaded files', { timeout: 30_000 }, () => {
  it('point each issue at file:line:column in a .ts file: the key, the element, or the object missing a field', async () => {
    const error = await validationError(fixture('invalid.dsl.ts'));
    expect(error.message).toMatchInlineSnapshot(`
      "test/fixtures/load/invalid.dsl.ts is invalid (3 problems):
        test/fixtures/load/invalid.dsl.ts:5:15 tasks.charge.retyr: Unknown key "retyr" (did you mean "retry"?); allowed keys: description, input, output, retry, timeout, examples, implementation [unknown_key]
        test/fixtures/load/invalid.dsl.ts:9:42 flows.checkout.steps[0].task: Unknown task "chrge" (did you mean "charge"?); known tasks: charge [unknown_task]
        test/fixtures/load/invalid.dsl.ts:12:15 flows.cooldown.steps[0].duration: Missing required field "duration" [missing_field]"
    `);
    expect(error).toBeInstanceOf(RuntimeCoreError);
    expect(error.code).toBe('SYSTEM_INVALID');
  });

  it('point each issue at file:line:column in a .json file', async () => {
    expect((await validationError(fixture('invalid.json'))).message).toMatchInlineSnapshot(`
      "test/fixtures/load/invalid.json is invalid (3 problems):
        test/fixtures/load/invalid.json:4:17 tasks.charge.retyr: Unknown key "retyr" (did you mean "retry"?); allowed keys: description, input, output, retry, timeout, examples, implementation [unknown_key]
        test/fixtures/load/invalid.json:8:48 flows.checkout.steps[0].task: Unknown task "chrge" (did you mean "charge"?); known tasks: charge [unknown_task]
        test/fixtures/load/invalid.json:11:17 flows.cooldown.steps[0].duration: Missing required field "duration" [missing_field]"
    `);
  });

  it('point each issue at file:line:column in a .yaml file', async () => {
    expect((await validationError(fixture('invalid.yaml'))).message).toMatchInlineSnapshot(`
      "test/fixtures/load/invalid.yaml is invalid (3 problems):
        test/fixtures/load/invalid.yaml:4:5 tasks.charge.retyr: Unknown key "retyr" (did you mean "retry"?); allowed keys: description, input, output, retry, timeout, examples, implementation [unknown_key]
        test/fixtures/load/invalid.yaml:11:9 flows.checkout.steps[0].task: Unknown task "chrge" (did you mean "charge"?); known tasks: charge [unknown_task]
        test/fixtures/load/invalid.yaml:14:9 flows.cooldown.steps[0].duration: Missing required field "duration" [missing_field]"
    `);
  });

  it('keep the plain path, code and message of validateSystem, and add the location', async () => {
    const error = await validationError(fixture('invalid.json'));
    const plain = validateSystem(JSON.parse(readFileSync(fixture('invalid.json'), 'utf8'))).errors;
    expect(error.issues.map(({ path, code, message }) => ({ path, code, message }))).toEqual(expect.arrayContaining(plain) as unknown);
    expect(error.issues).toHaveLength(plain.length);
    expect(located(error)[0]).toEqual({
      path: 'tasks.charge.retyr',
      code: 'unknown_key',
      message: 'Unknown key "retyr" (did you mean "retry"?); allowed keys: description, input, output, retry, timeout, examples, implementation',
      location: { file: resolve(fixture('invalid.json')), line: 4, column: 17 },
    });
  });

  it('locate quoted keys and the document itself', async () => {
    const file = join(temp, 'root.json');
    writeFileSync(file, '{\n  "name": "no id",\n  "events": { "order.placed": { "payload": 5 } }\n}\n');
    const error = await validationError(file);
    expect(located(error).map((i) => `${i.location.line}:${i.location.column} ${i.path || '(root)'} [${i.code}]`)).toEqual([
      '1:1 id [missing_field]',
      '3:33 events["order.placed"].payload [invalid_type]',
    ]);
    writeFileSync(file, '[1, 2]');
    expect((await validationError(file)).message.replaceAll(temp, '<tmp>')).toMatchInlineSnapshot(`
      "<tmp>/root.json is invalid (1 problem):
        <tmp>/root.json:1:1 (root): Expected a system document (an object with an id), received an array [invalid_type]"
    `);
  });

  it('are not raised with validate: false, which returns the document as read', async () => {
    const loaded = await loadDslFile(fixture('invalid.yaml'), { validate: false });
    expect(loaded.system.flows?.checkout?.steps).toEqual([{ id: 'pay', type: 'task', task: 'chrge' }]);
    expect(loaded.system).not.toHaveProperty('version');
  });

  it('type the document by the validate option', () => {
    // Never called: the calls only give their types.
    const _calls = (validate: boolean) => [loadDslFile('a.json'), loadDslFile('a.json', { validate: false }), loadDslFile('a.json', { validate })] as const;
    type Loaded<I extends number> = Awaited<ReturnType<typeof _calls>[I]>['system'];
    expectTypeOf<Loaded<0>>().toEqualTypeOf<NormalizedSystem>();
    expectTypeOf<Loaded<1>>().toEqualTypeOf<SystemDefinition>();
    expectTypeOf<Loaded<2>>().toEqualTypeOf<NormalizedSystem | SystemDefinition>();
  });
});
