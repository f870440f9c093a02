import { describe, expect, it } from 'vitest';
import { ReactiveSystemRuntime, getEventContext, validateSystem } from '../../src/index.js';
import system from '../../examples/ticket/system.js';
import { createSupportServices } from '../../examples/ticket/tasks.js';
import { createClock, recordStates } from '../support/time.js';

const minute = 60_000;
const hour = 60 * minute;
const day = 24 * hour;

function setup() {
  const clock = createClock();
  const runtime = new ReactiveSystemRuntime(system, { clock });
  const { tasks, sent } = createSupportServices();
  runtime.registerTaskImplementations(tasks);
  const emitted: { type: string; payload: Record<string, unknown>; source?: string }[] = [];
  for (const type of ['ticket.escalated', 'ticket.closed']) runtime.registerEventHandler(type, (payload) => {
    const meta = getEventContext();
    emitted.push({ type, payload, ...(meta.source ? { source: meta.source } : {}) });
  });
  const flows: string[] = [];
  runtime.registerEventHandler('flow.completed', (p) => void flows.push(String(p.flowId)));

  /** Creates a ticket instance and opens it; returns the states it goes through. */
  const open = async (ticketId: string, subject: string, priority?: string) => {
    runtime.createProcess('ticket', { instanceId: ticketId });
    const states = recordStates(runtime.getActor(ticketId));
    runtime.sendEvent('ticket.opened', { instanceId: ticketId, ticketId, subject, customer: `${ticketId}@example.com`, ...(priority ? { priority } : {}) });
    await clock.advance(0);
    return states;
  };
  const send = (type: string, ticketId: string, payload: Record<string, unknown> = {}) => runtime.sendEvent(type, { instanceId: ticketId, ...payload });
  return { clock, runtime, sent, emitted, flows, open, send };
}

describe('examples/ticket: support tickets', () => {
  it('is a valid document', () => {
    expect(validateSystem(system)).toEqual({ valid: true, errors: [] });
  });

  it('triages, assigns, waits on the customer, resolves and closes itself 2 days later, then sends a survey', async () => {
    const { clock, runtime, sent, emitted, flows, open, send } = setup();
    const states = await open('T-1', 'Where is my parcel?');
    send('ticket.assigned', 'T-1', { agent: 'ana' });
    await clock.advance(30 * minute);
    send('ticket.info_requested', 'T-1', { question: 'Which order?' });
    await clock.advance(2 * hour);
    send('ticket.customer_replied', 'T-1', { message: 'o-1' });
    await clock.advance(30 * minute);
    send('ticket.resolved', 'T-1', { resolution: 'Parcel re-sent' });
    await clock.advance(2 * day - 1);
    expect(runtime.getProcessState('ticket', 'T-1')).toBe('resolved');
    await clock.advance(1);

    expect(states).toEqual([
      'new',
      'active.work.triage, active.sla.running',
      'active.work.open, active.sla.running',
      'active.work.assigned, active.sla.running',
      'active.work.waitingOnCustomer, active.sla.paused',
      'active.work.assigned, active.sla.running',
      'resolved',
      'closed',
    ]);
    expect(runtime.getProcessContext('ticket', 'T-1')).toEqual({
      ticketId: 'T-1',
      subject: 'Where is my parcel?',
      customer: 'T-1@example.com',
      priority: 'normal',
      team: 'support',
      assignee: 'ana',
      escalations: 0,
      replies: 1,
      resolution: 'Parcel re-sent',
      closeReason: 'resolved',
    });
    expect(emitted).toEqual([{ type: 'ticket.closed', payload: { ticketId: 'T-1', reason: 'resolved', customer: 'T-1@example.com' }, source: 'T-1' }]);
    expect(flows).toEqual(['survey']);
    expect(sent).toEqual([{ channel: 'email', to: 'T-1@example.com', text: 'How did we do on T-1?' }]);
  });

  it('escalates an urgent ticket after 1 hour: the escalation flow tells the team lead', async () => {
    const { clock, runtime, sent, emitted, open, send } = setup();
    const states = await open('T-2', 'API is down for everyone');
    expect(runtime.getProcessContext('ticket', 'T-2')).toMatchObject({ priority: 'urgent', team: 'platform' });
    send('ticket.assigned', 'T-2', { agent: 'ana' });
    await clock.advance(hour - 1);
    expect(emitted).toEqual([]);
    await clock.advance(1);

    expect(states.at(-1)).toBe('active.work.assigned, active.sla.escalated');
    expect(emitted).toEqual([
      { type: 'ticket.escalated', payload: { ticketId: 'T-2', level: 1, priority: 'urgent', team: 'platform', assignee: 'ana' }, source: 'T-2' },
    ]);
    expect(sent).toEqual([{ channel: 'chat', to: 'pat', text: 'T-2 (urgent) is out of SLA' }]);
  });

  it('escalates a normal ticket after 4 hours, then pages the manager when it breaches 4 hours later', async () => {
    const { clock, runtime, sent, emitted, open } = setup();
    const states = await open('T-3', 'Question about my invoice');
    await clock.advance(hour);
    expect(emitted).toEqual([]);
    await clock.advance(3 * hour);
    await clock.advance(4 * hour);

    expect(states).toEqual([
      'new',
      'active.work.triage, active.sla.running',
      'active.work.open, active.sla.running',
      'active.work.open, active.sla.escalated',
      'active.work.open, active.sla.breached',
    ]);
    expect(emitted.map((e) => e.payload.level)).toEqual([1, 2]);
    expect(runtime.getProcessContext('ticket', 'T-3')).toMatchObject({ team: 'billing', escalations: 2 });
    expect(sent).toEqual([
      { channel: 'chat', to: 'bea', text: 'T-3 (normal) is out of SLA' },
      { channel: 'pager', to: 'support-manager', text: 'T-3 escalated to level 2, assignee nobody' },
    ]);
  });

  it('stops the SLA clock while waiting on the customer, and starts it afresh when they reply', async () => {
    const { clock, open, send, emitted } = setup();
    const states = await open('T-4', 'How do I export my data?');
    send('ticket.assigned', 'T-4', { agent: 'ben' });
    await clock.advance(3 * hour);
    send('ticket.info_requested', 'T-4');
    await clock.advance(day);
    expect(emitted).toEqual([]);
    send('ticket.customer_replied', 'T-4', { message: 'CSV please' });
    await clock.advance(4 * hour - 1);
    expect(emitted).toEqual([]);
    await clock.advance(1);
    expect(emitted.map((e) => e.type)).toEqual(['ticket.escalated']);
    expect(states.slice(-3)).toEqual([
      'active.work.waitingOnCustomer, active.sla.paused',
      'active.work.assigned, active.sla.running',
      'active.work.assigned, active.sla.escalated',
    ]);
  });

  it('closes a ticket whose customer never replies after 5 days, without a survey', async () => {
    const { clock, runtime, open, send, emitted, sent } = setup();
    await open('T-5', 'Feature request');
    send('ticket.assigned', 'T-5', { agent: 'ana' });
    send('ticket.info_requested', 'T-5');
    await clock.advance(5 * day);
    expect(runtime.getProcessState('ticket', 'T-5')).toBe('closed');
    expect(emitted).toEqual([
      { type: 'ticket.closed', payload: { ticketId: 'T-5', reason: 'no reply from the customer', customer: 'T-5@example.com' }, source: 'T-5' },
    ]);
    expect(sent).toEqual([]);
  });

  it('reopens a resolved ticket when the customer replies: back to its assignee, with a fresh SLA', async () => {
    const { clock, runtime, open, send } = setup();
    const states = await open('T-6', 'Password reset mail never arrives');
    send('ticket.assigned', 'T-6', { agent: 'ana' });
    send('ticket.resolved', 'T-6', { resolution: 'Whitelisted our sender' });
    await clock.advance(day);
    send('ticket.customer_replied', 'T-6', { message: 'Still nothing' });
    expect(states.slice(-2)).toEqual(['resolved', 'active.work.assigned, active.sla.running']);
    expect(runtime.getProcessContext('ticket', 'T-6')).toMatchObject({ assignee: 'ana', replies: 1 });
  });

  it('keeps tickets apart: an event addressed to one ticket moves only that one', async () => {
    const { runtime, open, send } = setup();
    await open('T-7', 'Invoice copy');
    await open('T-8', 'Invoice copy');
    send('ticket.assigned', 'T-7', { agent: 'ana' });
    expect(runtime.getProcessState('ticket', 'T-7')).toEqual({ active: { work: 'assigned', sla: 'running' } });
    expect(runtime.getProcessState('ticket', 'T-8')).toEqual({ active: { work: 'open', sla: 'running' } });
    // The default instance is never opened, so its SLA clock never runs.
    expect(runtime.getProcessState('ticket')).toBe('new');
  });

  it('rejects an opening without a customer', () => {
    const { runtime } = setup();
    runtime.createProcess('ticket', { instanceId: 'T-9' });
    expect(() => runtime.sendEvent('ticket.opened', { instanceId: 'T-9', ticketId: 'T-9', subject: 'Hi' })).toThrow(
      expect.objectContaining({ code: 'INVALID_PAYLOAD' }),
    );
    expect(runtime.getProcessState('ticket', 'T-9')).toBe('new');
  });
});
