import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { assertValidSystem } from '../../src/dsl/validate.js';
import { DslLoadError, loadDslFile } from '../../src/dsl/load/index.js';

const fixture = (name: string) => relative(process.cwd(), resolve(import.meta.dirname, '../fixtures/load', name));
const temp = mkdtempSync(join(tmpdir(), 'runtime-core-load-static-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

async function loadError(path: string, options: { trusted?: boolean } = {}): Promise<DslLoadError> {
  const error: unknown = await loadDslFile(path, options).then(() => undefined, (e: unknown) => e);
  if (!(error instanceof DslLoadError)) throw new Error(`expected a DslLoadError, got ${String(error)}`);
  return error;
}

const shapes = {
  id: 'shapes',
  tasks: { greet: { description: 'Say hello', timeout: '1s' } },
  flows: { hello: { steps: [{ id: 'greet', type: 'task', task: 'greet' }] } },
};

describe('static loading of .ts files', { timeout: 30_000 }, () => {
  it.each([
    ['export default defineSystem({...})', 'shape-define-system.dsl.ts'],
    ['a plain object literal', 'shape-plain-object.dsl.ts'],
    ['as const', 'shape-as-const.dsl.ts'],
    ['satisfies SystemDefinition', 'shape-satisfies.dsl.ts'],
    ['parentheses around defineSystem(… as const) satisfies …', 'shape-parenthesized.dsl.ts'],
    ['export default system, where const system = defineSystem({...})', 'shape-const-reference.dsl.ts'],
    ['export { system as default } in a plain .ts file', 'shape-export-as-default.ts'],
  ])('accepts %s', async (_, name) => {
    const loaded = await loadDslFile(fixture(name), { validate: false });
    expect(loaded.system).toStrictEqual(shapes);
    expect(loaded.format).toBe('ts');
    expect(loaded.path).toBe(resolve(fixture(name)));
    const imported = (await import(/* @vite-ignore */ resolve(fixture(name)))) as { default: unknown };
    expect(loaded.system).toEqual(imported.default);
  });

  it('validates and normalizes by default', async () => {
    const loaded = await loadDslFile(fixture('shape-define-system.dsl.ts'));
    expect(loaded.system).toStrictEqual({ ...shapes, version: '1.0.0' });
  });

  it('reads every kind of data, and equals what running the file gives', async () => {
    const loaded = await loadDslFile(fixture('data-kinds.dsl.ts'), { validate: false });
    expect(loaded.system.metadata).toStrictEqual({
      identifierKey: 'single',
      'string-key': 'double',
      42: 'template without substitutions',
      '1.5': 'numeric key 1.5',
      numbers: [0, -3, 4, 2.5, -0.25, 16, 1000, 1_000_000],
      booleans: [true, false],
      nothing: null,
      absent: undefined,
      nested: { list: [[1, 2], [], { deep: 'yes' }] },
      limits: { min: -1, max: 1000 },
      copied: { min: -1, max: 10 },
      tags: ['a', 'b', 'c'],
      joined: 'a long expression split in three',
      asserted: 'paren',
    });
    const imported = (await import('../fixtures/load/data-kinds.dsl.js')) as { default: unknown };
    expect(loaded.system).toStrictEqual(imported.default);
  });

  it('records where every property and array element is written', async () => {
    const { locations } = await loadDslFile(fixture('shape-define-system.dsl.ts'));
    const at = (path: string) => {
      const location = locations.locate(path);
      return location && `${relative(process.cwd(), location.file)}:${location.line}:${location.column}`;
    };
    expect({
      root: at(''),
      task: at('tasks.greet'),
      timeout: at('tasks.greet.timeout'),
      step: at('flows.hello.steps[0]'),
      stepTask: at('flows.hello.steps[0].task'),
      missingField: at('flows.hello.steps[0].retry'),
      deepMissing: at('tasks.greet.retry.maxAttempts'),
      notAPath: at('tasks..greet'),
    }).toMatchInlineSnapshot(`
      {
        "deepMissing": "test/fixtures/load/shape-define-system.dsl.ts:5:12",
        "missingField": "test/fixtures/load/shape-define-system.dsl.ts:6:29",
        "notAPath": "test/fixtures/load/shape-define-system.dsl.ts:3:29",
        "root": "test/fixtures/load/shape-define-system.dsl.ts:3:29",
        "step": "test/fixtures/load/shape-define-system.dsl.ts:6:29",
        "stepTask": "test/fixtures/load/shape-define-system.dsl.ts:6:58",
        "task": "test/fixtures/load/shape-define-system.dsl.ts:5:12",
        "timeout": "test/fixtures/load/shape-define-system.dsl.ts:5:47",
      }
    `);
    expect(locations.file).toBe(resolve(fixture('shape-define-system.dsl.ts')));
  });

  it('reports every construct that is not data at once, each with its location, and the trusted hint', async () => {
    const error = await loadError(fixture('not-data.dsl.ts'));
    expect(error.code).toBe('DSL_NOT_DATA');
    expect(error.message).toMatchInlineSnapshot(`
      "test/fixtures/load/not-data.dsl.ts is not plain data, so it cannot be loaded without running it (10 constructs):
        test/fixtures/load/not-data.dsl.ts:14:22 tasks.charge.input: a call to z.object()
        test/fixtures/load/not-data.dsl.ts:14:65 tasks.charge.retry: a spread of the identifier baseRetry imported from './schemas.js'
        test/fixtures/load/not-data.dsl.ts:15:22 tasks.refund.input: the identifier taskInput imported from './schemas.js'
        test/fixtures/load/not-data.dsl.ts:15:42 tasks.refund.timeout: the expression \`1000 * 60\`
        test/fixtures/load/not-data.dsl.ts:17:13 events: a computed key [\`\${prefix}.placed\`]
        test/fixtures/load/not-data.dsl.ts:21:45 flows.checkout.steps[0].if: an arrow function
        test/fixtures/load/not-data.dsl.ts:22:62 flows.checkout.steps[1].input: a template literal with substitutions
        test/fixtures/load/not-data.dsl.ts:26:26 metadata.createdAt: a call to new Date()
        test/fixtures/load/not-data.dsl.ts:26:46 metadata.limit: the variable threshold, declared with let (only const values are read)
        test/fixtures/load/not-data.dsl.ts:26:66 metadata.compute: the function amountOf
      Static loading never runs code; pass { trusted: true } to run the file."
    `);
    expect(error.problems[0]).toEqual({
      location: { file: resolve(fixture('not-data.dsl.ts')), line: 14, column: 22 },
      path: 'tasks.charge.input',
      message: 'a call to z.object()',
    });
  });

  it.each([
    ['a call', `export default { id: 'x', metadata: { at: Date.now() } };`, 'a call to Date.now()'],
    ['a chained call', `import { z } from 'zod';\nexport default { id: 'x', metadata: { s: z.string().min(1).optional() } };`, 'a call to z.string().min().optional()'],
    ['a function expression', `export default { id: 'x', metadata: { f: function () { return 1; } } };`, 'a function expression'],
    ['a method', `export default { id: 'x', metadata: { run() { return 1; } } };`, 'a method run()'],
    ['a getter', `export default { id: 'x', metadata: { get now() { return 1; } } };`, 'a getter now'],
    ['an undeclared identifier', `export default { id: 'x', metadata: { env: process } };`, 'the identifier process, which is not declared in this file'],
    ['a namespace import', `import * as schemas from './schemas.js';\nexport default { id: 'x', metadata: { s: schemas } };`, "the namespace schemas imported from './schemas.js'"],
    ['a default import', `import base from './base.js';\nexport default { id: 'x', metadata: { s: base } };`, "the identifier base imported from './base.js'"],
    ['a spread of something unknown', `import { extra } from './extra.js';\nexport default { id: 'x', metadata: [...extra] };`, "a spread of the identifier extra imported from './extra.js'"],
    ['a property access', `enum Kind { A = 'a' }\nexport default { id: 'x', metadata: { k: Kind.A } };`, 'the expression `Kind.A`'],
    ['a const that refers to itself', `const a: unknown = { self: a };\nexport default { id: 'x', metadata: a };`, 'the identifier a, which refers to itself'],
    ['a default export that is a call', `import { build } from './build.js';\nexport default build({ id: 'x' });`, 'a call to build()'],
    ['a default function', `export default function build() { return { id: 'x' }; }`, 'a function declaration'],
    ['a re-export', `export { default } from './other.js';`, "a re-export from './other.js'"],
  ])('names %s', async (_, source, found) => {
    const file = join(temp, `construct-${found.replace(/\W+/g, '-')}.dsl.ts`);
    writeFileSync(file, source);
    const error = await loadError(file);
    expect(error.code).toBe('DSL_NOT_DATA');
    expect(error.problems.map((p) => p.message)).toEqual([found]);
  });

  it('never runs the file: a top-level side effect does not happen', async () => {
    const marker = join(temp, 'marker.txt');
    const file = join(temp, 'side-effect.dsl.ts');
    writeFileSync(
      file,
      `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(marker)}, 'ran');\nexport default { id: 'quiet', tasks: { t: {} } };\n`,
    );
    const loaded = await loadDslFile(file);
    expect(loaded.system).toEqual({ id: 'quiet', version: '1.0.0', tasks: { t: {} } });
    expect(existsSync(marker)).toBe(false);
    // The same file, trusted, does run: the marker proves the check above could fail.
    await loadDslFile(file, { trusted: true });
    expect(existsSync(marker)).toBe(true);
  });

  it('keeps __proto__ as a plain key, never as a prototype', async () => {
    const file = join(temp, 'proto.dsl.ts');
    writeFileSync(file, `export default { id: 'x', metadata: { ['__proto__']: 1, __proto__: { polluted: true } } };`);
    const error = await loadError(file);
    expect(error.problems.map((p) => p.message)).toEqual(["a computed key ['__proto__']"]);
    writeFileSync(file, `export default { id: 'x', metadata: { "__proto__": { polluted: true } } };`);
    const { system } = await loadDslFile(file, { validate: false });
    expect(Object.getPrototypeOf(system.metadata)).toBe(Object.prototype);
    expect(Object.keys(system.metadata ?? {})).toEqual(['__proto__']);
  });

  it('loads the orders example statically, equal to the imported module', async () => {
    const loaded = await loadDslFile('examples/orders/system.ts');
    const imported = (await import('../../examples/orders/system.js')) as { default: unknown };
    const raw = await loadDslFile('examples/orders/system.ts', { validate: false });
    expect(raw.system).toStrictEqual(imported.default);
    expect(loaded.system).toStrictEqual(assertValidSystem(imported.default));
  });
});
