import { describe, expect, it } from 'vitest';
import { defineSystem } from '../../src/index.js';
import { describePathEvent, planTransitionTests, UnsupportedTestTargetError, type TransitionTestCase } from '../../src/testing/index.js';
import approval from '../../examples/approval/system.js';
import orders from '../../examples/orders/system.js';
import ticket from '../../examples/ticket/system.js';

const path = (c: TransitionTestCase) => c.events.map(describePathEvent);
const byName = (cases: TransitionTestCase[], name: string) => {
  const found = cases.find((c) => c.name === name);
  if (!found) throw new Error(`no case "${name}" in ${cases.map((c) => c.name).join(' | ')}`);
  return found;
};

describe('generateTransitionTests of a flow: examples/approval', () => {
  const plan = planTransitionTests(approval, 'approval');

  it('covers every transition: both reviews, their retries and deadlines, every branch of the decision', () => {
    expect(plan.target).toEqual({ kind: 'flow', id: 'approval' });
    expect(plan.transitions).toHaveLength(35);
    expect(plan.uncovered).toEqual([]);
    const triggers = new Set(plan.transitions.map((t) => t.trigger));
    for (const trigger of ['always', 'review.submitted', 'ask_legal failed', 'ask_legal:backoff fires', 'legal:timeout fires', 'publish:timeout fires', 'flow.cancel', 'running done']) {
      expect(triggers).toContain(trigger);
    }
  });

  it('sends a review that matches the step waiting for it, read from the flow input', () => {
    const rejected = byName(plan.cases, 'running.decision.$check → running.decision.$else on always');
    expect(rejected.input).toEqual({ documentId: 'sample', title: 'sample', author: 'sample', reviewers: { legal: 'sample', finance: 'sample' } });
    expect(path(rejected)).toEqual([
      'requestReview (step ask_legal) answers {}',
      'send review.submitted {"documentId":"sample","role":"legal","reviewer":"sample","decision":"approve","comment":"sample"}',
      'requestReview (step ask_finance) answers {}',
      'send review.submitted {"documentId":"sample","role":"finance","reviewer":"sample","decision":"reject","comment":"sample"}',
    ]);
    expect(rejected.expectedState).toBe('running.decision.$else.why.$then.tellRejected');
  });

  it('takes a task through its retry policy: each failed attempt, each backoff timer', () => {
    const exhausted = byName(plan.cases, 'running.reviews.$branch0.ask_legal.$attempt → failed on ask_legal failed');
    expect(path(exhausted)).toEqual([
      'requestReview (step ask_legal) fails with Error',
      'ask_legal:backoff fires (5000ms)',
      'requestReview (step ask_legal) fails with Error',
      'ask_legal:backoff fires (10000ms)',
      'requestReview (step ask_legal) fails with Error',
    ]);
    expect(exhausted.expectedState).toBe('failed');
  });

  it('lets a reviewer run out of time', () => {
    const expired = byName(plan.cases, 'running.decision.$else.why.$check → running.decision.$else.why.$else on always');
    expect(path(expired).at(-1)).toBe('finance:timeout fires (172800000ms)');
    expect(expired.expectedState).toBe('running.decision.$else.why.$else.tellExpired');
  });

  for (const testCase of plan.cases) it(testCase.name, () => testCase.run());
});

describe('generateTransitionTests of flows: inputs, unsupported steps', () => {
  it('starts a flow once per input a condition on the input needs (examples/ticket escalation)', async () => {
    const plan = planTransitionTests(ticket, { flow: 'escalation' });
    expect(plan.uncovered).toEqual([]);
    const inputs = new Set(plan.cases.map((c) => JSON.stringify(c.input)));
    expect([...inputs]).toEqual([JSON.stringify({ ticketId: 'sample', level: 1 }), JSON.stringify({ ticketId: 'sample', level: 2 })]);
    expect(byName(plan.cases, 'running.who.$check → running.who.$then on always [input.level >= 2]').input).toEqual({ ticketId: 'sample', level: 2 });
    for (const testCase of plan.cases) await testCase.run();
  });

  it('takes the input it is given', () => {
    const plan = planTransitionTests(ticket, { flow: 'escalation' }, { input: { ticketId: 'T-1', level: 5 } });
    expect(new Set(plan.cases.map((c) => JSON.stringify(c.input)))).toEqual(new Set([JSON.stringify({ ticketId: 'T-1', level: 5 })]));
    expect(plan.uncovered.map((t) => t.label)).toContain('running.who.$check → running.who.$else on always');
  });

  it('covers the shipping flow of examples/orders, wait and timeout included', async () => {
    const plan = planTransitionTests(orders, { flow: 'shipping' });
    expect(plan.uncovered).toEqual([]);
    for (const testCase of plan.cases) await testCase.run();
  });

  it('refuses flows whose forEach and sub-flow steps run child machines it cannot drive', () => {
    expect(() => planTransitionTests(orders, 'checkout')).toThrow(UnsupportedTestTargetError);
    expect(() => planTransitionTests(orders, 'checkout')).toThrow(/flows\.checkout\.steps\[2\] \(reserve: forEach\), flows\.checkout\.steps\[4\] \(ship: flow\)/);
  });

  it('fires a wait step and a timeout in time order', async () => {
    const system = defineSystem({
      id: 'waits',
      events: { 'reply.received': { payload: { type: 'object', properties: { ok: { type: 'boolean' } } } } },
      tasks: { remind: {} },
      flows: {
        chase: {
          steps: [
            { id: 'pause', type: 'wait', duration: '1h' },
            { id: 'reply', type: 'event', event: 'reply.received', match: 'event.ok', timeout: '1d', onError: 'continue' },
            { id: 'nudge', type: 'task', task: 'remind' },
          ],
        },
      },
    });
    const plan = planTransitionTests(system, 'chase');
    expect(plan.uncovered).toEqual([]);
    expect(path(byName(plan.cases, 'running.reply → running.nudge on reply:timeout fires'))).toEqual(['pause:wait fires (3600000ms)', 'reply:timeout fires (86400000ms)']);
    expect(path(byName(plan.cases, 'running.reply → running.nudge on reply.received [event.ok]'))).toEqual(['pause:wait fires (3600000ms)', 'send reply.received {"ok":true}']);
    for (const testCase of plan.cases) await testCase.run();
  });
});
