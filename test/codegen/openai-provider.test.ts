import OpenAI from 'openai';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CodeGenerationError, CodeGenerator } from '../../src/codegen/index.js';
import { NotFoundError } from '../../src/errors.js';
import { startOpenAIServer, type ScriptedOpenAIServer, type ScriptedResponse } from '../support/openai-server.js';
import { shop, slugifyCorrect } from './fixtures.js';

// These tests never reach vitest verification: slugify has no examples, and no tests are asked for, so an
// answer is verified by the type check alone.
let server: ScriptedOpenAIServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  vi.unstubAllEnvs();
});

async function generatorFor(script: ScriptedResponse[], options: ConstructorParameters<typeof CodeGenerator>[0] = {}) {
  server = await startOpenAIServer(script);
  return new CodeGenerator({ apiKey: 'test-key', baseURL: server.baseURL, model: 'test-model', ...options });
}

async function failure(promise: Promise<unknown>): Promise<CodeGenerationError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CodeGenerationError);
  return error as CodeGenerationError;
}

const slugify = (generator: CodeGenerator) => generator.generateTaskCode('slugify', shop, { includeTests: false });

// The first type check of a process loads TypeScript's libs and @types/node: seconds on a busy machine.
describe('CodeGenerator with the openai provider', { timeout: 30_000 }, () => {
  it('asks for structured output with the strict {code, tests} schema, and verifies the answer', async () => {
    const generator = await generatorFor([{ answer: slugifyCorrect }]);
    const result = await slugify(generator);
    expect(result).toMatchObject({ subject: 'slugify', model: 'test-model', language: 'typescript', attempts: 1, code: slugifyCorrect.code, tests: '' });
    expect(result.verification).toEqual({ passed: true, typecheck: { passed: true, diagnostics: [] }, tests: { passed: true, total: 0, failed: 0, failures: [] } });
    expect(Object.keys(result.files)).toEqual(['slugify.types.ts', 'slugify.ts']);
    const [request] = server!.requests;
    expect(request?.url).toBe('/v1/chat/completions');
    expect(request?.headers.authorization).toBe('Bearer test-key');
    expect(request?.body.model).toBe('test-model');
    expect(request?.body.response_format).toEqual({
      type: 'json_schema',
      json_schema: {
        name: 'task_implementation',
        strict: true,
        schema: expect.objectContaining({ required: ['code', 'tests'], additionalProperties: false }),
      },
    });
    expect(request?.body.messages?.map((m) => m.role)).toEqual(['system', 'user']);
  });

  it('reads the model, key and base URL from OPENAI_MODEL, OPENAI_API_KEY and OPENAI_BASE_URL', async () => {
    server = await startOpenAIServer([{ answer: slugifyCorrect }]);
    vi.stubEnv('OPENAI_API_KEY', 'env-key');
    vi.stubEnv('OPENAI_BASE_URL', server.baseURL);
    vi.stubEnv('OPENAI_MODEL', 'env-model');
    const result = await slugify(new CodeGenerator());
    expect(result.model).toBe('env-model');
    expect(server.requests[0]?.headers.authorization).toBe('Bearer env-key');
    expect(server.requests[0]?.body.model).toBe('env-model');
  });

  it('uses an injected client', async () => {
    server = await startOpenAIServer([{ answer: slugifyCorrect }]);
    const client = new OpenAI({ apiKey: 'injected', baseURL: server.baseURL });
    const result = await slugify(new CodeGenerator({ client, model: 'm' }));
    expect(result.verification.passed).toBe(true);
    expect(server.requests[0]?.headers.authorization).toBe('Bearer injected');
  });

  it('honours retry-after on a 429: the client waits as told, then the second request succeeds', async () => {
    const generator = await generatorFor([{ status: 429, headers: { 'retry-after': '0.05' }, error: 'slow down' }, { answer: slugifyCorrect }]);
    const result = await slugify(generator);
    expect(result.verification.passed).toBe(true);
    expect(result.attempts).toBe(1);
    expect(server!.requests).toHaveLength(2);
    const waited = server!.requests[1]!.at - server!.requests[0]!.at;
    // 50ms asked; the client's own backoff would be 375–500ms.
    expect(waited).toBeGreaterThanOrEqual(45);
    expect(waited).toBeLessThan(375);
  });

  it('gives up on a 429 after maxRetries with CODEGEN_PROVIDER and the status', async () => {
    const generator = await generatorFor(
      [
        { status: 429, headers: { 'retry-after': '0' } },
        { status: 429, headers: { 'retry-after': '0' } },
      ],
      { maxRetries: 1 },
    );
    const error = await failure(slugify(generator));
    expect(error).toMatchObject({ code: 'CODEGEN_PROVIDER', reason: 'http', status: 429, subject: 'slugify', attempt: 1 });
    expect(error.message).toMatch(/answered HTTP 429 \(after the client retried it\)/);
    expect(server!.requests).toHaveLength(2);
  });

  it('does not retry a 401, and says so', async () => {
    const generator = await generatorFor([{ status: 401, error: 'Incorrect API key' }]);
    const error = await failure(slugify(generator));
    expect(error).toMatchObject({ code: 'CODEGEN_PROVIDER', reason: 'http', status: 401 });
    expect(error.message).toContain('Incorrect API key');
    expect(server!.requests).toHaveLength(1);
  });

  it('times out a request that takes longer than requestTimeoutMs', async () => {
    const generator = await generatorFor([{ answer: slugifyCorrect, delayMs: 5_000 }], { requestTimeoutMs: 300, maxRetries: 0 });
    const started = performance.now();
    const error = await failure(slugify(generator));
    expect(error).toMatchObject({ code: 'CODEGEN_PROVIDER', reason: 'timeout', attempt: 1 });
    expect(error.message).toMatch(/did not answer within 300ms/);
    expect(performance.now() - started).toBeLessThan(3_000);
  });

  it('stops at a refusal, with the model’s words', async () => {
    const generator = await generatorFor([{ refusal: 'I cannot help with that.' }, { answer: slugifyCorrect }]);
    const error = await failure(slugify(generator));
    expect(error).toMatchObject({ code: 'CODEGEN_PROVIDER', reason: 'refusal', subject: 'slugify' });
    expect(error.message).toContain('I cannot help with that.');
    expect(server!.requests).toHaveLength(1);
  });

  it('sends a malformed answer back, and recovers when the next one parses', async () => {
    const generator = await generatorFor([{ content: '```json\n{"code": "oops"' }, { answer: slugifyCorrect }]);
    const result = await slugify(generator);
    expect(result).toMatchObject({ attempts: 2, verification: { passed: true } });
    // Only answers that parsed were verified.
    expect(result.history?.map((h) => h.attempt)).toEqual([2]);
    const messages = server!.requests[1]!.body.messages!;
    expect(messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
    expect(messages[2]?.content).toBe('```json\n{"code": "oops"');
    expect(messages[3]?.content).toMatch(/^Your answer was not the JSON object asked for: it is not valid JSON/);
  });

  it('throws CODEGEN_PROVIDER when no answer parses within maxAttempts (extra keys and missing ones count)', async () => {
    const generator = await generatorFor(
      [{ answer: { code: 'export default 1;', tests: '', notes: 'extra' } }, { answer: { code: 'export default 1;' } }, { content: 'Sure! Here is the code.' }],
      { maxAttempts: 3 },
    );
    const error = await failure(slugify(generator));
    expect(error).toMatchObject({ code: 'CODEGEN_PROVIDER', reason: 'malformed-answer', attempt: 3 });
    expect(error.message).toMatch(/never answered "slugify" with the JSON asked for \(3 attempts\); the last answer: it is not valid JSON/);
    const repairs = server!.requests.slice(1).map((r) => r.body.messages!.at(-1)!.content);
    expect(repairs[0]).toMatch(/Unrecognized key: "notes"/);
    expect(repairs[1]).toMatch(/tests: Invalid input: expected string, received undefined/);
  });

  it('needs an API key unless a base URL is set', async () => {
    vi.stubEnv('OPENAI_API_KEY', '');
    vi.stubEnv('OPENAI_BASE_URL', '');
    const error = await failure(slugify(new CodeGenerator()));
    expect(error).toMatchObject({ code: 'CODEGEN_PROVIDER', reason: 'no-api-key' });
    expect(error.message).toMatch(/OPENAI_API_KEY/);
  });

  it('rejects an unknown task or flow with NotFoundError before asking anything', async () => {
    const generator = await generatorFor([]);
    await expect(generator.generateTaskCode('nope', shop)).rejects.toSatisfy((e) => e instanceof NotFoundError && e.code === 'UNKNOWN_TASK' && /known tasks: addTax, slugify/.test(e.message));
    await expect(generator.generateFlowCode('nope', shop)).rejects.toMatchObject({ code: 'UNKNOWN_FLOW' });
    expect(server!.requests).toHaveLength(0);
  });

  it('checks its options', () => {
    expect(() => new CodeGenerator({ maxAttempts: 0 })).toThrow(/maxAttempts must be an integer of at least 1; got 0/);
    expect(() => new CodeGenerator({ requestTimeoutMs: 1.5 })).toThrow(/requestTimeoutMs/);
  });

  it('puts addTax’s contract into the prompt', async () => {
    // A refusal ends it at once: the prompt is what this test reads.
    const generator = await generatorFor([{ refusal: 'no' }]);
    await failure(generator.generateTaskCode('addTax', shop, { includeTests: false }));
    const user = server!.requests[0]!.body.messages![1]!.content;
    for (const part of [
      'task "addTax" of system "shop"',
      'Description: Adds VAT at the given rate to a net amount, rounded to cents',
      'Input schema: {"type":"object","required":["net","rate"]',
      'Retry: 2 attempts in all, exponential backoff from 10ms; never retried: InvalidRate. Timeout: 1s per attempt.',
      '"output": {\n          "gross": 12',
      'export type AddTaxInput = {',
      'export default async function addTax(input: AddTaxInput): Promise<AddTaxOutput>',
      "import { getTaskContext } from 'runtime-core'",
      'idempotencyKey',
      "new TaskFailure('InvalidRate'",
      'Tests: none are asked for',
    ]) {
      expect(user).toContain(part);
    }
  });
});
