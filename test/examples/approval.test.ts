import { describe, expect, it } from 'vitest';
import { ReactiveSystemRuntime, validateSystem } from '../../src/index.js';
import system from '../../examples/approval/system.js';
import { createApprovalServices } from '../../examples/approval/tasks.js';
import { createClock, recordStates } from '../support/time.js';

const hour = 3_600_000;
const day = 24 * hour;
const reviewers = { legal: 'lee@example.com', finance: 'fay@example.com' };
const submission = { documentId: 'D-7', title: 'Price list Q3', author: 'alex@example.com', reviewers };

function setup() {
  const clock = createClock();
  const runtime = new ReactiveSystemRuntime(system, { clock });
  const services = createApprovalServices();
  runtime.registerTaskImplementations(services.tasks);
  const handle = runtime.startFlow('approval', submission);
  const states = recordStates(handle.actor);
  const review = (role: 'legal' | 'finance', decision: 'approve' | 'reject', extra: Record<string, unknown> = {}) =>
    runtime.sendEvent('review.submitted', { documentId: 'D-7', role, reviewer: reviewers[role], decision, ...extra });
  return { clock, runtime, handle, states, review, ...services };
}

const waiting = [
  'running.reviews.$branch0.ask_legal.$attempt, running.reviews.$branch1.ask_finance.$attempt',
  'running.reviews.$branch0.legal, running.reviews.$branch1.ask_finance.$attempt',
  'running.reviews.$branch0.legal, running.reviews.$branch1.finance',
];

describe('examples/approval: document approval', () => {
  it('is a valid document', () => {
    expect(validateSystem(system)).toEqual({ valid: true, errors: [] });
  });

  it('asks both reviewers at once, and publishes when both approve', async () => {
    const { clock, handle, states, review, mail } = setup();
    await clock.advance(hour);
    expect(mail.map((m) => m.to)).toEqual(['lee@example.com', 'fay@example.com']);
    review('finance', 'approve');
    await clock.advance(hour);
    review('legal', 'approve');
    const result = await handle.result();

    expect(states).toEqual([
      ...waiting,
      'running.reviews.$branch0.legal, running.reviews.$branch1.$done',
      'running.decision.$then.publish.$attempt',
      'running.decision.$then.tellApproved',
      'succeeded',
    ]);
    expect(result).toMatchObject({
      success: true,
      output: { documentId: 'D-7', outcome: 'approved', legal: 'approve', finance: 'approve', url: 'https://docs.example.com/published/D-7/v1' },
    });
    expect(result.steps.reviews?.output).toEqual([
      { documentId: 'D-7', role: 'legal', reviewer: 'lee@example.com', decision: 'approve' },
      { documentId: 'D-7', role: 'finance', reviewer: 'fay@example.com', decision: 'approve' },
    ]);
    expect(mail.at(-1)).toEqual({ to: 'alex@example.com', subject: 'D-7: approved', body: 'published at https://docs.example.com/published/D-7/v1' });
  });

  it("rejects when a reviewer rejects, sends the author the reviewer's comment, and publishes nothing", async () => {
    const { clock, handle, states, review, mail, published } = setup();
    await clock.advance(hour);
    review('legal', 'approve');
    await clock.advance(day);
    review('finance', 'reject', { comment: 'margins below 20%' });
    const result = await handle.result();

    expect(states.slice(-2)).toEqual(['running.decision.$else.why.$then.tellRejected', 'succeeded']);
    expect(result.output).toEqual({ documentId: 'D-7', outcome: 'rejected', legal: 'approve', finance: 'reject' });
    expect(result.steps.publish).toBeUndefined();
    expect(published.size).toBe(0);
    expect(mail.at(-1)).toEqual({ to: 'alex@example.com', subject: 'D-7: rejected', body: 'finance: margins below 20%' });
  });

  it('expires when a reviewer does not answer within 2 days, and tells the author who did not', async () => {
    const { clock, handle, states, review, mail } = setup();
    await clock.advance(hour);
    review('legal', 'approve');
    await clock.advance(2 * day - hour - 1);
    expect(states.at(-1)).toBe('running.reviews.$branch0.$done, running.reviews.$branch1.finance');
    await clock.advance(1);
    const result = await handle.result();

    expect(states.slice(-2)).toEqual(['running.decision.$else.why.$else.tellExpired', 'succeeded']);
    expect(result.output).toEqual({ documentId: 'D-7', outcome: 'expired', legal: 'approve', finance: 'no answer' });
    expect(result.steps.finance).toMatchObject({ status: 'failed', error: { name: 'TimeoutError', message: 'Step "finance" timed out after 172800000ms' } });
    expect(mail.at(-1)).toEqual({ to: 'alex@example.com', subject: 'D-7: expired', body: 'no answer in 2 days from finance' });
  });

  it('names every reviewer who did not answer', async () => {
    const { clock, handle, mail } = setup();
    await clock.advance(2 * day);
    const result = await handle.result();
    expect(result.output).toMatchObject({ outcome: 'expired', legal: 'no answer', finance: 'no answer' });
    expect(mail.at(-1)?.body).toBe('no answer in 2 days from legal and finance');
  });

  it('ignores a verdict from someone who was not asked, or about another document', async () => {
    const { clock, runtime, handle, review } = setup();
    await clock.advance(hour);
    runtime.sendEvent('review.submitted', { documentId: 'D-7', role: 'finance', reviewer: 'mallory@example.com', decision: 'approve' });
    runtime.sendEvent('review.submitted', { documentId: 'D-8', role: 'finance', reviewer: 'fay@example.com', decision: 'approve' });
    review('legal', 'approve');
    expect(handle.actor.getSnapshot().value).toEqual({ running: { reviews: { $branch0: '$done', $branch1: 'finance' } } });
    review('finance', 'reject');
    expect((await handle.result()).output).toMatchObject({ outcome: 'rejected' });
  });

  it('starts from the document.submitted event, whose payload is checked', async () => {
    const clock = createClock();
    const runtime = new ReactiveSystemRuntime(system, { clock });
    runtime.registerTaskImplementations(createApprovalServices().tasks);
    const started: unknown[] = [];
    runtime.registerEventHandler('flow.started', (p) => void started.push(p));
    expect(() => runtime.sendEvent('document.submitted', { documentId: 'D-1', title: 'No reviewers', author: 'alex@example.com' })).toThrow(
      expect.objectContaining({ code: 'INVALID_PAYLOAD' }),
    );
    runtime.sendEvent('document.submitted', submission);
    expect(started).toEqual([{ flowId: 'approval', instanceId: 'approval-1' }]);
  });
});
