// CodeGenerator: the public entry point of code generation.
import type { SystemDefinition } from '../dsl/schema.js';
import { NotFoundError } from '../errors.js';
import { flowFileNames, flowModule, flowTasks, flowTest } from './flow-files.js';
import {
  resolveGenerateOptions,
  resolveGeneratorOptions,
  type ResolvedGenerateOptions,
  type ResolvedGeneratorOptions,
} from './generator-options.js';
import { createOpenAIClient, OpenAIProvider } from './openai-provider.js';
import { runTests, type TestRunReport, type TestRunResult } from './run-tests.js';
import { taskFileNames } from './task-files.js';
import { resolveTaskId, type TaskReference } from './task-reference.js';
import { generateWithModel, generateWithTemplate, templateTypechecked, type TaskJob } from './task-generation.js';
import type { CodeGeneratorOptions, GenerateOptions, GeneratedCode, GeneratedFlowCode, VerificationReport } from './types.js';
import { testsReport } from './verify.js';

/** The tests of one task, read from a run of the whole flow. */
function taskTestsFrom(run: TestRunResult, taskId: string, code: GeneratedCode): TestRunReport {
  const names = taskFileNames(taskId, code.language);
  const reports = [names.tests, names.examples].filter((name) => code.files[name] !== undefined).map((name) => run.byFile[name]);
  if (reports.length === 0) return { passed: true, total: 0, failed: 0, failures: [] };
  // Not in the run's report: the run itself failed (a time limit, no vitest).
  if (reports.some((r) => r === undefined)) return testsReport({ ...run, passed: false });
  const known = reports.filter((r): r is TestRunReport => r !== undefined);
  const total = known.reduce((n, r) => n + r.total, 0);
  const failed = known.reduce((n, r) => n + r.failed, 0);
  return { passed: failed === 0 && total > 0, total, failed, failures: known.flatMap((r) => r.failures) };
}

/**
 * Writes task and flow implementations with a model (or a template) and verifies them before handing them
 * over: a type check against types generated from the task's schemas, then the tests and the task's examples
 * run with vitest in a child process. Code that fails goes back to the model with its diagnostics, up to
 * `maxAttempts`. The model or its server failing (refusal, HTTP error, timeout, no answer that parses) throws
 * {@link CodeGenerationError} with code `CODEGEN_PROVIDER`; code that still fails verification after
 * `maxAttempts` is returned, with `verification.passed === false` (its `history` says what each attempt got).
 * Generated code is never run except by that verification, in a child process.
 */
export class CodeGenerator {
  readonly #options: ResolvedGeneratorOptions;
  #provider: OpenAIProvider | undefined;

  /** Checks the options; the model's client is created on first use (so a missing key fails only then). */
  constructor(options: CodeGeneratorOptions = {}) {
    this.#options = resolveGeneratorOptions(options);
  }

  /** The model this generator asks (`'template'` for the template provider). */
  get model(): string {
    return this.#options.model;
  }

  /**
   * Generates and verifies the implementation of one task of the system. The task is named by its id, or by
   * its definition as the original README passes it (`system.tasks['chargeCard']`), matched to its id within
   * `system` by identity, then by deep equality.
   * @throws NotFoundError (`UNKNOWN_TASK`) when the system has no such task (or no task with that definition).
   * @throws UsageError (`INVALID_ARGUMENT`) when a definition is equal to several tasks: pass the id.
   * @throws CodeGenerationError (`CODEGEN_PROVIDER`) when the model or its server fails, or no key was given.
   */
  async generateTaskCode(task: TaskReference, system: SystemDefinition, options: GenerateOptions = {}): Promise<GeneratedCode> {
    const taskId = resolveTaskId(task, system);
    const job = this.#job(taskId, system, resolveGenerateOptions(options));
    return this.#options.provider === 'template' ? generateWithTemplate(job) : generateWithModel(job, this.#openai(taskId));
  }

  /**
   * Generates every task a flow uses (its nested steps and sub-flows included; tasks with a built-in
   * implementation need none), then runs all their tests together with a test that runs the flow on the
   * runtime. `attempts` is the sum over the tasks; `verification` covers everything (each task's own is in
   * `tasks`).
   * @throws NotFoundError (`UNKNOWN_FLOW`) when the system has no such flow.
   * @throws CodeGenerationError (`CODEGEN_PROVIDER`) when the model or its server fails.
   */
  async generateFlowCode(flow: string, system: SystemDefinition, options: GenerateOptions = {}): Promise<GeneratedFlowCode> {
    if (!system.flows?.[flow]) throw new NotFoundError('flow', flow, Object.keys(system.flows ?? {}), `in system "${system.id}"`);
    const generate = resolveGenerateOptions(options);
    const template = this.#options.provider === 'template';
    const tasks: Record<string, GeneratedCode> = {};
    for (const taskId of flowTasks(flow, system)) {
      const job = this.#job(taskId, system, generate);
      // The template's skeletons are only type-checked here: their tests run once, with the flow's.
      tasks[taskId] = template ? templateTypechecked(job) : await generateWithModel(job, this.#openai(taskId));
    }

    const names = flowFileNames(flow, generate.language);
    const code = flowModule(flow, system, Object.keys(tasks), generate.language);
    const tests = flowTest(flow, system, generate.language, template);
    const files: Record<string, string> = Object.assign({}, ...Object.values(tasks).map((t) => t.files), { [names.module]: code, [names.test]: tests });
    this.#options.onProgress({ phase: 'testing', subject: flow, attempt: 1 });
    const run = await runTests({ files, timeoutMs: this.#options.verifyTimeoutMs });
    if (template) for (const [taskId, result] of Object.entries(tasks)) tasks[taskId] = withTests(result, taskTestsFrom(run, taskId, result));

    const typecheck = {
      passed: Object.values(tasks).every((t) => t.verification.typecheck.passed),
      diagnostics: Object.entries(tasks).flatMap(([taskId, t]) => t.verification.typecheck.diagnostics.map((d) => `[${taskId}] ${d}`)),
    };
    const testReport = testsReport(run);
    const verification: VerificationReport = { passed: typecheck.passed && testReport.passed, typecheck, tests: testReport };
    this.#options.onProgress({ phase: 'done', subject: flow, attempt: 1, message: verification.passed ? 'verified' : 'verification failed' });
    return {
      subject: flow,
      code,
      tests,
      exampleTests: '',
      files,
      language: generate.language,
      model: this.#options.model,
      attempts: Object.values(tasks).reduce((n, t) => n + t.attempts, 0),
      verification,
      history: [{ attempt: 1, verification }],
      tasks,
    };
  }

  #job(taskId: string, system: SystemDefinition, options: ResolvedGenerateOptions): TaskJob {
    return {
      taskId,
      definition: system.tasks?.[taskId] ?? {},
      system,
      options,
      maxAttempts: this.#options.maxAttempts,
      verifyTimeoutMs: this.#options.verifyTimeoutMs,
      progress: this.#options.onProgress,
    };
  }

  #openai(subject: string): OpenAIProvider {
    const o = this.#options;
    this.#provider ??= new OpenAIProvider(
      o.client ?? createOpenAIClient({ apiKey: o.apiKey, baseURL: o.baseURL, timeoutMs: o.requestTimeoutMs, maxRetries: o.maxRetries }, subject),
      o.model,
      { timeoutMs: o.requestTimeoutMs, maxRetries: o.maxRetries },
    );
    return this.#provider;
  }
}

/** A template result whose tests ran with its flow's. */
function withTests(result: GeneratedCode, tests: TestRunReport): GeneratedCode {
  const verification: VerificationReport = { ...result.verification, passed: result.verification.typecheck.passed && tests.passed, tests };
  return { ...result, verification, history: [{ attempt: 1, verification }] };
}
