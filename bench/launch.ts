// The benchmark measures the JavaScript a build ships, not tsx's on-the-fly transform: tsx compiles with
// esbuild's `keepNames`, which wraps every function expression in a `__name()` call that defines a `name`
// property at run time. That costs per-flow time and heap per process instance in runtime-core's source,
// but not in XState (already JavaScript), so it would skew the comparison. See docs/performance.md.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type ts from 'typescript';

/** The repository root (also when this file runs from the transpiled build under node_modules/.cache). */
export const ROOT = fileURLToPath(new URL('..', import.meta.url)).replace(/\/node_modules\/\.cache\/runtime-core-bench(-[\w-]+)?\/?$/, '/');

/**
 * Where the transpiled sources go: under node_modules, so `xstate` and `zod` resolve, and no linter or test runner
 * looks. `RUNTIME_CORE_BENCH_TAG` gives checkouts that share one node_modules (git worktrees) a build each.
 */
export const BUILD_DIR = join(ROOT, 'node_modules', '.cache', process.env.RUNTIME_CORE_BENCH_TAG ? `runtime-core-bench-${process.env.RUNTIME_CORE_BENCH_TAG.replace(/[^\w-]/g, '')}` : 'runtime-core-bench');

const FOLDERS = ['src', 'compiler', 'machines', 'bench'];
const SKIP = new Set(['node_modules', 'profiles']);

/** Whether this module runs as TypeScript source (under tsx) rather than as transpiled JavaScript. */
export const runningFromSource = import.meta.url.endsWith('.ts');

function* sourceFiles(dir: string): Generator<string> {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && !SKIP.has(entry.name) && !entry.name.startsWith('.')) yield* sourceFiles(path);
    else if (entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) yield path;
  }
}

/** The compiler options of tsconfig.json, as `tsc` would emit with them (ESM, ES2022, no source maps). */
function compilerOptions(ts: typeof import('typescript')): ts.CompilerOptions {
  const configPath = join(ROOT, 'tsconfig.json');
  const { config, error } = ts.readConfigFile(configPath, ts.sys.readFile);
  if (error) throw new Error(ts.flattenDiagnosticMessageText(error.messageText, '\n'));
  const { options } = ts.parseJsonConfigFileContent(config, ts.sys, ROOT);
  return { ...options, module: ts.ModuleKind.ESNext, sourceMap: false, inlineSourceMap: false, declaration: false, noEmit: false };
}

/**
 * Transpiles src/, compiler/, machines/ and bench/ file by file (`ts.transpileModule`, the project uses
 * `isolatedModules`, so this is what `tsc` emits) into BUILD_DIR. Type errors are `npm run typecheck`'s business.
 */
export async function transpileForBench(): Promise<void> {
  // Loaded only here: the measuring child should not carry the compiler in its heap.
  const ts = (await import('typescript')).default;
  const options = compilerOptions(ts);
  rmSync(BUILD_DIR, { recursive: true, force: true });
  for (const folder of FOLDERS) {
    for (const file of sourceFiles(join(ROOT, folder))) {
      const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), { compilerOptions: options, fileName: file });
      const out = join(BUILD_DIR, relative(ROOT, file)).replace(/\.ts$/, '.js');
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out, outputText);
    }
  }
}

/**
 * Runs `entry` (a bench/ file, e.g. `bench/run.ts`) again in a child Node process, with `--expose-gc`: from
 * the transpiled build, unless `fromSource` (then under tsx, as now). Exits with the child's status.
 */
export async function relaunch(entry: string, args: readonly string[], fromSource: boolean): Promise<never> {
  if (!fromSource) await transpileForBench();
  const base = fromSource ? [...process.execArgv, join(ROOT, entry)] : [join(BUILD_DIR, entry.replace(/\.ts$/, '.js'))];
  const child = spawnSync(process.execPath, ['--expose-gc', ...base, ...args], {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, RUNTIME_CORE_BENCH_CHILD: '1' },
  });
  if (child.error) throw child.error;
  process.exit(child.status ?? 1);
}

/** True in the child `relaunch` started: measure here, don't relaunch again. */
export const isBenchChild = process.env.RUNTIME_CORE_BENCH_CHILD === '1';
