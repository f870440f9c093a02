import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runApprovalDemo } from '../../examples/approval/demo.js';
import { runOrdersDemo, type OrdersDemoOptions } from '../../examples/orders/demo.js';
import { runTicketDemo } from '../../examples/ticket/demo.js';
import { createClock } from '../support/time.js';

/** Runs the orders demo on a simulated clock, moving it 100 ms at a time until the demo ends. */
async function ordersDemo(options: OrdersDemoOptions = {}) {
  const clock = createClock();
  const lines: string[] = [];
  let done = false;
  const run = runOrdersDemo((line) => lines.push(line), { ...options, clock }).finally(() => (done = true));
  for (let i = 0; i < 100 && !done; i++) await clock.advance(100);
  return { outcome: await run, lines };
}

/** The lines of the README's quick-start output block, without the `…` that stands for the rest. */
function readmeQuickStartLines(): string[] {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const block = /`npm start` prints[^\n]*\n\n```\n([\s\S]*?)```/.exec(readme)?.[1];
  if (!block) throw new Error('README.md has no `npm start` output block');
  return block.split('\n').filter((line) => line.trim() !== '' && line.trim() !== '…');
}

describe('examples/run.ts demos', () => {
  it('npm start (orders) prints the lines the README shows, in order', async () => {
    const { lines, outcome } = await ordersDemo();
    const expected = readmeQuickStartLines();
    expect(expected.length).toBeGreaterThan(5);
    // Every line the README shows, in the README's order; the output may have more between them.
    let next = 0;
    for (const line of lines) if (line === expected[next]) next++;
    expect(expected.slice(next), `not printed in order:\n${lines.join('\n')}`).toEqual([]);
    expect(outcome).toMatchObject({ flowId: 'checkout', output: { orderId: 'o-1', chargeId: 'ch_o-1', reserved: 3 } });
    expect(lines).toContain('  process order: "shipped"');
  });

  it('npm start -- orders-refund ends with the order refunded', async () => {
    const { lines, outcome } = await ordersDemo({ scenario: 'refund' });
    expect(outcome.output).toMatchObject({ status: 'refunded', reason: 'we do not deliver to US' });
    expect(lines).toContain('  flow checkout-1: {"running":{"ship":{"$catch":"release"}}}');
    expect(lines).toContain('  process order: "refunded" {"paid":false,"amount":250,"refundId":"re_o-1"}');
  });

  it('npm start -- ticket plays two tickets through escalation and closing', async () => {
    const lines: string[] = [];
    const { states, sent } = await runTicketDemo((line) => lines.push(line));
    expect(states).toEqual({ 'T-1001': 'closed', 'T-1002': 'closed' });
    expect(sent.map((m) => `${m.channel} ${m.to}`)).toEqual(['chat pat', 'chat bea', 'pager support-manager', 'email cy@shop.example', 'email dee@example.com']);
    expect(lines).toContain('[Mon 10:00]  ⚑ ticket.escalated T-1001, level 1');
    expect(lines).toContain('[Mon 17:10]  ticket T-1002: {"active":{"work":"assigned","sla":"breached"}}');
  });

  it('npm start -- approval ends with one document approved, one rejected, one expired', async () => {
    const { results } = await runApprovalDemo(() => undefined);
    expect(results).toMatchObject({
      'approval-1': { documentId: 'D-1', outcome: 'approved' },
      'approval-2': { documentId: 'D-2', outcome: 'rejected' },
      'approval-3': { documentId: 'D-3', outcome: 'expired' },
    });
  });
});
