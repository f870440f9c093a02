// The README's form of code generation offline (the template provider), and the standalone functions.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CodeGenerationError, CodeGenerator, generateFlowCode, generateTaskCode, NotFoundError } from '../../src/index.js';
import { shop } from './fixtures.js';

/** Neither a key nor a server: the template must not need them, and the openai provider must say it has none. */
function offline(): void {
  vi.stubEnv('OPENAI_API_KEY', '');
  vi.stubEnv('OPENAI_BASE_URL', '');
}
afterEach(() => vi.unstubAllEnvs());

const README_OPTIONS = { language: 'typescript', includeComments: true, includeTests: true, includeErrorHandling: true } as const;

// Each generation with tests is one vitest run in a child process: seconds each.
describe('the README form with the template provider', { timeout: 90_000 }, () => {
  it('takes the task definition and writes TSDoc, tests and input checks that throw non-retryable TaskFailures', async () => {
    offline();
    const system = shop;
    const codeGenerator = new CodeGenerator({ provider: 'template' });
    const taskCode = await codeGenerator.generateTaskCode(system.tasks!['addTax']!, system, README_OPTIONS);

    expect(taskCode.subject).toBe('addTax');
    expect(taskCode.code).toContain("import { TaskFailure } from 'runtime-core';");
    expect(taskCode.code).toMatch(/\/\*\*\n \* Adds VAT at the given rate to a net amount, rounded to cents\n \* Retry: 2 attempts in all[^\n]*\n[^\n]*\n \* @throws InvalidInput \(code INVALID_INPUT\)[^\n]*\n \*\/\nexport default async function addTax/);
    expect(taskCode.code).toContain('  checkInput(input);\n');
    expect(taskCode.code).toContain('"required": [\n    "net",\n    "rate"\n  ]');
    expect(taskCode.tests).toContain("it('fails with InvalidInput, not retried, for input its schema does not allow'");
    // The tests ran: the skeleton's two (NotImplemented for a sample, InvalidInput for null) and the example.
    expect(taskCode.verification).toEqual({ passed: true, typecheck: { passed: true, diagnostics: [] }, tests: { passed: true, total: 3, failed: 0, failures: [] } });
  });

  it('leaves out comments, input checks and tests when they are not asked for', async () => {
    offline();
    // slugify has no examples: without tests this is a type check alone.
    const result = await new CodeGenerator({ provider: 'template' }).generateTaskCode('slugify', shop, { includeComments: false, includeTests: false, includeErrorHandling: false });
    expect(result.code).not.toContain('/**');
    expect(result.code).not.toContain('TaskFailure');
    expect(result.code).not.toContain('checkInput');
    expect(result.tests).toBe('');
    expect(Object.keys(result.files)).toEqual(['slugify.types.ts', 'slugify.ts']);
    expect(result.verification).toMatchObject({ passed: true, tests: { total: 0 } });
  });

  it('keeps the JSDoc types of JavaScript without comments, so it still type-checks', async () => {
    offline();
    const result = await new CodeGenerator({ provider: 'template' }).generateTaskCode('slugify', shop, { language: 'javascript', includeComments: false, includeTests: false });
    expect(result.code).toContain("/**\n * @param {import('./slugify.types.js').SlugifyInput} input\n * @returns {Promise<import('./slugify.types.js').SlugifyOutput>}\n */\nexport default async function slugify(input) {");
    expect(result.code).not.toContain('Written by the runtime-core template');
    expect(result.verification.typecheck).toEqual({ passed: true, diagnostics: [] });
  });
});

describe('generateTaskCode (standalone)', { timeout: 90_000 }, () => {
  it('resolves { success, code, tests } for a task definition', async () => {
    offline();
    const result = await generateTaskCode(shop.tasks!['slugify']!, shop, { provider: 'template' });
    expect(result.success).toBe(true);
    expect(result.subject).toBe('slugify');
    expect(result.code).toContain('export default async function slugify(input: SlugifyInput): Promise<SlugifyOutput> {');
    expect(result.tests).toContain("import slugify from './slugify.js';");
    expect(result.verification.tests).toMatchObject({ passed: true, total: 2 });
  });

  it('has no tests field when no tests are asked for', async () => {
    offline();
    const result = await generateTaskCode('slugify', shop, { provider: 'template', includeTests: false });
    expect(result).toMatchObject({ success: true, subject: 'slugify' });
    expect('tests' in result).toBe(false);
  });

  it('rejects an unknown task with UNKNOWN_TASK', async () => {
    await expect(generateTaskCode('refund', shop, { provider: 'template' })).rejects.toSatisfy(
      (e) => e instanceof NotFoundError && e.code === 'UNKNOWN_TASK' && e.message === 'Unknown task "refund" in system "shop"; known tasks: addTax, slugify',
    );
  });

  it('rejects without OPENAI_API_KEY and no provider, naming the template provider', async () => {
    offline();
    await expect(generateTaskCode('slugify', shop)).rejects.toSatisfy(
      (e) => e instanceof CodeGenerationError && e.code === 'CODEGEN_PROVIDER' && e.reason === 'no-api-key' && e.message.includes("template provider ({ provider: 'template' })"),
    );
  });
});

describe('generateFlowCode (standalone)', { timeout: 90_000 }, () => {
  it('resolves code that registers the flow and its tasks, and its test runs register(runtime)', async () => {
    offline();
    const result = await generateFlowCode('price', shop, { provider: 'template' });
    expect(result.success).toBe(true);
    expect(Object.keys(result.tasks)).toEqual(['addTax', 'slugify']);
    expect(result.code).toContain("import type { FlowDefinition, ReactiveSystemRuntime } from 'runtime-core';");
    expect(result.code).toContain('export const implementations = {\n  addTax,\n  slugify,\n};');
    expect(result.code).toContain('export const flow: FlowDefinition & { id: string } = {\n  "id": "price",');
    expect(result.code).toContain(
      "export function register(runtime: Pick<ReactiveSystemRuntime, 'registerFlow' | 'registerTaskImplementations'>): void {\n  runtime.registerTaskImplementations(implementations);\n  runtime.registerFlow(flow);\n}",
    );
    expect(result.tests).toContain('register(t.runtime);');
    expect(result.files['price.flow.ts']).toBe(result.code);
  });

  it('rejects an unknown flow with UNKNOWN_FLOW', async () => {
    await expect(generateFlowCode('checkout', shop, { provider: 'template' })).rejects.toSatisfy(
      (e) => e instanceof NotFoundError && e.code === 'UNKNOWN_FLOW' && e.message === 'Unknown flow "checkout" in system "shop"; known flows: price',
    );
  });
});
