// generateTaskCode given the task's definition object, as the original README passes it, against the scripted model server.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CodeGenerationError, CodeGenerator, defineSystem, NotFoundError, UsageError } from '../../src/index.js';
import { startOpenAIServer, type ScriptedOpenAIServer } from '../support/openai-server.js';
import { shop, slugifyCorrect } from './fixtures.js';

let server: ScriptedOpenAIServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  vi.unstubAllEnvs();
});

async function generator(answers: number): Promise<CodeGenerator> {
  server = await startOpenAIServer(Array.from({ length: answers }, () => ({ answer: slugifyCorrect })));
  return new CodeGenerator({ apiKey: 'test-key', baseURL: server.baseURL, model: 'test-model' });
}

const userPrompt = (i: number): string => server?.requests[i]?.body.messages?.[1]?.content ?? '';

// slugify has no examples and no tests are asked for: each answer is verified by the type check alone.
describe('generateTaskCode with a task definition', { timeout: 30_000 }, () => {
  it('matches the system’s own object to its id', async () => {
    const result = await (await generator(1)).generateTaskCode(shop.tasks!['slugify']!, shop, { language: 'typescript', includeComments: true, includeTests: false, includeErrorHandling: true });
    expect(result).toMatchObject({ subject: 'slugify', code: slugifyCorrect.code, tests: '', model: 'test-model' });
    expect(result.verification.passed).toBe(true);
    expect(userPrompt(0)).toContain('Write the TypeScript implementation of task "slugify" of system "shop"');
  });

  it('matches an equal copy of a definition by deep equality', async () => {
    const result = await (await generator(1)).generateTaskCode(structuredClone(shop.tasks!['slugify']!), shop, { includeTests: false });
    expect(result.subject).toBe('slugify');
  });

  it('rejects a definition no task of the system has with UNKNOWN_TASK, before asking the model', async () => {
    const g = await generator(0);
    const error: unknown = await g.generateTaskCode({ description: 'Not in the shop' }, shop).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ code: 'UNKNOWN_TASK', available: ['addTax', 'slugify'] });
    expect((error as Error).message).toBe(
      'Unknown task "(definition: Not in the shop)" in system "shop": the definition given is none of the system\'s tasks (neither the same object nor an equal one); known tasks: addTax, slugify',
    );
    expect((error as Error).message).not.toContain('[object Object]');
    expect(server!.requests).toHaveLength(0);
  });

  it('refuses a copy equal to two tasks (ambiguous), but takes either one’s own object', async () => {
    const twins = defineSystem({ id: 'twins', tasks: { a: { description: 'same' }, b: { description: 'same' } } });
    const g = await generator(0);
    await expect(g.generateTaskCode({ description: 'same' }, twins, { includeTests: false })).rejects.toSatisfy(
      (e) => e instanceof UsageError && e.code === 'INVALID_ARGUMENT' && /equal to tasks "a", "b" in system "twins"; pass the task id/.test(e.message),
    );
    expect(server!.requests).toHaveLength(0);
    // The model refuses at once: the request shows which task was meant.
    server!.push({ refusal: 'no' });
    await expect(g.generateTaskCode(twins.tasks!['b']!, twins, { includeTests: false })).rejects.toMatchObject({ code: 'CODEGEN_PROVIDER', reason: 'refusal', subject: 'b' });
    expect(userPrompt(0)).toContain('task "b" of system "twins"');
  });

  it('maps includeComments, includeErrorHandling and includeTests onto the prompt', async () => {
    const g = await generator(2);
    await g.generateTaskCode('slugify', shop, { includeComments: true, includeErrorHandling: true, includeTests: false });
    await g.generateTaskCode('slugify', shop, { includeComments: false, includeErrorHandling: false, includeTests: false });
    expect(userPrompt(0)).toContain('- A TSDoc comment on the exported function');
    expect(userPrompt(0)).toContain("throw `new TaskFailure('InvalidInput', 'what is wrong', { code: 'INVALID_INPUT', nonRetryable: true })` for bad input");
    expect(userPrompt(0)).toContain('- Tests: none are asked for; answer with "tests": "".');
    expect(userPrompt(1)).toContain('- No comments beyond what a reader cannot do without.');
    expect(userPrompt(1)).toContain('- Keep error handling minimal: let unexpected errors propagate.');
    expect(userPrompt(1)).not.toContain("TaskFailure('InvalidInput'");
  });
});

describe('new CodeGenerator() without arguments', () => {
  it('has no key without OPENAI_API_KEY, and says so, naming the offline template provider', async () => {
    vi.stubEnv('OPENAI_API_KEY', '');
    vi.stubEnv('OPENAI_BASE_URL', '');
    const error: unknown = await new CodeGenerator().generateTaskCode(shop.tasks!['addTax']!, shop).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CodeGenerationError);
    expect(error).toMatchObject({ code: 'CODEGEN_PROVIDER', reason: 'no-api-key', subject: 'addTax' });
    expect((error as Error).message).toMatch(/^OPENAI_API_KEY is not set and no apiKey was given, so the 'openai' provider \(the default when no provider is given\) cannot reach a model/);
    expect((error as Error).message).toContain("the template provider ({ provider: 'template' })");
  });
});
