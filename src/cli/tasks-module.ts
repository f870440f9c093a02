import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { TaskImplementation } from '../runtime/task-runner.js';
import { UsageError } from './io.js';

/**
 * Imports a tasks module (`--tasks`): a .ts file through tsx, a .js file as it is. It exports an object of
 * implementations, as `tasks` or as `default`.
 */
export async function importTasks(path: string, cwd: string): Promise<Record<string, TaskImplementation>> {
  const file = resolve(cwd, path);
  let module: Record<string, unknown>;
  try {
    module = /\.[cm]?ts$/.test(file)
      ? ((await (await import('tsx/esm/api')).tsImport(pathToFileURL(file).href, import.meta.url)) as Record<string, unknown>)
      : ((await import(pathToFileURL(file).href)) as Record<string, unknown>);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' && String((error as Error).message).includes(file)) throw new UsageError(`--tasks: no module at ${path}`);
    throw error;
  }
  const candidate = (module.tasks ?? (module.default as Record<string, unknown> | undefined)?.tasks ?? module.default) as unknown;
  if (!candidate || typeof candidate !== 'object') {
    throw new UsageError(`--tasks: ${path} must export an object of task implementations (export const tasks = { … } or export default { … })`);
  }
  const entries = Object.entries(candidate as Record<string, unknown>).filter(([, value]) => typeof value === 'function');
  return Object.fromEntries(entries) as Record<string, TaskImplementation>;
}
