// Writes a file so that a crash leaves either the old file or the new one, never half of one.
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** The file operations an atomic write uses; tests replace them to simulate failures. */
export interface AtomicWriteOps {
  /** Creates `path` (it must not exist), writes `text` and flushes it to disk. */
  writeNew(path: string, text: string, mode: number | undefined): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  remove(path: string): Promise<void>;
  /** The mode of an existing file, or undefined when there is none. */
  modeOf(path: string): Promise<number | undefined>;
}

export const nodeAtomicWriteOps: AtomicWriteOps = {
  async writeNew(path, text, mode) {
    const handle = await fs.open(path, 'wx', mode);
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
  },
  async rename(from, to) {
    await fs.rename(from, to);
    // Flush the directory entry too, where the platform allows it; the rename itself is already done.
    const directory = await fs.open(dirname(to), 'r').catch(() => undefined);
    await directory?.sync().catch(() => undefined);
    await directory?.close();
  },
  remove: (path) => fs.rm(path, { force: true }),
  modeOf: (path) => fs.stat(path).then((stats) => stats.mode & 0o7777, () => undefined),
};

/**
 * Writes `text` to a temporary file next to `path`, then renames it over `path`: the rename is atomic on
 * one file system, so readers see the old content or the new one. On failure the temporary file is removed
 * and the old file is left as it was. An existing file keeps its permissions; a symbolic link is followed.
 */
export async function writeFileAtomic(path: string, text: string, ops: AtomicWriteOps = nodeAtomicWriteOps): Promise<void> {
  const target = await fs.realpath(path).catch(() => path);
  const temp = join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await ops.writeNew(temp, text, await ops.modeOf(target));
    await ops.rename(temp, target);
  } catch (error) {
    await ops.remove(temp).catch(() => undefined);
    throw error;
  }
}
