// The public shapes of code generation: options, results and the verification report.
import type OpenAI from 'openai';

/** Where the code comes from: an OpenAI-compatible model, or a typed skeleton built offline from the examples. */
export type CodeGenerationProvider = 'openai' | 'template';

/** The language of the generated implementation and its tests. */
export type CodeLanguage = 'typescript' | 'javascript';

/** What the generator is doing; `subject` is the task or flow id, `attempt` counts from 1. */
export interface CodeGenerationProgress {
  phase: 'prompting' | 'waiting' | 'typecheck' | 'testing' | 'repairing' | 'done';
  subject: string;
  attempt: number;
  message?: string;
}

/** How a {@link CodeGenerator} talks to its model and checks what it gets back. */
export interface CodeGeneratorOptions {
  /** @default 'openai' */
  provider?: CodeGenerationProvider;
  /** @default process.env.OPENAI_MODEL ?? 'gpt-4o-mini' */
  model?: string;
  /** @default process.env.OPENAI_API_KEY */
  apiKey?: string;
  /** Any OpenAI-compatible server: a local model server, a proxy. @default process.env.OPENAI_BASE_URL (else OpenAI's) */
  baseURL?: string;
  /** An `openai` client to use instead of creating one; `apiKey` and `baseURL` are then ignored (`requestTimeoutMs` and `maxRetries` still apply to each request). */
  client?: OpenAI;
  /** Generation and repair attempts in all, the first included. @default 3 */
  maxAttempts?: number;
  /** Time limit of one model request, in milliseconds. @default 120000 */
  requestTimeoutMs?: number;
  /** Retries of one model request after a 408, 409, 429 or 5xx answer or a lost connection (the `openai` client's own, honouring `retry-after`). @default 2 */
  maxRetries?: number;
  /** Time limit of one vitest child process, in milliseconds. @default 60000 */
  verifyTimeoutMs?: number;
  /** Called at each phase of each attempt. */
  onProgress?: (event: CodeGenerationProgress) => void;
}

/** What to generate for one task or flow. */
export interface GenerateOptions {
  /** @default 'typescript' */
  language?: CodeLanguage;
  /** Ask for TSDoc/JSDoc and short comments in the code. @default true */
  includeComments?: boolean;
  /** Ask the model for tests of its own (the task's examples are always tested). @default true */
  includeTests?: boolean;
  /** Ask for abort-signal handling and non-retryable errors as the task's retry policy names them. @default true */
  includeErrorHandling?: boolean;
}

/** What verification found: the type check, then the tests (the model's and the task's examples). */
export interface VerificationReport {
  /** Both the type check and the tests passed. */
  passed: boolean;
  typecheck: { passed: boolean; diagnostics: string[] };
  tests: {
    passed: boolean;
    total: number;
    failed: number;
    /** One line per failing test (`name: message`), or why the tests could not run. */
    failures: string[];
    /** The vitest child's output, trimmed, when it did not produce a report. */
    output?: string;
  };
}

/** The code generated for a task (or a flow), and what verification made of it. */
export interface GeneratedCode {
  /** The task id, or the flow id. */
  subject: string;
  /**
   * The implementation: an ES module whose default export is the task function `(input) => output`, which
   * may call `getTaskContext()` from `runtime-core`. For a flow: a module whose default export is the record
   * `{ [taskId]: implementation }`, ready for `runtime.registerTaskImplementations`.
   */
  code: string;
  /**
   * The tests (vitest) the provider wrote, importing the implementation as `./<task>.js`; empty when none.
   * The template provider's test checks the skeleton's answer to an input no example has.
   */
  tests: string;
  /** Tests the generator writes from the task's `examples` (not from the model); empty when it has none. */
  exampleTests: string;
  /**
   * Every file of the result, by name, ready to be written into one folder: `<task>.ts` (or `.js`) the code,
   * `<task>.types.ts` (`.types.d.ts` for JavaScript) the input and output types, `<task>.test.ts` and
   * `<task>.examples.test.ts`. A flow's holds every task's files, `<flow>.ts` and `<flow>.flow.test.ts`.
   */
  files: Record<string, string>;
  language: CodeLanguage;
  /** The model that wrote it; `'template'` for the template provider. */
  model: string;
  /** Model answers asked for, the first included (for a flow: the sum over its tasks; 1 for the template provider). */
  attempts: number;
  /** The verification of the last attempt. */
  verification: VerificationReport;
  /** Every attempt's verification, in order. */
  history?: Array<{ attempt: number; verification: VerificationReport }>;
}

/** A flow's code: every task it uses, generated one by one, and a test that runs the flow on the runtime. */
export interface GeneratedFlowCode extends GeneratedCode {
  /** The code of each task the flow uses (sub-flows included), by task id. */
  tasks: Record<string, GeneratedCode>;
}
