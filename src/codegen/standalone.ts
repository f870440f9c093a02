// The original Runtime Core's standalone functions: one call, a generator made for it, `{ success, code, tests? }`.
import type { SystemDefinition } from '../dsl/schema.js';
import { CodeGenerator } from './generator.js';
import type { TaskReference } from './task-reference.js';
import type { CodeGeneratorOptions, GenerateOptions, GeneratedCode, GeneratedFlowCode } from './types.js';

/** What to generate and how to reach the model: a {@link CodeGenerator}'s options and one generation's. */
export type GenerateCodeOptions = GenerateOptions & CodeGeneratorOptions;

/** What a standalone call resolves: the generator's result, `success` for its verification, `tests` only when there are some. */
export type GenerateCodeResult<T extends GeneratedCode = GeneratedCode> = Omit<T, 'tests'> & {
  /** The code passed verification: it type-checks and its tests (and the task's examples) pass. */
  success: boolean;
  /** The generated tests; absent when `includeTests` is false or none were written. */
  tests?: string;
};

function split(options: GenerateCodeOptions): { generator: CodeGeneratorOptions; generate: GenerateOptions } {
  const { language, includeComments, includeTests, includeErrorHandling, ...generator } = options;
  const generate: GenerateOptions = {};
  if (language !== undefined) generate.language = language;
  if (includeComments !== undefined) generate.includeComments = includeComments;
  if (includeTests !== undefined) generate.includeTests = includeTests;
  if (includeErrorHandling !== undefined) generate.includeErrorHandling = includeErrorHandling;
  return { generator, generate };
}

function outcome<T extends GeneratedCode>(result: T): GenerateCodeResult<T> {
  const { tests, ...rest } = result;
  return { ...rest, success: result.verification.passed, ...(tests.trim() ? { tests } : {}) };
}

/**
 * Generates and verifies one task's implementation, as `new CodeGenerator(options).generateTaskCode(...)`
 * does. The task is named by its id or by its definition (`system.tasks['chargeCard']`).
 * Without `OPENAI_API_KEY` (or `apiKey`, or `baseURL`) pass `provider: 'template'` to work offline.
 * @throws NotFoundError (`UNKNOWN_TASK`) when the system has no such task.
 * @throws CodeGenerationError (`CODEGEN_PROVIDER`) when the model fails or there is no key for it.
 */
export async function generateTaskCode(task: TaskReference, system: SystemDefinition, options: GenerateCodeOptions = {}): Promise<GenerateCodeResult> {
  const { generator, generate } = split(options);
  return outcome(await new CodeGenerator(generator).generateTaskCode(task, system, generate));
}

/**
 * Generates every task a flow runs and a module that registers them and the flow (`register(runtime)` calls
 * `registerTaskImplementations` and `registerFlow`), as `new CodeGenerator(options).generateFlowCode(...)` does.
 * @throws NotFoundError (`UNKNOWN_FLOW`) when the system has no such flow.
 * @throws CodeGenerationError (`CODEGEN_PROVIDER`) when the model fails or there is no key for it.
 */
export async function generateFlowCode(flowId: string, system: SystemDefinition, options: GenerateCodeOptions = {}): Promise<GenerateCodeResult<GeneratedFlowCode>> {
  const { generator, generate } = split(options);
  return outcome(await new CodeGenerator(generator).generateFlowCode(flowId, system, generate));
}
