// Verification of generated code: the type check against the task's types, then its tests in a child process.
import { taskFileNames } from './task-files.js';
import { runTests, type TestRunReport, type TestRunResult } from './run-tests.js';
import { typecheck, type TypecheckResult } from './typecheck.js';
import type { CodeLanguage, VerificationReport } from './types.js';

/** One task's files and what they are checked against. */
export interface TaskVerification {
  taskId: string;
  language: CodeLanguage;
  /** The result's files (types, code, tests, example tests). */
  files: Record<string, string>;
  inputType: string;
  outputType: string;
  timeoutMs: number;
  /** Called before each phase. */
  onPhase?: (phase: 'typecheck' | 'testing') => void;
}

/** The tests report when the tests were not run because the code does not type-check. */
export const NOT_RUN: TestRunReport = { passed: false, total: 0, failed: 0, failures: ['not run: the code does not type-check'] };

/** The public report of a run (without its per-file breakdown). */
export const testsReport = ({ byFile: _byFile, ...report }: TestRunResult): TestRunReport => report;

/**
 * Asserts that the module's default export fits `(input: Input) => Output | Promise<Output>`, through a
 * wrapper module the model never sees; problems of the wrapper are explained in those terms.
 */
export function typecheckTask(v: Omit<TaskVerification, 'timeoutMs' | 'onPhase'>): TypecheckResult {
  const names = taskFileNames(v.taskId, v.language);
  const wrapper = `${v.taskId}.check.ts`;
  return typecheck({
    files: {
      ...v.files,
      [wrapper]: `import type { ${v.inputType}, ${v.outputType} } from '${names.typesImportPath}';
import implementation from '${names.importPath}';
export const check: (input: ${v.inputType}) => ${v.outputType} | Promise<${v.outputType}> = implementation;
`,
    },
    subjects: [names.implementation, wrapper],
    explain: { [wrapper]: `${names.implementation} must export default a function (input: ${v.inputType}) => ${v.outputType} | Promise<${v.outputType}>` },
  });
}

/** The type check, then (only when it passes) the tests: the provider's and the task's examples. */
export async function verifyTask(v: TaskVerification): Promise<VerificationReport> {
  v.onPhase?.('typecheck');
  const types = typecheckTask(v);
  if (!types.passed) return { passed: false, typecheck: types, tests: NOT_RUN };
  v.onPhase?.('testing');
  const tests = testsReport(await runTests({ files: v.files, timeoutMs: v.timeoutMs }));
  return { passed: tests.passed, typecheck: types, tests };
}
