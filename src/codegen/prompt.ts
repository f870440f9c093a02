// The prompt: what a task takes, returns and promises, the implementation contract, and the repair requests.
import type { SystemDefinition, TaskDefinition } from '../dsl/schema.js';
import { jsonLiteral, taskFileNames } from './task-files.js';
import { retrySummary, timeoutSummary } from './task-summary.js';
import type { CodeLanguage, GenerateOptions, VerificationReport } from './types.js';

/** One message of the conversation with the model. */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** The structured output asked for: the module and its tests, nothing else. */
export const ANSWER_SCHEMA = {
  type: 'object',
  properties: {
    code: { type: 'string', description: 'The complete implementation module' },
    tests: { type: 'string', description: 'The complete vitest test module, or an empty string when no tests are asked for' },
  },
  required: ['code', 'tests'],
  additionalProperties: false,
} as const;

/** What the prompt is built from. */
export interface TaskPromptInput {
  taskId: string;
  definition: TaskDefinition;
  system: SystemDefinition;
  language: CodeLanguage;
  options: GenerateOptions;
  types: { inputName: string; outputName: string; text: string };
}

const SYSTEM_PROMPT = `You write task implementations for runtime-core, a TypeScript runtime for reactive systems whose tasks are async functions with input and output schemas, retry and timeout.
Your code is type-checked with the TypeScript compiler (strict) and its tests are run with vitest before anyone uses it. Answer with a JSON object {"code": "...", "tests": "..."} and nothing else: both values are complete ES modules as plain source text, without Markdown fences.`;

function contract(p: TaskPromptInput): string[] {
  const names = taskFileNames(p.taskId, p.language);
  const { inputName, outputName } = p.types;
  const ts = p.language === 'typescript';
  const nonRetryable = p.definition.retry?.nonRetryable ?? [];
  return [
    `- The module is saved as ${names.implementation}. Its default export is the implementation: ${ts ? `\`export default async function ${names.identifier}(input: ${inputName}): Promise<${outputName}>\`` : `\`export default async function ${names.identifier}(input)\` with JSDoc \`@param {import('${names.typesImportPath}').${inputName}} input\` and \`@returns {Promise<import('${names.typesImportPath}').${outputName}>}\`; give every other function parameter a JSDoc type too (the JavaScript is type-checked strictly)`}.`,
    `- ${ts ? `Import the types with \`import type { ${inputName}, ${outputName} } from '${names.typesImportPath}';\`` : `The types live in ${names.typesImportPath.slice(2).replace(/\.js$/, '.d.ts')}; refer to them with import() types in JSDoc`}. They are generated from the task's schemas:\n\n${indentBlock(p.types.text)}`,
    '- The runtime calls it with the input alone and checks the output against the output schema. The output must be JSON data (no Date, Map, class instances or functions).',
    "- `import { getTaskContext } from 'runtime-core'` gives, inside a call, `{ signal, attempt, idempotencyKey, taskId, instanceId, emit }`: `signal` (an AbortSignal) fires on timeout and on cancel; pass it to fetch and other I/O. Pass `idempotencyKey` to services that accept one, so a repeated attempt does no work twice. `getTaskContext()` throws outside a task call.",
    "- From 'runtime-core' import only `getTaskContext`, the type `TaskContext` and `TaskFailure`. Node's built-in modules (`node:crypto`, ...) and the globals of Node 20 (fetch, AbortSignal, structuredClone) are available; no other package is installed.",
    `- Errors: throw an Error whose \`name\` (or \`code\`) says what went wrong; the runtime retries it (${retrySummary(p.definition)}).${nonRetryable.length ? ` Errors named ${nonRetryable.map((n) => `\`${n}\``).join(', ')} are never retried: throw them for failures that another attempt cannot fix, e.g. \`throw new TaskFailure('${nonRetryable[0]}', 'why', { nonRetryable: true })\` (TaskFailure(name, message, { code?, nonRetryable? }) from 'runtime-core').` : ' Mark an error that another attempt cannot fix with `nonRetryable: true` (or throw `new TaskFailure(name, message, { nonRetryable: true })` from \'runtime-core\').'}`,
  ];
}

function testContract(p: TaskPromptInput): string {
  const names = taskFileNames(p.taskId, p.language);
  if (p.options.includeTests === false) return '- Tests: none are asked for; answer with "tests": "".';
  return [
    `- Tests: a vitest module saved as ${names.tests}, importing \`{ describe, it, expect } from 'vitest'\` and the implementation as \`import ${names.identifier} from '${names.importPath}'\`. Test what the description promises, including failures.`,
    "  Run the implementation through the runtime, so getTaskContext() works and the schemas are checked:",
    indentBlock(`import { ReactiveSystemRuntime } from 'runtime-core';
const runtime = new ReactiveSystemRuntime({ id: 'test', tasks: { ${JSON.stringify(p.taskId)}: { input: <the input schema>, output: <the output schema> } } }, { logger: {} });
runtime.registerTaskImplementation(${JSON.stringify(p.taskId)}, ${names.identifier});
const result = await runtime.executeTask(${JSON.stringify(p.taskId)}, input); // { success, output?, error?: { name, message, code? }, attempts }
runtime.stop();`),
    '  Tests must not use the network, real services or long timers; the examples above are tested separately.',
  ].join('\n');
}

const indentBlock = (text: string): string => text.trimEnd().split('\n').map((line) => `    ${line}`).join('\n');

/** The first request for a task: system and user messages. */
export function taskPrompt(p: TaskPromptInput): ChatMessage[] {
  const d = p.definition;
  const lines = [
    `Write the ${p.language === 'typescript' ? 'TypeScript' : 'JavaScript'} implementation of task "${p.taskId}" of system "${p.system.id}"${p.system.description ? ` (${p.system.description})` : ''}.`,
    '',
    `Description: ${d.description ?? '(none: infer the purpose from the id, the schemas and the examples)'}`,
    `Input schema: ${d.input ? JSON.stringify(d.input) : 'none (any input)'}`,
    `Output schema: ${d.output ? JSON.stringify(d.output) : 'none (any JSON output)'}`,
    `Retry: ${retrySummary(d)}. Timeout: ${timeoutSummary(d)}.`,
    d.examples?.length ? `Examples (input → output or error); each is run as a test against your code:\n${indentBlock(jsonLiteral(d.examples))}` : 'Examples: none.',
    '',
    'The contract:',
    ...contract(p),
    testContract(p),
    '',
    'Style:',
    p.options.includeComments === false ? '- No comments beyond what a reader cannot do without.' : '- A TSDoc comment on the exported function (what it does, what it throws) and short comments that explain why.',
    p.options.includeErrorHandling === false
      ? '- Keep error handling minimal: let unexpected errors propagate.'
      : "- Error handling: check the input (the function may be called without the runtime, which checks the schema) and throw `new TaskFailure('InvalidInput', 'what is wrong', { code: 'INVALID_INPUT', nonRetryable: true })` for bad input, since another attempt gets the same input; validate what the schema cannot express the same way; honour the abort signal; throw named errors as described above.",
  ];
  return [
    { role: 'system', content: SYSTEM_PROMPT },
    { role: 'user', content: lines.join('\n') },
  ];
}

/** The follow-up request after an answer that failed verification: every diagnostic and failure. */
export function repairPrompt(report: VerificationReport, attempt: number, maxAttempts: number): ChatMessage {
  const parts = [`Your answer (attempt ${attempt} of ${maxAttempts}) did not pass verification.`];
  if (!report.typecheck.passed) parts.push(`The TypeScript compiler reported:\n${report.typecheck.diagnostics.map((d) => `- ${d}`).join('\n')}`);
  else if (!report.tests.passed) {
    parts.push(`The type check passed, but ${report.tests.failed} of ${report.tests.total} tests failed:\n${report.tests.failures.map((f) => `- ${f}`).join('\n')}`);
    if (report.tests.output && report.tests.total === 0) parts.push(`vitest printed:\n${report.tests.output.slice(-4000)}`);
  }
  parts.push('Fix the code (or a test that contradicts the task description or its examples) and answer with the complete corrected modules in the same JSON shape: {"code": "...", "tests": "..."}.');
  return { role: 'user', content: parts.join('\n\n') };
}

/** The follow-up request after an answer that was not the JSON object asked for. */
export function malformedPrompt(problem: string): ChatMessage {
  return {
    role: 'user',
    content: `Your answer was not the JSON object asked for: ${problem}\nAnswer with exactly one JSON object {"code": "...", "tests": "..."} whose two values are strings, and nothing else.`,
  };
}
