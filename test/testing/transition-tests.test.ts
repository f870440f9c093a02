import { describe, expect, it } from 'vitest';
import { defineSystem, NotFoundError } from '../../src/index.js';
import { describePathEvent, generateTransitionTests, planTransitionTests, TransitionTestError, type TransitionTestCase } from '../../src/testing/index.js';
import orders from '../../examples/orders/system.js';
import ticket from '../../examples/ticket/system.js';

const path = (c: TransitionTestCase) => c.events.map(describePathEvent);
const byName = (cases: TransitionTestCase[], name: string) => {
  const found = cases.find((c) => c.name === name);
  if (!found) throw new Error(`no case "${name}" in ${cases.map((c) => c.name).join(' | ')}`);
  return found;
};

describe('generateTransitionTests: examples/orders, process order', () => {
  const plan = planTransitionTests(orders, 'order');

  it('covers every transition, payloads taken from the schemas and the guards', () => {
    expect(plan.uncovered).toEqual([]);
    expect(plan.transitions.map((t) => t.label)).toEqual([
      'pending → paid on order.paid [event.amount > 0]',
      'pending → declined on flow.failed [event.flowId == "checkout" and event.error.name == "CardDeclined"]',
      'paid → shipped on order.shipped',
      'paid → refunded on order.refunded',
    ]);
    expect(plan.states).toEqual(['pending', 'paid', 'declined', 'shipped', 'refunded']);
    const declined = byName(plan.cases, plan.transitions[1]?.label ?? '');
    expect(declined.events).toEqual([{ kind: 'event', type: 'flow.failed', payload: { flowId: 'checkout', error: { name: 'CardDeclined' } } }]);
    expect(byName(plan.cases, 'paid → refunded on order.refunded')).toMatchObject({
      initialState: 'pending',
      states: ['paid', 'refunded'],
      expectedState: 'refunded',
      events: [
        { kind: 'event', type: 'order.paid', payload: { orderId: 'sample', amount: 1 } },
        { kind: 'event', type: 'order.refunded', payload: { orderId: 'sample', refundId: 'sample' } },
      ],
    });
  });

  for (const testCase of plan.cases) it(testCase.name, () => testCase.run());
});

describe('generateTransitionTests: examples/ticket, process ticket', () => {
  const plan = planTransitionTests(ticket, 'ticket');

  it('covers all 18 transitions, timers and the invoked triage task included', () => {
    expect(plan.transitions).toHaveLength(18);
    expect(plan.uncovered).toEqual([]);
    expect(plan.cases.filter((c) => c.kind === 'transition')).toHaveLength(18);
  });

  it('reaches the urgent escalation through a triage answer that says urgent', () => {
    const urgent = byName(plan.cases, 'active.sla.running → active.sla.escalated on after 1h [context.priority == "urgent"]');
    expect(path(urgent)).toEqual([
      'send ticket.opened {"ticketId":"sample","subject":"sample","customer":"sample","priority":"low"}',
      'triageTicket answers {"team":"sample","priority":"urgent"}',
      '$after:1h fires (3600000ms)',
    ]);
  });

  it('fires timers in time order: the 4h escalation of a normal ticket comes after its 1h timer found nothing to do', () => {
    const normal = byName(plan.cases, 'active.sla.running → active.sla.escalated on after 4h');
    expect(path(normal).slice(1)).toEqual(['triageTicket answers {"team":"sample","priority":"low"}', '$after:1h fires (3600000ms)', '$after:4h fires (14400000ms)']);
    expect(normal.states).toEqual([
      'active.work.triage, active.sla.running',
      'active.work.open, active.sla.running',
      'active.work.open, active.sla.running',
      'active.work.open, active.sla.escalated',
    ]);
  });

  it('answers a failing triage with a generated error', () => {
    const failed = byName(plan.cases, 'active.work.triage → active.work.open on triageTicket failed');
    expect(failed.events.at(-1)).toEqual({
      kind: 'task',
      taskId: 'triageTicket',
      stepId: 'triageTicket',
      actorId: '$task',
      outcome: { error: { name: 'Error', message: 'A generated failure of task "triageTicket"' } },
    });
  });

  for (const testCase of plan.cases) it(testCase.name, () => testCase.run());
});

describe('generateTransitionTests: options and edge cases', () => {
  const shop = defineSystem({
    id: 'shop',
    tasks: {
      reserveStock: {
        input: { type: 'object', required: ['amount'], properties: { amount: { type: 'number' } } },
        retry: { maxAttempts: 3, initialDelay: '1s' },
        timeout: '10s',
        examples: [
          { input: { amount: 5 }, output: { id: 'r-1' } },
          { input: { amount: 0 }, error: { name: 'NoStock', message: 'none left' } },
        ],
      },
    },
    processes: {
      order: {
        initial: 'pending',
        context: { total: 0 },
        states: {
          pending: {
            on: { 'order.paid': { target: 'paid', guard: 'event.amount > 0', actions: [{ type: 'assign', values: { total: 'event.amount' } }] } },
            after: { '1h': 'expired' },
          },
          paid: {
            invoke: {
              task: 'reserveStock',
              input: '{ "amount": context.total }',
              onDone: { target: 'ready', actions: [{ type: 'assign', values: { reservation: 'event.id' } }] },
              onError: [{ target: 'backordered', guard: 'event.name == "NoStock"' }, { target: 'failed' }],
            },
            on: { 'order.abandon': 'failed' },
          },
          ready: {},
          backordered: {},
          failed: {},
          expired: { type: 'final' },
        },
      },
      light: {
        states: ['off', 'on'],
        transitions: [
          { from: 'off', to: 'on', on: 'toggle' },
          { from: 'on', to: 'off', on: 'toggle' },
        ],
      },
    },
  });

  it('drives an invoked task: its outputs and errors come from its examples, and events arrive while it runs', async () => {
    const plan = planTransitionTests(shop, 'order');
    expect(plan.uncovered).toEqual([]);
    expect(plan.cases.map((c) => `${c.name} :: ${path(c).join(' > ')}`)).toEqual([
      'pending → paid on order.paid [event.amount > 0] :: send order.paid {"amount":1}',
      'pending → expired on after 1h :: $after:1h fires (3600000ms)',
      'paid → failed on order.abandon :: send order.paid {"amount":1} > send order.abandon {}',
      'paid → ready on reserveStock succeeded :: send order.paid {"amount":1} > reserveStock answers {"id":"r-1"}',
      'paid → backordered on reserveStock failed [event.name == "NoStock"] :: send order.paid {"amount":1} > reserveStock fails with NoStock',
      'paid → failed on reserveStock failed :: send order.paid {"amount":1} > reserveStock fails with Error',
      'reaches pending :: ',
    ]);
    for (const testCase of plan.cases) await testCase.run();
  });

  it('uses the payloads and outcomes it is given instead of generated ones, and reports what they leave uncovered', async () => {
    const plan = planTransitionTests(shop, 'order', {
      events: { 'order.paid': [{ amount: 0 }, { amount: 12 }] },
      tasks: { reserveStock: [{ output: { id: 'given' } }] },
    });
    expect(plan.uncovered.map((t) => t.label)).toEqual(['paid → backordered on reserveStock failed [event.name == "NoStock"]', 'paid → failed on reserveStock failed']);
    expect(plan.cases.flatMap((c) => c.events).filter((e) => e.kind === 'event' && e.type === 'order.paid')).not.toContainEqual(expect.objectContaining({ payload: { amount: 0 } }));
    expect(path(byName(plan.cases, 'paid → ready on reserveStock succeeded'))).toEqual(['send order.paid {"amount":12}', 'reserveStock answers {"id":"given"}']);
  });

  it('reads the older flat shape of a process', async () => {
    const plan = planTransitionTests(shop, 'light');
    expect(plan.transitions.map((t) => t.label)).toEqual(['off → on on toggle', 'on → off on toggle']);
    expect(plan.uncovered).toEqual([]);
    for (const testCase of plan.cases) await testCase.run();
  });

  it('stops at maxDepth, and says what that leaves uncovered', () => {
    const plan = planTransitionTests(ticket, 'ticket', { maxDepth: 2 });
    expect(plan.cases.every((c) => c.events.length <= 2)).toBe(true);
    expect(plan.uncovered.map((t) => t.label)).toContain('resolved → closed on after 2d');
  });

  it('fails a case with a TransitionTestError that says where the instance left the path', async () => {
    // The invoke input misses the field the task's input schema requires: the real task fails before it runs.
    const broken = defineSystem({
      ...shop,
      processes: {
        order: {
          initial: 'pending',
          states: {
            pending: { on: { 'order.paid': 'paid' } },
            paid: { invoke: { task: 'reserveStock', input: '{ "amount": context.missing }', onDone: 'ready', onError: 'failed' } },
            ready: {},
            failed: {},
          },
        },
      },
    });
    const testCase = byName(generateTransitionTests(broken, 'order'), 'paid → ready on reserveStock succeeded');
    const error = await testCase.run().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TransitionTestError);
    expect(error).toMatchObject({ step: 1, actual: 'failed', code: 'TRANSITION_TEST_FAILED' });
    const message = (error as Error).message;
    expect(message).toContain('paid → ready on reserveStock succeeded: after step 1 (send order.paid {}) expected "paid" but the instance is in "failed"');
    expect(message).toContain('xstate.done.actor.$task {"name":"InputValidationError"');
  });

  it('names what exists when the target does not', () => {
    expect(() => generateTransitionTests(orders, 'orders')).toThrow(NotFoundError);
    expect(() => generateTransitionTests(orders, 'orders')).toThrow(/order, checkout \(flow\), shipping \(flow\)/);
  });
});
