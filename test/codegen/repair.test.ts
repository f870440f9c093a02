import { afterEach, describe, expect, it } from 'vitest';
import { CodeGenerator, type CodeGenerationProgress } from '../../src/codegen/index.js';
import { startOpenAIServer, type ScriptedOpenAIServer, type ScriptedResponse } from '../support/openai-server.js';
import { addTaxCorrect, addTaxWrongMath, addTaxWrongType, shop, slugifyCorrect } from './fixtures.js';

let server: ScriptedOpenAIServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function generatorFor(script: ScriptedResponse[], options: ConstructorParameters<typeof CodeGenerator>[0] = {}) {
  server = await startOpenAIServer(script);
  return new CodeGenerator({ apiKey: 'test-key', baseURL: server.baseURL, model: 'test-model', ...options });
}

const lastMessage = (request: number) => server!.requests[request]!.body.messages!.at(-1)!.content;

// Each verification that reaches the tests starts vitest in a child process: seconds each.
describe('verification and repair', { timeout: 90_000 }, () => {
  it('sends the type errors back, and verifies the repaired answer with its tests and the examples', async () => {
    const progress: CodeGenerationProgress[] = [];
    const generator = await generatorFor([{ answer: addTaxWrongType }, { answer: addTaxCorrect }], { onProgress: (event) => progress.push(event) });
    const result = await generator.generateTaskCode('addTax', shop);

    expect(result).toMatchObject({ subject: 'addTax', attempts: 2, model: 'test-model', code: addTaxCorrect.code, tests: addTaxCorrect.tests });
    expect(result.verification).toEqual({ passed: true, typecheck: { passed: true, diagnostics: [] }, tests: { passed: true, total: 2, failed: 0, failures: [] } });
    const first = result.history?.[0]?.verification;
    expect(first?.passed).toBe(false);
    expect(first?.typecheck.diagnostics).toEqual([expect.stringMatching(/^addTax\.ts\(4,12\): error TS2322: Type 'string' is not assignable to type 'number'\./)]);
    expect(first?.tests).toEqual({ passed: false, total: 0, failed: 0, failures: ['not run: the code does not type-check'] });

    // The repair request carries the conversation so far and the compiler's words.
    expect(server!.requests).toHaveLength(2);
    expect(server!.requests[1]!.body.messages!.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
    expect(server!.requests[1]!.body.messages![2]!.content).toBe(JSON.stringify(addTaxWrongType));
    expect(lastMessage(1)).toContain('did not pass verification');
    expect(lastMessage(1)).toContain("- addTax.ts(4,12): error TS2322: Type 'string' is not assignable to type 'number'.");

    expect(progress.map((p) => `${p.attempt}:${p.phase}`)).toEqual(['1:prompting', '1:waiting', '1:typecheck', '2:repairing', '2:waiting', '2:typecheck', '2:testing', '2:done']);
    expect(Object.keys(result.files)).toEqual(['addTax.types.ts', 'addTax.ts', 'addTax.test.ts', 'addTax.examples.test.ts']);
    expect(result.exampleTests).toContain('it("example 1: twenty percent"');
  });

  it('sends failing tests back (the example the code gets wrong and its own test), and returns passed=false after maxAttempts', async () => {
    const generator = await generatorFor([{ answer: addTaxWrongMath }, { answer: addTaxWrongType }], { maxAttempts: 2 });
    const result = await generator.generateTaskCode('addTax', shop);

    const first = result.history?.[0]?.verification;
    expect(first).toMatchObject({ passed: false, typecheck: { passed: true }, tests: { passed: false, total: 2, failed: 2 } });
    expect([...(first?.tests.failures ?? [])].sort()).toEqual([
      'addTax adds a quarter: AssertionError: expected { gross: 25 } to deeply equal { gross: 125 }',
      'addTax: examples example 1: twenty percent: AssertionError: expected output {"gross":12}, got {"gross":2}',
    ]);
    expect(lastMessage(1)).toContain('The type check passed, but 2 of 2 tests failed:');
    expect(lastMessage(1)).toContain('- addTax: examples example 1: twenty percent: AssertionError: expected output {"gross":12}, got {"gross":2}');

    // The second answer does not type-check either: the result says so, it does not throw.
    expect(result).toMatchObject({ attempts: 2, code: addTaxWrongType.code, verification: { passed: false, typecheck: { passed: false } } });
    expect(result.history?.map((h) => h.verification.passed)).toEqual([false, false]);
    expect(server!.requests).toHaveLength(2);
  });

  it('asks for and runs JavaScript, checked through its JSDoc', async () => {
    const js = {
      code: `/**
 * @param {import('./addTax.types.js').AddTaxInput} input
 * @returns {Promise<import('./addTax.types.js').AddTaxOutput>}
 */
export default async function addTax(input) {
  return { gross: Math.round(input.net * (1 + input.rate) * 100) / 100 };
}
`,
      tests: '',
    };
    const wrong = { code: js.code.replace('input.net *', 'input.nett *'), tests: '' };
    const generator = await generatorFor([{ answer: wrong }, { answer: js }]);
    const result = await generator.generateTaskCode('addTax', shop, { language: 'javascript', includeTests: false });
    expect(result.history?.[0]?.verification.typecheck.diagnostics).toEqual([expect.stringMatching(/^addTax\.js\(6,\d+\): error TS2551: Property 'nett' does not exist on type/)]);
    expect(result).toMatchObject({ language: 'javascript', attempts: 2, verification: { passed: true, tests: { total: 1 } } });
    expect(Object.keys(result.files)).toEqual(['addTax.types.d.ts', 'addTax.js', 'addTax.examples.test.js']);
    expect(server!.requests[0]!.body.messages![1]!.content).toContain("@param {import('./addTax.types.js').AddTaxInput} input");
  });

  it('generates every task of a flow, then runs the flow on the runtime with them', async () => {
    const generator = await generatorFor([{ answer: addTaxCorrect }, { answer: slugifyCorrect }]);
    const result = await generator.generateFlowCode('price', shop);

    expect(Object.keys(result.tasks)).toEqual(['addTax', 'slugify']);
    expect(result.tasks.addTax?.verification.passed).toBe(true);
    expect(result.tasks.slugify?.verification.passed).toBe(true);
    // addTax's own test and its example, and the flow test.
    expect(result).toMatchObject({ subject: 'price', model: 'test-model', attempts: 2, verification: { passed: true, tests: { total: 3, failed: 0 } } });
    // The module registers the implementations and the flow; the flow test runs through register(runtime).
    expect(result.code).toContain("import addTax from './addTax.js';\nimport slugify from './slugify.js';");
    expect(result.code).toContain('export const implementations = {\n  addTax,\n  slugify,\n};');
    expect(result.code).toContain('  runtime.registerTaskImplementations(implementations);\n  runtime.registerFlow(flow);\n}');
    expect(result.code).toMatch(/\nexport default implementations;\n$/);
    expect(result.tests).toContain('register(t.runtime);');
    expect(result.tests).toContain("const input = sampleFromSchema({");
    expect(result.tests).toContain('expect(result.success).toBe(true);');
    expect(Object.keys(result.files)).toEqual(['addTax.types.ts', 'addTax.ts', 'addTax.test.ts', 'addTax.examples.test.ts', 'slugify.types.ts', 'slugify.ts', 'price.flow.ts', 'price.flow.test.ts']);
    expect(server!.requests.map((r) => r.body.messages![1]!.content.split('\n')[0])).toEqual([
      'Write the TypeScript implementation of task "addTax" of system "shop" (A shop).',
      'Write the TypeScript implementation of task "slugify" of system "shop" (A shop).',
    ]);
  });
});
