// Generating one task: the model's attempts with repair, or the template; each answer verified.
import type { SystemDefinition, TaskDefinition } from '../dsl/schema.js';
import { CodeGenerationError } from './codegen-error.js';
import type { ResolvedGenerateOptions } from './generator-options.js';
import type { OpenAIProvider } from './openai-provider.js';
import { malformedPrompt, repairPrompt, taskPrompt, type ChatMessage } from './prompt.js';
import { taskTypes, type TaskTypes } from './schema-types.js';
import { exampleTests, taskFiles } from './task-files.js';
import { templateCode, templateTests } from './template-provider.js';
import type { CodeGenerationProgress, GeneratedCode, VerificationReport } from './types.js';
import { typecheckTask, verifyTask } from './verify.js';

/** Everything one task's generation needs. */
export interface TaskJob {
  taskId: string;
  definition: TaskDefinition;
  system: SystemDefinition;
  options: ResolvedGenerateOptions;
  maxAttempts: number;
  verifyTimeoutMs: number;
  progress: (event: CodeGenerationProgress) => void;
}

interface Parts {
  code: string;
  tests: string;
  exampleTests: string;
  types: TaskTypes;
}

const filesOf = (job: TaskJob, parts: Parts) =>
  taskFiles(job.taskId, job.options.language, { code: parts.code, types: parts.types.text, tests: parts.tests, exampleTests: parts.exampleTests });

function verify(job: TaskJob, parts: Parts, attempt: number): Promise<VerificationReport> {
  return verifyTask({
    taskId: job.taskId,
    language: job.options.language,
    files: filesOf(job, parts),
    inputType: parts.types.inputName,
    outputType: parts.types.outputName,
    timeoutMs: job.verifyTimeoutMs,
    onPhase: (phase) => job.progress({ phase, subject: job.taskId, attempt }),
  });
}

function result(job: TaskJob, parts: Parts, model: string, attempts: number, history: NonNullable<GeneratedCode['history']>): GeneratedCode {
  const last = history.at(-1);
  if (!last) throw new Error('a generated task has no verified attempt');
  return {
    subject: job.taskId,
    code: parts.code,
    tests: parts.tests,
    exampleTests: parts.exampleTests,
    files: filesOf(job, parts),
    language: job.options.language,
    model,
    attempts,
    verification: last.verification,
    history,
  };
}

/**
 * Asks the model, verifies its answer, and sends the diagnostics back until an answer passes or
 * `maxAttempts` answers were asked for. An answer that is not the JSON asked for is an attempt too; when no
 * answer ever parsed, it throws `CODEGEN_PROVIDER` (reason `malformed-answer`).
 */
export async function generateWithModel(job: TaskJob, provider: OpenAIProvider): Promise<GeneratedCode> {
  const types = taskTypes(job.taskId, job.definition);
  const examples = exampleTests(job.taskId, job.definition, job.options.language);
  const messages: ChatMessage[] = taskPrompt({ taskId: job.taskId, definition: job.definition, system: job.system, language: job.options.language, options: job.options, types });
  const history: NonNullable<GeneratedCode['history']> = [];
  let best: Parts | undefined;
  let problem = '';
  let attempt = 0;
  while (attempt < job.maxAttempts) {
    attempt += 1;
    job.progress({ phase: attempt === 1 ? 'prompting' : 'repairing', subject: job.taskId, attempt });
    job.progress({ phase: 'waiting', subject: job.taskId, attempt, message: provider.model });
    const answer = await provider.complete(messages, { subject: job.taskId, attempt });
    messages.push({ role: 'assistant', content: answer.raw });
    if (answer.kind === 'malformed') {
      problem = answer.problem;
      messages.push(malformedPrompt(answer.problem));
      continue;
    }
    const parts: Parts = { code: answer.code, tests: job.options.includeTests ? answer.tests : '', exampleTests: examples, types };
    const verification = await verify(job, parts, attempt);
    history.push({ attempt, verification });
    best = parts;
    if (verification.passed) break;
    if (attempt < job.maxAttempts) messages.push(repairPrompt(verification, attempt, job.maxAttempts));
  }
  if (!best) {
    throw new CodeGenerationError('CODEGEN_PROVIDER', `The model never answered "${job.taskId}" with the JSON asked for (${attempt} attempt${attempt === 1 ? '' : 's'}); the last answer: ${problem}`, {
      subject: job.taskId,
      reason: 'malformed-answer',
      attempt,
    });
  }
  const done = result(job, best, provider.model, attempt, history);
  job.progress({ phase: 'done', subject: job.taskId, attempt, message: done.verification.passed ? 'verified' : 'verification failed' });
  return done;
}

/** The template's skeleton and tests for a task, without a model. */
export function templateParts(job: TaskJob): Parts {
  const types = taskTypes(job.taskId, job.definition);
  const { language } = job.options;
  return {
    code: templateCode(job.taskId, job.definition, { input: types.inputName, output: types.outputName }, language, job.options),
    tests: job.options.includeTests ? templateTests(job.taskId, job.definition, language, job.options) : '',
    exampleTests: exampleTests(job.taskId, job.definition, language),
    types,
  };
}

/** The template's skeleton, verified like a model's answer. */
export async function generateWithTemplate(job: TaskJob): Promise<GeneratedCode> {
  const parts = templateParts(job);
  job.progress({ phase: 'prompting', subject: job.taskId, attempt: 1, message: 'template' });
  const verification = await verify(job, parts, 1);
  const done = result(job, parts, 'template', 1, [{ attempt: 1, verification }]);
  job.progress({ phase: 'done', subject: job.taskId, attempt: 1, message: verification.passed ? 'verified' : 'verification failed' });
  return done;
}

/**
 * The template's skeleton with only its type check; the flow runs every test in one go and fills the tests
 * in (one vitest run for the whole flow instead of one per task).
 */
export function templateTypechecked(job: TaskJob): GeneratedCode {
  const parts = templateParts(job);
  job.progress({ phase: 'typecheck', subject: job.taskId, attempt: 1 });
  const typecheck = typecheckTask({ taskId: job.taskId, language: job.options.language, files: filesOf(job, parts), inputType: parts.types.inputName, outputType: parts.types.outputName });
  const verification: VerificationReport = { passed: typecheck.passed, typecheck, tests: { passed: true, total: 0, failed: 0, failures: [] } };
  return result(job, parts, 'template', 1, [{ attempt: 1, verification }]);
}
