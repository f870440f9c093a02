// Where the running copy of runtime-core, vitest and @types/node are, so verification uses the same ones.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The files verification needs, found from this module's own location. */
export interface PackagePaths {
  /** The folder of runtime-core's package.json. */
  root: string;
  /** The module `runtime-core` resolves to: `src/index.ts` when running from source, `dist/src/index.js` installed. */
  entry: string;
  /** The module `runtime-core/testing` resolves to. */
  testingEntry: string;
  /**
   * The modules of what generated code may import from `runtime-core` (`getTaskContext`, `TaskContext`,
   * `TaskFailure`), as `.js` paths the type check resolves to their `.ts` (source) or `.d.ts` (build).
   */
  apiModules: { taskContext: string; taskFailure: string };
  /** vitest's command-line script, if vitest is installed. */
  vitestCli: string | undefined;
  /** The `node_modules` folder holding vitest, linked into the verification folder so tests can import it. */
  nodeModules: string | undefined;
  /** The folder holding `@types/node`, if installed. */
  typeRoots: string | undefined;
}

const here = fileURLToPath(import.meta.url);
// `.ts` when this runs from source (tsx, vitest), `.js` from the build.
const ext = here.endsWith('.ts') ? '.ts' : '.js';

function findRoot(start: string): string {
  for (let dir = dirname(start); ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === 'runtime-core') return dir;
      } catch {
        // Not a manifest we can read: keep looking up.
      }
    }
    if (dirname(dir) === dir) return dirname(dirname(start));
  }
}

function resolvePackageDir(root: string, name: string): string | undefined {
  try {
    return dirname(createRequire(join(root, 'package.json')).resolve(`${name}/package.json`));
  } catch {
    return undefined;
  }
}

let cached: PackagePaths | undefined;

/** The paths, found once. */
export function packagePaths(): PackagePaths {
  if (cached) return cached;
  const root = findRoot(here);
  const entry = fileURLToPath(new URL(`../index${ext}`, import.meta.url));
  const vitestDir = resolvePackageDir(root, 'vitest');
  const typesNodeDir = resolvePackageDir(root, '@types/node');
  cached = {
    root,
    entry,
    testingEntry: fileURLToPath(new URL(`../testing/index${ext}`, import.meta.url)),
    apiModules: {
      taskContext: fileURLToPath(new URL('../runtime/task-context.js', import.meta.url)),
      taskFailure: fileURLToPath(new URL('../runtime/builtin-tasks/task-failure.js', import.meta.url)),
    },
    vitestCli: vitestDir && existsSync(join(vitestDir, 'vitest.mjs')) ? join(vitestDir, 'vitest.mjs') : undefined,
    nodeModules: vitestDir ? dirname(vitestDir) : undefined,
    typeRoots: typesNodeDir ? dirname(typesNodeDir) : undefined,
  };
  return cached;
}
