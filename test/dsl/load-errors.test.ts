import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RuntimeCoreError } from '../../src/errors.js';
import { DslLoadError, loadDslFile, SUPPORTED_EXTENSIONS } from '../../src/dsl/load/index.js';

const temp = mkdtempSync(join(tmpdir(), 'runtime-core-load-errors-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const file = join(temp, name);
  writeFileSync(file, text);
  return file;
}

/** The error's code and message, the temp directory written as <tmp>. */
async function failure(path: string, options: { trusted?: boolean } = {}): Promise<[string, string]> {
  const error: unknown = await loadDslFile(path, options).then(() => undefined, (e: unknown) => e);
  if (!(error instanceof DslLoadError)) throw new Error(`expected a DslLoadError, got ${String(error)}`);
  expect(error).toBeInstanceOf(RuntimeCoreError);
  expect(error.name).toBe('DslLoadError');
  return [error.code, error.message.replaceAll(temp, '<tmp>')];
}

describe('errors of loading a DSL file', { timeout: 30_000 }, () => {
  it('names a missing file and suggests similar names next to it', async () => {
    write('orders.dsl.ts', "export default { id: 'orders' };");
    write('orders.yaml', 'id: orders');
    write('notes.txt', 'not a DSL file');
    const results = await Promise.all([
      failure(join(temp, 'ordres.dsl.ts')),
      failure(join(temp, 'orders.yml')),
      failure(join(temp, 'shipping.json')),
      failure(join(temp, 'missing-dir', 'orders.json')),
    ]);
    expect(results).toMatchInlineSnapshot(`
      [
        [
          "FILE_NOT_FOUND",
          "File not found: <tmp>/ordres.dsl.ts (did you mean <tmp>/orders.dsl.ts?)",
        ],
        [
          "FILE_NOT_FOUND",
          "File not found: <tmp>/orders.yml (did you mean <tmp>/orders.dsl.ts or <tmp>/orders.yaml?)",
        ],
        [
          "FILE_NOT_FOUND",
          "File not found: <tmp>/shipping.json",
        ],
        [
          "FILE_NOT_FOUND",
          "File not found: <tmp>/missing-dir/orders.json (the directory <tmp>/missing-dir does not exist)",
        ],
      ]
    `);
  });

  it('says an empty or whitespace-only file is empty, whatever its format', async () => {
    const results = await Promise.all([
      failure(write('empty.dsl.ts', '')),
      failure(write('blank.json', '  \n\t\n')),
      failure(write('blank.yaml', '\n\n')),
    ]);
    expect(results).toMatchInlineSnapshot(`
      [
        [
          "DSL_EMPTY",
          "<tmp>/empty.dsl.ts is empty; expected a default export such as export default defineSystem({ id: 'my-system' })",
        ],
        [
          "DSL_EMPTY",
          "<tmp>/blank.json is empty; expected a JSON object such as { "id": "my-system" }",
        ],
        [
          "DSL_EMPTY",
          "<tmp>/blank.yaml is empty; expected a YAML mapping such as id: my-system",
        ],
      ]
    `);
  });

  it('shows how to write the default export when there is none', async () => {
    expect(await failure(write('named.dsl.ts', "export const system = { id: 'x' };\n"))).toMatchInlineSnapshot(`
      [
        "DSL_LOAD",
        "<tmp>/named.dsl.ts has no default export; a DSL file exports its system:

        import { defineSystem } from 'runtime-core';

        export default defineSystem({ id: 'my-system', tasks: {}, flows: {} });",
      ]
    `);
  });

  it('lists the supported extensions for any other file', async () => {
    write('flows.json', '{ "id": "flows" }');
    const results = await Promise.all([failure(write('system.js', 'export default {};')), failure(join(temp, 'flows'))]);
    expect(results).toMatchInlineSnapshot(`
      [
        [
          "DSL_LOAD",
          "Cannot load <tmp>/system.js: unsupported extension ".js"; supported: .dsl.ts, .ts, .json, .yaml, .yml",
        ],
        [
          "DSL_LOAD",
          "Cannot load <tmp>/flows: no file extension (did you mean <tmp>/flows.json?); supported: .dsl.ts, .ts, .json, .yaml, .yml",
        ],
      ]
    `);
    expect(SUPPORTED_EXTENSIONS).toEqual(['.dsl.ts', '.ts', '.json', '.yaml', '.yml']);
  });

  it('says a directory is not a DSL file', async () => {
    mkdirSync(join(temp, 'folder.json'));
    expect(await failure(join(temp, 'folder.json'))).toMatchInlineSnapshot(`
      [
        "DSL_LOAD",
        "<tmp>/folder.json is a directory, not a DSL file",
      ]
    `);
  });

  it('reports every TypeScript syntax error with its location', async () => {
    const file = write('broken.dsl.ts', "export default {\n  id: 'x',,\n  tasks: { a: ( },\n};\n");
    expect(await failure(file)).toMatchInlineSnapshot(`
      [
        "DSL_SYNTAX",
        "<tmp>/broken.dsl.ts is not valid TypeScript (2 syntax errors):
        <tmp>/broken.dsl.ts:2:11 Property assignment expected.
        <tmp>/broken.dsl.ts:3:17 Expression expected.",
      ]
    `);
  });
});
