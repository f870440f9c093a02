import { afterEach, describe, expect, it, vi } from 'vitest';
import { CodeGenerator, type GeneratedCode } from '../../src/codegen/index.js';
import approval from '../../examples/approval/system.js';
import orders from '../../examples/orders/system.js';
import support from '../../examples/ticket/system.js';

afterEach(() => vi.unstubAllEnvs());

/** Neither a key nor a server: the template provider must not need them. */
function offline(): CodeGenerator {
  vi.stubEnv('OPENAI_API_KEY', '');
  vi.stubEnv('OPENAI_BASE_URL', '');
  return new CodeGenerator({ provider: 'template' });
}

const summary = (tasks: Record<string, GeneratedCode>) =>
  Object.fromEntries(Object.entries(tasks).map(([id, t]) => [id, { passed: t.verification.passed, tests: t.verification.tests.total }]));

// Each generation below is one vitest run of everything it wrote.
describe('the template provider on the example systems', { timeout: 90_000 }, () => {
  it('writes a typed skeleton for every task of the checkout flow (sub-flow included) that passes its own verification', async () => {
    const result = await offline().generateFlowCode('checkout', orders);

    expect(result).toMatchObject({ subject: 'checkout', model: 'template', language: 'typescript', attempts: 9 });
    // chargeCard: the skeleton's two tests (NotImplemented, InvalidInput) and two examples; the others: the
    // skeleton's NotImplemented test, and its InvalidInput test when the input schema says something to check.
    expect(summary(result.tasks)).toEqual({
      chargeCard: { passed: true, tests: 4 },
      reviewOrder: { passed: true, tests: 1 },
      reserveLine: { passed: true, tests: 2 },
      backorderLine: { passed: true, tests: 1 },
      sendEmail: { passed: true, tests: 1 },
      sendSms: { passed: true, tests: 1 },
      bookShipment: { passed: true, tests: 2 },
      refundPayment: { passed: true, tests: 2 },
      releaseStock: { passed: true, tests: 2 },
    });
    expect(result.verification).toEqual({ passed: true, typecheck: { passed: true, diagnostics: [] }, tests: { passed: true, total: 17, failed: 0, failures: [] } });

    const chargeCard = result.tasks.chargeCard!;
    expect(chargeCard.code).toContain('export default async function chargeCard(input: ChargeCardInput): Promise<ChargeCardOutput> {');
    expect(chargeCard.code).toContain(' * Retry: 3 attempts in all, exponential backoff from 100ms; never retried: CardDeclined. Timeout: 10s per attempt.');
    expect(chargeCard.files['chargeCard.types.ts']).toContain('export type ChargeCardInput = {\n  orderId: string;\n  amount: number;\n  card?: string;\n  [key: string]: unknown;\n};');
    expect(result.code).toContain("import chargeCard from './chargeCard.js';");
    expect(result.tests).toContain("// The input: a sample of the payload of \"order.placed\", the event that starts the flow.");
    expect(Object.keys(result.files)).toEqual(expect.arrayContaining(['chargeCard.ts', 'chargeCard.examples.test.ts', 'bookShipment.ts', 'checkout.flow.ts', 'checkout.flow.test.ts']));
  });

  it('writes JavaScript for a task only a process invokes (ticket triage), checked through its JSDoc', async () => {
    const result = await offline().generateTaskCode('triageTicket', support, { language: 'javascript' });
    expect(result).toMatchObject({ subject: 'triageTicket', model: 'template', language: 'javascript', attempts: 1 });
    expect(result.verification).toMatchObject({ passed: true, typecheck: { passed: true }, tests: { passed: true, failed: 0 } });
    expect(result.code).toContain("@param {import('./triageTicket.types.js').TriageTicketInput} input");
    expect(Object.keys(result.files)).toEqual(['triageTicket.types.d.ts', 'triageTicket.js', 'triageTicket.test.js']);
  });

  it.each([
    ['support', 'escalation', 'javascript', support],
    ['support', 'survey', 'typescript', support],
    ['documents', 'approval', 'typescript', approval],
  ] as const)('%s: the %s flow (%s) passes its own verification', async (_name, flow, language, system) => {
    const result = await offline().generateFlowCode(flow, system, { language });
    expect(result.verification).toMatchObject({ passed: true, typecheck: { passed: true }, tests: { passed: true, failed: 0 } });
    expect(Object.values(result.tasks).every((t) => t.verification.passed)).toBe(true);
    expect(Object.keys(result.tasks).length).toBeGreaterThan(0);
  });
});
