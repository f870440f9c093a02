import { describe, expect, it } from 'vitest';
import { defineSystem, NotFoundError } from '../../src/index.js';
import { createTestRuntime, leafStates, namesState, stateText, visitedPrefix } from '../../src/testing/index.js';
import ticket from '../../examples/ticket/system.js';

describe('state names', () => {
  it('turns a state value into its active leaf paths', () => {
    expect(leafStates('pending')).toEqual(['pending']);
    expect(leafStates({ running: { charge: '$attempt' } })).toEqual(['running.charge.$attempt']);
    expect(leafStates({ active: { work: 'open', sla: 'running' } })).toEqual(['active.work.open', 'active.sla.running']);
    expect(stateText({ active: { work: 'open', sla: 'running' } })).toBe('active.work.open, active.sla.running');
  });

  it('a name names a path when its segments appear in it, contiguous and in order', () => {
    const path = 'running.charge.$attempt';
    for (const name of [path, 'charge', '$attempt', 'running', 'charge.$attempt', 'running.charge']) expect(namesState(name, path), name).toBe(true);
    for (const name of ['char', 'running.$attempt', '$attempt.charge', 'running.charge.$attempt.x', '']) expect(namesState(name, path), name).toBe(false);
  });

  it('visits: a name is entered when it names a step and did not name the one before', () => {
    const steps = ['pending', 'running.charge.$attempt', 'running.charge.$backoff', 'running.charge.$attempt', 'done'].map((s) => ({ states: [s] }));
    expect(visitedPrefix(steps, ['pending', 'charge', 'done'])).toBe(3);
    // charge is entered once: leaving $attempt for $backoff stays in charge.
    expect(visitedPrefix(steps, ['charge', 'charge'])).toBe(1);
    expect(visitedPrefix(steps, ['$attempt', '$backoff', '$attempt'])).toBe(3);
    expect(visitedPrefix(steps, ['done', 'pending'])).toBe(1);
    // The regions of a parallel state are entered by one step.
    expect(visitedPrefix([{ states: ['new'] }, { states: ['active.work.triage', 'active.sla.running'] }], ['new', 'triage', 'running'])).toBe(3);
  });
});

describe('t.trace(instanceId): the states an instance visited and the events that caused them', () => {
  it('records a ticket from its start: states, events with their payloads, times', async () => {
    const t = createTestRuntime(ticket, { tasks: { triageTicket: async () => ({ team: 'billing', priority: 'urgent' }) } });
    const tk = t.createProcess('ticket', { instanceId: 'T-1' });
    tk.send('ticket.opened', { ticketId: 'T-1', subject: 'Refund?', customer: 'ann' });
    await t.advance('90m');
    tk.send('ticket.assigned', { agent: 'bo' });
    await t.settle();

    const trace = t.trace('T-1');
    expect(trace).toBe(tk.trace);
    expect(trace.steps.map(({ state, event, at }) => [at, event.type, state])).toEqual([
      [0, 'xstate.init', 'new'],
      [0, 'ticket.opened', 'active.work.triage, active.sla.running'],
      [0, 'xstate.done.actor.$task', 'active.work.open, active.sla.running'],
      [3_600_000, 'xstate.done.actor.$after:1h', 'active.work.open, active.sla.escalated'],
      [5_400_000, 'ticket.assigned', 'active.work.assigned, active.sla.escalated'],
    ]);
    // What expressions saw as `event`: the payload (addressing is not part of it), or the task's output.
    expect(trace.steps[1]?.event.payload).toEqual({ ticketId: 'T-1', subject: 'Refund?', customer: 'ann' });
    expect(trace.steps[2]?.event.payload).toEqual({ team: 'billing', priority: 'urgent' });
    expect(trace.events).toEqual(['xstate.init', 'ticket.opened', 'xstate.done.actor.$task', 'xstate.done.actor.$after:1h', 'ticket.assigned']);
    expect(trace.current).toEqual(['active.work.assigned', 'active.sla.escalated']);
    expect(trace.hasVisited(['new', 'triage', 'open', 'escalated', 'assigned'])).toBe(true);
    expect(trace.hasVisited(['new', 'assigned', 'open'])).toBe(false);
  });

  it('records a self-transition as a step, and collapses it in `states`', async () => {
    const t = createTestRuntime(ticket, { tasks: { triageTicket: async () => ({ team: 'billing', priority: 'low' }) } });
    const tk = t.createProcess('ticket', { instanceId: 'T-2' });
    tk.send('ticket.opened', { ticketId: 'T-2', subject: 's', customer: 'c' });
    await t.settle();
    tk.send('ticket.assigned', { agent: 'a' });
    tk.send('ticket.assigned', { agent: 'b' });
    await t.settle();
    expect(tk.trace.events.slice(-2)).toEqual(['ticket.assigned', 'ticket.assigned']);
    expect(tk.trace.states.slice(-1)).toEqual(['active.work.assigned, active.sla.running']);
    expect(tk.context.assignee).toBe('b');
  });

  it('records flows, retries included, and the flows that events start', async () => {
    const system = defineSystem({
      id: 'retry',
      events: { go: {} },
      tasks: { flaky: { retry: { maxAttempts: 2, initialDelay: '1s' } } },
      flows: { job: { trigger: 'go', steps: [{ id: 'work', type: 'task', task: 'flaky' }] } },
    });
    let calls = 0;
    const t = createTestRuntime(system, { tasks: { flaky: async () => (++calls === 1 ? Promise.reject(new Error('busy')) : 'ok') } });
    t.sendEvent('go', {});
    await t.advance('1s');
    const trace = t.trace('job-1');
    expect(trace.states).toEqual(['running.work.$attempt', 'running.work.$backoff', 'running.work.$attempt', 'running.$done', 'succeeded']);
    expect(trace.steps.map((s) => s.at)).toEqual([0, 0, 1_000, 1_000, 1_000]);
    expect(trace.hasVisited(['$attempt', '$backoff', '$attempt', 'succeeded'])).toBe(true);
  });

  it('an unknown instance is a NotFoundError that lists the known ones', () => {
    const t = createTestRuntime(ticket);
    expect(() => t.trace('nope')).toThrow(NotFoundError);
    expect(() => t.trace('nope')).toThrow(/ticket/);
  });
});
