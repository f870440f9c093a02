import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'runtime-core-package-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the built package', () => {
  it("is imported as 'runtime-core' through package.json exports", () => {
    if (!existsSync(join(root, 'dist/src/index.js'))) execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: root });
    mkdirSync(join(work, 'node_modules'));
    symlinkSync(root, join(work, 'node_modules', 'runtime-core'), 'dir');
    writeFileSync(
      join(work, 'main.mjs'),
      `import { ReactiveSystemRuntime, defineSystem, FlowStepType } from 'runtime-core';
const rt = new ReactiveSystemRuntime(defineSystem({ id: 'p', tasks: { hello: {} } }));
rt.registerTaskImplementation('hello', async (input) => 'hello ' + input.name);
const r = await rt.executeTask('hello', { name: 'package' });
console.log(JSON.stringify({ r, task: FlowStepType.TASK }));`,
    );
    const out = execFileSync(process.execPath, ['main.mjs'], { cwd: work, encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual({ r: { success: true, output: 'hello package', attempts: 1 }, task: 'task' });
  });

  it('installs the runtime-core command, which validates a document', () => {
    const bin = join(work, 'node_modules', 'runtime-core', 'dist', 'src', 'cli', 'main.js');
    const out = execFileSync(process.execPath, [bin, 'validate', join(root, 'test/fixtures/load/system.json')], { cwd: work, encoding: 'utf8' });
    expect(out).toMatch(/^✓ .*system\.json is valid/);
  });
});
