import { chmodSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { nodeAtomicWriteOps, writeFileAtomic, type AtomicWriteOps } from '../../src/dsl/save/atomic-write.js';
import { DslSaveError, saveSystemToDsl } from '../../src/dsl/save/index.js';

const work = mkdtempSync(join(tmpdir(), 'runtime-core-save-atomic-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A directory holding one file with `original` in it. */
function setUp(original: string): { dir: string; file: string } {
  const dir = mkdtempSync(join(work, 'dir-'));
  const file = join(dir, 'system.dsl.ts');
  writeFileSync(file, original);
  return { dir, file };
}

describe('atomic writes', () => {
  it('leave the old file whole and no temporary file when the rename fails', async () => {
    const { dir, file } = setUp('old content\n');
    const written: string[] = [];
    const ops: AtomicWriteOps = {
      ...nodeAtomicWriteOps,
      async writeNew(path, text, mode) {
        written.push(path);
        await nodeAtomicWriteOps.writeNew(path, text, mode);
      },
      rename: async () => {
        throw Object.assign(new Error('EACCES: permission denied, rename'), { code: 'EACCES' });
      },
    };
    await expect(writeFileAtomic(file, 'new content\n', ops)).rejects.toThrow('EACCES');
    expect(readFileSync(file, 'utf8')).toBe('old content\n');
    expect(readdirSync(dir)).toEqual(['system.dsl.ts']);
    // The temporary file was real, next to the target, and hidden.
    expect(written).toHaveLength(1);
    expect(written[0]).toMatch(new RegExp(`^${dir}/\\.system\\.dsl\\.ts\\.\\d+\\.[0-9a-f]+\\.tmp$`));
  });

  it('leave the old file whole when the write stops half way (a full disk, a crash)', async () => {
    const { dir, file } = setUp('old content\n');
    const ops: AtomicWriteOps = {
      ...nodeAtomicWriteOps,
      async writeNew(path, text) {
        await writeFile(path, text.slice(0, 3));
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      },
    };
    await expect(writeFileAtomic(file, 'new content\n', ops)).rejects.toThrow('ENOSPC');
    expect(readFileSync(file, 'utf8')).toBe('old content\n');
    expect(readdirSync(dir)).toEqual(['system.dsl.ts']);
  });

  it('replace the file, keeping its permissions and following a symbolic link', async () => {
    const { dir, file } = setUp('old\n');
    chmodSync(file, 0o640);
    const link = join(dir, 'link.dsl.ts');
    symlinkSync(file, link);
    await writeFileAtomic(link, 'new\n');
    expect(readFileSync(file, 'utf8')).toBe('new\n');
    expect(statSync(file).mode & 0o777).toBe(0o640);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(['link.dsl.ts', 'system.dsl.ts']);
  });

  it('fail saveSystemToDsl with DSL_SAVE when the file cannot be written', async () => {
    const missing = join(work, 'no-such-directory', 'system.dsl.ts');
    const error = await saveSystemToDsl({ id: 'x' }, missing).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DslSaveError);
    expect(error).toMatchObject({ code: 'DSL_SAVE', file: missing });
    expect((error as DslSaveError).message).toMatch(/^Cannot save .*no-such-directory\/system\.dsl\.ts: ENOENT/);
    expect((error as DslSaveError).cause).toMatchObject({ code: 'ENOENT' });
  });
});
