// Runs generated tests with vitest in a child process, in a folder of their own, with a time limit.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { z } from 'zod';
import { packagePaths } from './package-paths.js';
import type { VerificationReport } from './types.js';

export type TestRunReport = VerificationReport['tests'];

/** A run's report, and the same for each test file (by name) that ran. */
export interface TestRunResult extends TestRunReport {
  byFile: Record<string, TestRunReport>;
}

export interface TestRunInput {
  /** Files by name; those named `*.test.ts` or `*.test.js` are the tests. */
  files: Record<string, string>;
  /** The child is killed (its whole process group) when it runs longer. */
  timeoutMs: number;
  /** One test's limit inside vitest. @default 5000 */
  testTimeoutMs?: number;
}

const TEST_FILE = /\.test\.[jt]s$/;
const OUTPUT_LIMIT = 20_000;
const MESSAGE_LIMIT = 1_500;

// vitest's JSON reporter, as far as it is read here.
const reportSchema = z.object({
  testResults: z.array(
    z.object({
      name: z.string(),
      status: z.string(),
      message: z.string().optional(),
      assertionResults: z.array(
        z.object({ fullName: z.string(), status: z.string(), failureMessages: z.array(z.string()).nullish() }),
      ),
    }),
  ),
});

/** A failure message without its stack: what a person (or a model) needs to fix the code. */
function shorten(message: string): string {
  const lines = message.split('\n');
  const stack = lines.findIndex((line) => /^\s+at /.test(line));
  const text = (stack === -1 ? lines : lines.slice(0, stack)).join('\n').trim();
  return text.length > MESSAGE_LIMIT ? `${text.slice(0, MESSAGE_LIMIT)}…` : text;
}

const trimOutput = (text: string): string => (text.length > OUTPUT_LIMIT ? `…${text.slice(-OUTPUT_LIMIT)}` : text).trim();

function vitestConfig(dir: string): string {
  const paths = packagePaths();
  return `// Written by runtime-core for the verification of generated code.
export default {
  cacheDir: ${JSON.stringify(join(dir, '.vite'))},
  resolve: {
    alias: [
      { find: /^runtime-core$/, replacement: ${JSON.stringify(paths.entry)} },
      { find: /^runtime-core\\/testing$/, replacement: ${JSON.stringify(paths.testingEntry)} },
    ],
  },
  // Not isolated: the test files share one module graph per worker, so runtime-core is loaded once, not once
  // per file (a flow's dozen test files run in seconds instead of tens of seconds).
  test: { include: ['**/*.test.ts', '**/*.test.js'], exclude: ['**/node_modules/**'], watch: false, isolate: false },
};
`;
}

/** What the verification child may see of our environment: enough to run node, no secrets (API keys, tokens). */
const PASSED_THROUGH = /^(PATH|HOME|USER|TMPDIR|TMP|TEMP|LANG|LC_[A-Z]+|TZ|SYSTEMROOT|SystemRoot|COMSPEC|PATHEXT)$/;

function childEnvironment(): NodeJS.ProcessEnv {
  // Model-written code runs in the child: it gets an allowlist, not our environment (OPENAI_API_KEY, database URLs…).
  // VITEST* variables are never passed, so a vitest parent (our own suite) does not make the child think it is a worker.
  const env: NodeJS.ProcessEnv = { NO_COLOR: '1', FORCE_COLOR: '0' };
  for (const [key, value] of Object.entries(process.env)) if (PASSED_THROUGH.test(key)) env[key] = value;
  return env;
}

interface ChildOutcome {
  code: number | null;
  timedOut: boolean;
  output: string;
}

function runChild(args: string[], cwd: string, timeoutMs: number): Promise<ChildOutcome> {
  return new Promise((resolve) => {
    const detached = process.platform !== 'win32';
    const child = spawn(process.execPath, args, { cwd, env: childEnvironment(), detached, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const collect = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-2 * OUTPUT_LIMIT);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        // The whole group: vitest's workers too.
        if (detached && child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
        else child.kill('SIGKILL');
      } catch {
        // Already gone.
      }
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ code: null, timedOut, output: `${output}\n${error.message}` });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, timedOut, output });
    });
  });
}

function readReport(json: string, dir: string): Omit<TestRunResult, 'output'> {
  const report = reportSchema.parse(JSON.parse(json));
  const byFile: Record<string, TestRunReport> = {};
  for (const file of report.testResults) {
    const name = relative(dir, file.name).replace(/\\/g, '/');
    const failures: string[] = [];
    let total = file.assertionResults.length;
    let failed = 0;
    for (const test of file.assertionResults) {
      if (test.status !== 'failed') continue;
      failed += 1;
      failures.push(`${test.fullName}: ${shorten((test.failureMessages ?? []).join('\n')) || 'failed'}`);
    }
    // A file that does not load (a syntax error, a missing import) has no tests: it counts as one failed test.
    if (file.status === 'failed' && failed === 0) {
      total += 1;
      failed += 1;
      failures.push(`${name}: ${shorten(file.message ?? 'failed to run')}`);
    }
    byFile[name] = { passed: failed === 0 && total > 0, total, failed, failures };
  }
  const files = Object.values(byFile);
  const total = files.reduce((n, f) => n + f.total, 0);
  const failed = files.reduce((n, f) => n + f.failed, 0);
  return { passed: failed === 0 && total > 0, total, failed, failures: files.flatMap((f) => f.failures), byFile };
}

/**
 * Writes the files into a new temporary folder (with `node_modules` linked, so tests import vitest, and
 * `runtime-core` aliased to the running copy), runs `vitest run` there in a child process, and reads its
 * JSON report. No test files: passed, with nothing run. The folder is removed afterwards.
 */
export async function runTests(input: TestRunInput): Promise<TestRunResult> {
  if (!Object.keys(input.files).some((name) => TEST_FILE.test(name))) return { passed: true, total: 0, failed: 0, failures: [], byFile: {} };
  const paths = packagePaths();
  if (!paths.vitestCli || !paths.nodeModules) {
    return { passed: false, total: 0, failed: 0, failures: ['vitest is not installed next to runtime-core: install it (npm i -D vitest) to run the generated tests'], byFile: {} };
  }
  const dir = await mkdtemp(join(tmpdir(), 'runtime-core-codegen-'));
  const link = join(dir, 'node_modules');
  try {
    await Promise.all(Object.entries(input.files).map(([name, text]) => writeFile(join(dir, name), text)));
    await writeFile(join(dir, 'vitest.config.mjs'), vitestConfig(dir));
    await symlink(paths.nodeModules, link, 'junction');
    const reportFile = join(dir, 'vitest-report.json');
    const args = [paths.vitestCli, 'run', '--config', join(dir, 'vitest.config.mjs'), '--reporter=json', `--outputFile=${reportFile}`, `--testTimeout=${input.testTimeoutMs ?? 5_000}`];
    const outcome = await runChild(args, dir, input.timeoutMs);
    if (outcome.timedOut) {
      return { passed: false, total: 0, failed: 0, failures: [`the tests did not finish within ${input.timeoutMs}ms; the test run was stopped`], output: trimOutput(outcome.output), byFile: {} };
    }
    let json: string;
    try {
      json = await readFile(reportFile, 'utf8');
    } catch {
      return { passed: false, total: 0, failed: 0, failures: [`vitest exited with code ${outcome.code} without a report`], output: trimOutput(outcome.output), byFile: {} };
    }
    const report = readReport(json, dir);
    return report.passed ? report : { ...report, output: trimOutput(outcome.output) };
  } finally {
    await unlink(link).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
}
