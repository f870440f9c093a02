import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createMigrationRegistry, migrateSystem, MigrationError } from '../../src/dsl/migrate/index.js';
import { ReactiveSystemRuntime, type RuntimeLogger, type SystemDefinition } from '../../src/index.js';
import { createClock, recordStates, settle } from '../support/time.js';

/** As a tool reads it: JSON, untyped. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const fixture = (name: string): any => JSON.parse(readFileSync(new URL(`../fixtures/legacy/${name}`, import.meta.url), 'utf8'));

function recordingLogger() {
  const lines: { level: keyof RuntimeLogger; message: string }[] = [];
  const logger: RuntimeLogger = {
    debug: (message) => void lines.push({ level: 'debug', message }),
    info: (message) => void lines.push({ level: 'info', message }),
    warn: (message) => void lines.push({ level: 'warn', message }),
    error: (message) => void lines.push({ level: 'error', message }),
  };
  return { lines, logger };
}

/** The order system's tasks that have no built-in implementation after conversion (function code, a service without endpoint) plus the http one, which must not reach the network. */
const orderTasks = {
  calculateTotal: async (input: { items: { price: number; quantity: number }[] }) => ({ total: input.items.reduce((sum, item) => sum + item.price * item.quantity, 0) }),
  flagForReview: async (input: { orderId: string }) => ({ flagged: input.orderId }),
  chargePayment: async (input: { orderId: string }) => ({ chargeId: `ch-${input.orderId}` }),
  shipOrder: async () => ({ trackingId: 'trk-1' }),
};

describe('converted documents run', () => {
  it('the order system, given to the runtime in the older shape: the checkout flow runs and moves the order process', async () => {
    const clock = createClock();
    const { lines, logger } = recordingLogger();
    const runtime = new ReactiveSystemRuntime(fixture('order-system.json'), { clock, logger });
    runtime.registerTaskImplementations(orderTasks);
    const orderStates = recordStates(runtime.getActor('order'));

    const flow = runtime.startFlow('checkout', { orderId: 'o-1', email: 'ann@example.com', items: [{ price: 600, quantity: 2 }] });
    const flowStates = recordStates(flow.actor);
    await settle();
    expect(runtime.getProcessState('order')).toBe('paid');
    await clock.advance(60_000);
    const result = await flow.result();

    expect(result.success).toBe(true);
    expect(Object.fromEntries(Object.entries(result.steps).map(([id, step]) => [id, step.status]))).toEqual({
      total: 'completed',
      route: 'completed',
      review: 'completed',
      charge: 'completed',
      markPaid: 'completed',
      prepare: 'completed',
      reserve: 'completed',
      confirm: 'completed',
      coolOff: 'completed',
      ship: 'completed',
      markShipped: 'completed',
    });
    expect(result.steps.review?.output).toEqual({ flagged: 'o-1' });
    expect(result.steps.prepare?.output).toEqual([{ reserved: true }, {}]);
    expect(orderStates).toEqual(['created', 'paid', 'shipped']);
    expect(flowStates.some((state) => state.includes('coolOff'))).toBe(true);

    runtime.sendEvent('order.delivered', { processId: 'order' });
    expect(runtime.getProcessState('order')).toBe('delivered');

    const report = migrateSystem(fixture('order-system.json'), undefined, { registry: createMigrationRegistry() }).report;
    expect(lines.filter((l) => l.level === 'info')).toEqual([{ level: 'info', message: `Migrated the system from the older shape to DSL v1: ${report.changes.length} change(s), ${report.inexact.length} not exact` }]);
    expect(lines.filter((l) => l.level === 'warn').map((l) => l.message)).toEqual(report.inexact.map((i) => `Migration: ${i.path}: ${i.message}`));
    runtime.stop();
  });

  it('a small order skips the review branch; the flow starts from its trigger event', async () => {
    const clock = createClock();
    const runtime = new ReactiveSystemRuntime(fixture('order-system.json'), { clock, logger: recordingLogger().logger });
    runtime.registerTaskImplementations(orderTasks);
    const done = new Promise<Record<string, unknown>>((resolve) => runtime.registerEventHandler('flow.completed', (payload) => resolve(payload)));
    runtime.sendEvent('order.placed', { orderId: 'o-2', email: 'bo@example.com', items: [{ price: 20, quantity: 1 }] });
    await clock.advance(60_000);
    const completed = await done;
    expect(completed.flowId).toBe('checkout');
    expect(completed.output).toEqual({ emitted: 'order.shipped' });
    expect(runtime.getProcessState('order')).toBe('shipped');
    runtime.stop();
  });

  it('the ticket system, converted: its process follows events, guards that could not be converted never hold', () => {
    const { system } = migrateSystem(fixture('ticket-system.json'), undefined, { registry: createMigrationRegistry() });
    const runtime = new ReactiveSystemRuntime(system, { logger: recordingLogger().logger });
    const states = recordStates(runtime.getActor('ticket'));
    for (const event of ['ticket.assigned', 'ticket.awaiting_customer', 'customer.replied', 'ticket.resolved', 'ticket.closed', 'ticket.reopened']) {
      runtime.sendEvent(event, { processId: 'ticket' });
    }
    expect(states).toEqual(['open', 'assigned', 'waiting-on-customer', 'assigned', 'resolved', 'open']);
    runtime.stop();
  });

  it('the ticket triage flow runs: decision chain, a task that starts a process, a wait for an event', async () => {
    const clock = createClock();
    const { system } = migrateSystem(fixture('ticket-system.json'), undefined, { registry: createMigrationRegistry() });
    const runtime = new ReactiveSystemRuntime(system, { clock, logger: recordingLogger().logger });
    const slas: string[] = [];
    runtime.registerTaskImplementations({
      classifyTicket: async (input: { subject: string }) => ({ priority: 'urgent', topic: input.subject }),
      assignAgent: async () => ({ agent: 'sam' }),
      addToQueue: async () => ({ queued: true }),
      start_sla: async (input: { ticketId: string }) => {
        const instanceId = runtime.createProcess('sla', { instanceId: `sla-${input.ticketId}` });
        slas.push(instanceId);
        return { instanceId };
      },
    });
    const flow = runtime.startFlow('triage', { ticketId: 't-7', priority: 'high' });
    await settle();
    expect(slas).toEqual(['sla-t-7']);
    expect(runtime.getProcessState('sla', 'sla-t-7')).toBe('running');
    runtime.sendEvent('customer.replied', { ticketId: 't-7' });
    const result = await flow.result();
    expect(result.success).toBe(true);
    expect(Object.keys(result.steps)).toEqual(expect.arrayContaining(['classify', 'byPriority', 'escalate', 'startSla', 'awaitReply']));
    expect(result.steps.escalate?.output).toEqual({ paged: true });
    expect(result.steps.assign).toBeUndefined();
    expect(result.output).toEqual({ ticketId: 't-7' });
    runtime.stop();
  });

  it('a document in DSL v1 is not migrated and nothing is logged', () => {
    const { lines, logger } = recordingLogger();
    const { system } = migrateSystem(fixture('order-system.json'), undefined, { registry: createMigrationRegistry() });
    new ReactiveSystemRuntime(system, { logger }).stop();
    expect(lines).toEqual([]);
  });

  it('an older document that does not convert to a valid one: the runtime throws the MigrationError', () => {
    const broken = { id: 's', tasks: { t: { type: 'operation' } }, flows: { f: { output: 'steps.nothing', steps: [{ id: 'a', type: 'task', taskId: 't' }] } } };
    let error: unknown;
    try {
      new ReactiveSystemRuntime(broken as unknown as SystemDefinition, { logger: recordingLogger().logger });
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(MigrationError);
    expect((error as MigrationError).code).toBe('MIGRATION_FAILED');
    expect((error as MigrationError).step).toBe('legacy → v1');
    expect((error as MigrationError).issues.map((i) => `${i.path} ${i.code}`)).toEqual(['flows.f.output unknown_step_reference']);
  });
});
