import { describe, expect, it } from 'vitest';
import { runTests } from '../../src/codegen/run-tests.js';

describe('runTests', { timeout: 60_000 }, () => {
  it('stops a test run that outlives its time limit and says so', async () => {
    const started = performance.now();
    const report = await runTests({
      files: { 'spin.test.ts': "import { it } from 'vitest';\nit('never ends', () => {\n  for (;;) {}\n});\n" },
      timeoutMs: 3_000,
    });
    expect(report).toMatchObject({ passed: false, total: 0, failed: 0, failures: ['the tests did not finish within 3000ms; the test run was stopped'] });
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it('passes with nothing run when there are no test files', async () => {
    expect(await runTests({ files: { 'a.ts': 'export default 1;\n' }, timeoutMs: 1_000 })).toEqual({ passed: true, total: 0, failed: 0, failures: [], byFile: {} });
  });

  it('counts a test file that does not load as a failed test, with the reason', async () => {
    const report = await runTests({ files: { 'broken.test.ts': "import { it } from 'vitest';\nimport missing from './missing.js';\nit('x', () => missing);\n" }, timeoutMs: 30_000 });
    expect(report).toMatchObject({ passed: false, total: 1, failed: 1 });
    expect(report.failures[0]).toMatch(/^broken\.test\.ts: .*missing\.js/);
  });

  it('hands the tests no secrets from the environment', async () => {
    process.env.OPENAI_API_KEY = 'sk-secret-for-this-test';
    process.env.RUNTIME_CORE_TEST_TOKEN = 'token';
    try {
      const report = await runTests({
        files: {
          'env.test.ts':
            "import { expect, it } from 'vitest';\nit('sees no secrets', () => {\n  expect(process.env.OPENAI_API_KEY).toBeUndefined();\n  expect(process.env.RUNTIME_CORE_TEST_TOKEN).toBeUndefined();\n  expect(process.env.PATH).toBeTruthy();\n});\n",
        },
        timeoutMs: 30_000,
      });
      expect(report).toMatchObject({ passed: true, total: 1, failed: 0 });
    } finally {
      delete process.env.OPENAI_API_KEY;
      delete process.env.RUNTIME_CORE_TEST_TOKEN;
    }
  });
});
