import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DslLoadError, loadDslFile, type SourceLocations } from '../../src/dsl/load/index.js';

const fixture = (name: string) => relative(process.cwd(), resolve(import.meta.dirname, '../fixtures/load', name));
const temp = mkdtempSync(join(tmpdir(), 'runtime-core-load-data-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const file = join(temp, name);
  writeFileSync(file, text);
  return file;
}

async function loadError(path: string): Promise<DslLoadError> {
  const error: unknown = await loadDslFile(path).then(() => undefined, (e: unknown) => e);
  if (!(error instanceof DslLoadError)) throw new Error(`expected a DslLoadError, got ${String(error)}`);
  return error;
}

const at = (locations: SourceLocations, path: string) => {
  const location = locations.locate(path);
  return location && `${location.line}:${location.column}`;
};

const shapes = {
  id: 'shapes',
  version: '1.0.0',
  tasks: { greet: { description: 'Say hello', timeout: '1s' } },
  flows: { hello: { steps: [{ id: 'greet', type: 'task', task: 'greet' }] } },
};

describe('.json files', () => {
  it('loads the document, with the location of every node', async () => {
    const loaded = await loadDslFile(fixture('system.json'));
    expect(loaded.system).toStrictEqual(shapes);
    expect(loaded.format).toBe('json');
    const paths = ['', 'tasks.greet', 'tasks.greet.timeout', 'flows.hello.steps[0]', 'flows.hello.steps[0].task', 'flows.hello.steps[0].input'];
    expect(paths.map((path) => at(loaded.locations, path))).toEqual(['1:1', '3:14', '3:53', '6:17', '6:50', '6:17']);
  });

  it('equals the same document written in TypeScript and YAML', async () => {
    const [json, yaml, ts] = await Promise.all(['system.json', 'system.yaml', 'shape-define-system.dsl.ts'].map((name) => loadDslFile(fixture(name))));
    expect(json?.system).toStrictEqual(ts?.system);
    expect(yaml?.system).toStrictEqual(ts?.system);
  });

  it('accepts a byte order mark and ignores trusted', async () => {
    const file = write('bom.json', '\uFEFF{ "id": "bom" }');
    const loaded = await loadDslFile(file, { trusted: true });
    expect(loaded.system).toStrictEqual({ id: 'bom', version: '1.0.0' });
    expect(at(loaded.locations, 'id')).toBe('1:3');
  });

  it('reports a syntax error with its line and column', async () => {
    const error = await loadError(fixture('syntax-error.json'));
    expect(error.code).toBe('DSL_SYNTAX');
    expect(error.message).toMatchInlineSnapshot(`
      "test/fixtures/load/syntax-error.json is not valid JSON (1 syntax error):
        test/fixtures/load/syntax-error.json:4:34 Trailing commas are not allowed in JSON"
    `);
    expect(error.problems.map((p) => p.location)).toEqual([{ file: resolve(fixture('syntax-error.json')), line: 4, column: 34 }]);
  });

  it('is strict JSON: each way of not being JSON says where and why', async () => {
    const cases = {
      'trailing comma in an array': '{ "a": [1, 2,] }',
      comment: '{\n  // the id\n  "id": "x"\n}',
      'single quotes': "{ 'id': 'x' }",
      'unquoted key': '{ id: "x" }',
      'missing comma': '{\n  "id": "x"\n  "name": "y"\n}',
      'missing colon': '{ "id" "x" }',
      'unterminated string': '{ "id": "x }',
      'line break in a string': '{ "id": "x\ny" }',
      'bad escape': '{ "id": "\\x41" }',
      'leading zero': '{ "n": 012 }',
      'bare word': '{ "n": undefined }',
      'duplicate key': '{\n  "id": "a",\n  "id": "b"\n}',
      'unexpected end': '{ "id": "x",',
      'a second value': '{ "id": "x" }\n{ "id": "y" }',
    };
    const lines = await Promise.all(
      Object.entries(cases).map(async ([name, text], i) => {
        const error = await loadError(write(`bad-${i}.json`, text));
        return `${name}: ${error.message.split('\n')[1]?.trim().replace(`${temp}/`, '') ?? ''}`;
      }),
    );
    expect(lines).toMatchInlineSnapshot(`
      [
        "trailing comma in an array: bad-0.json:1:13 Trailing commas are not allowed in JSON",
        "comment: bad-1.json:2:3 Comments are not allowed in JSON",
        "single quotes: bad-2.json:1:3 Strings in JSON are written in double quotes",
        "unquoted key: bad-3.json:1:3 Expected a property name in double quotes, found id",
        "missing comma: bad-4.json:3:3 Expected ',' or '}' after the property value, found the string "name"",
        "missing colon: bad-5.json:1:8 Expected ':' after the property name, found the string "x"",
        "unterminated string: bad-6.json:1:9 Unterminated string",
        "line break in a string: bad-7.json:1:11 Control characters in JSON strings must be escaped (found a line break)",
        "bad escape: bad-8.json:1:10 Invalid escape \\x in a JSON string",
        "leading zero: bad-9.json:1:8 Invalid number 012",
        "bare word: bad-10.json:1:8 Expected a value (a string, number, object, array, true, false or null), found undefined",
        "duplicate key: bad-11.json:3:3 Duplicate key "id" (first at 2:3)",
        "unexpected end: bad-12.json:1:13 Expected a property name in double quotes, found the end of the file",
        "a second value: bad-13.json:2:1 Unexpected '{' after the JSON value",
      ]
    `);
  });
});

describe('.yaml and .yml files', () => {
  it('loads the document, with the location of every node', async () => {
    const loaded = await loadDslFile(fixture('system.yaml'));
    expect(loaded.system).toStrictEqual(shapes);
    expect(loaded.format).toBe('yaml');
    const paths = ['', 'tasks.greet', 'tasks.greet.timeout', 'flows.hello.steps[0]', 'flows.hello.steps[0].task'];
    expect(paths.map((path) => at(loaded.locations, path))).toEqual(['2:1', '4:3', '6:5', '10:9', '12:9']);
  });

  it('follows aliases: what an alias holds is located at its anchor', async () => {
    const file = write(
      'anchors.yml',
      ['id: anchors', 'tasks:', '  a: &policy', '    retry: { maxAttempts: 3 }', '  b: *policy', "events: { 'order.placed': {} }", ''].join('\n'),
    );
    const loaded = await loadDslFile(file);
    expect(loaded.system.tasks).toStrictEqual({ a: { retry: { maxAttempts: 3 } }, b: { retry: { maxAttempts: 3 } } });
    expect(loaded.format).toBe('yaml');
    const paths = ['tasks.b', 'tasks.b.retry.maxAttempts', 'tasks.a.retry.maxAttempts', 'events["order.placed"]'];
    expect(paths.map((path) => at(loaded.locations, path))).toEqual(['5:3', '4:14', '4:14', '6:11']);
  });

  it('reports syntax errors with their line and column', async () => {
    const error = await loadError(fixture('syntax-error.yaml'));
    expect(error.code).toBe('DSL_SYNTAX');
    expect(error.message).toMatchInlineSnapshot(`
      "test/fixtures/load/syntax-error.yaml is not valid YAML (1 syntax error):
        test/fixtures/load/syntax-error.yaml:5:1 All mapping items must start at the same column"
    `);
    const duplicate = await loadError(write('duplicate.yaml', 'id: a\nname: x\nid: b\n'));
    const twoDocuments = await loadError(write('two.yaml', 'id: a\n---\nid: b\n'));
    expect([duplicate, twoDocuments].map((e) => e.message.replaceAll(temp, '<tmp>'))).toMatchInlineSnapshot(`
      [
        "<tmp>/duplicate.yaml is not valid YAML (1 syntax error):
        <tmp>/duplicate.yaml:3:1 Map keys must be unique",
        "<tmp>/two.yaml is not valid YAML (1 syntax error):
        <tmp>/two.yaml:2:1 A DSL file holds one YAML document; a second one starts here",
      ]
    `);
  });

  it('says a file of only comments holds no document', async () => {
    const error = await loadError(write('comments.yaml', '# nothing here yet\n# id: todo\n'));
    expect([error.code, error.message.replace(temp, '<tmp>')]).toMatchInlineSnapshot(`
      [
        "DSL_EMPTY",
        "<tmp>/comments.yaml holds no document, only comments; expected a YAML mapping such as id: my-system",
      ]
    `);
  });
});
