import { defineSystem, type ProcessAction } from '../../src/index.js';

/** What running out of SLA time does: one level up, and everyone who should know is told. */
const escalate: ProcessAction[] = [
  { type: 'assign', values: { escalations: 'context.escalations + 1' } },
  {
    type: 'emit',
    event: 'ticket.escalated',
    payload: '{ "ticketId": context.ticketId, "level": context.escalations, "priority": context.priority, "team": context.team, "assignee": context.assignee }',
  },
];

/**
 * A support desk. Each ticket is an instance of the `ticket` process: opened, triaged by a task, assigned,
 * waiting on the customer, resolved, closed. While it is active, a parallel `sla` region runs the SLA clock
 * (4 hours, 1 hour for urgent tickets), paused while the ticket waits on the customer; each time the clock
 * runs out the ticket escalates a level and emits `ticket.escalated`, which starts the `escalation` flow
 * (team lead first, then the support manager is paged). A resolved ticket closes itself after 2 days unless
 * the customer replies; a closed ticket emits `ticket.closed`, which starts the satisfaction survey.
 */
export default defineSystem({
  id: 'support',
  name: 'Support desk',
  version: '1.0.0',
  description: 'Support tickets with SLA timers, escalation and follow-up',
  events: {
    'ticket.opened': {
      description: 'A customer wrote to support',
      payload: {
        type: 'object',
        required: ['ticketId', 'subject', 'customer'],
        properties: {
          ticketId: { type: 'string' },
          subject: { type: 'string' },
          customer: { type: 'string' },
          priority: { enum: ['low', 'normal', 'urgent'] },
        },
      },
    },
    'ticket.assigned': { payload: { type: 'object', required: ['agent'], properties: { agent: { type: 'string' } } } },
    'ticket.info_requested': { description: 'The agent asked the customer a question', payload: { type: 'object', properties: { question: { type: 'string' } } } },
    'ticket.customer_replied': { payload: { type: 'object', properties: { message: { type: 'string' } } } },
    'ticket.resolved': { payload: { type: 'object', required: ['resolution'], properties: { resolution: { type: 'string' } } } },
    'ticket.escalated': {
      description: 'Emitted by a ticket whose SLA ran out',
      payload: { type: 'object', required: ['ticketId', 'level'], properties: { ticketId: { type: 'string' }, level: { type: 'integer' } } },
    },
    'ticket.closed': {
      description: 'Emitted by a ticket when it closes',
      payload: { type: 'object', required: ['ticketId', 'reason'], properties: { ticketId: { type: 'string' }, reason: { type: 'string' } } },
    },
  },
  tasks: {
    triageTicket: {
      description: 'Classify a new ticket: its team and priority',
      input: { type: 'object', required: ['subject'], properties: { subject: { type: 'string' }, priority: { type: 'string' } } },
      output: {
        type: 'object',
        required: ['team', 'priority'],
        properties: { team: { type: 'string' }, priority: { enum: ['low', 'normal', 'urgent'] } },
      },
      retry: { maxAttempts: 3, initialDelay: '2s' },
      timeout: '10s',
    },
    notifyTeamLead: { description: "Message the team lead of the ticket's team", retry: { maxAttempts: 3, initialDelay: '10s' } },
    pageManager: { description: 'Page the support manager on call', retry: { maxAttempts: 5, initialDelay: '30s', maxDelay: '5m' } },
    sendSurvey: { description: 'Ask the customer how we did' },
  },
  processes: {
    ticket: {
      description: 'One support ticket',
      initial: 'new',
      context: { ticketId: null, subject: '', customer: null, priority: 'normal', team: null, assignee: null, escalations: 0, replies: 0 },
      states: {
        new: {
          on: {
            'ticket.opened': {
              target: 'active',
              actions: [
                {
                  type: 'assign',
                  values: { ticketId: 'event.ticketId', subject: 'event.subject', customer: 'event.customer', priority: 'coalesce(event.priority, "normal")' },
                },
              ],
            },
          },
        },
        active: {
          type: 'parallel',
          states: {
            work: {
              initial: 'triage',
              states: {
                triage: {
                  invoke: {
                    task: 'triageTicket',
                    input: '{ "subject": context.subject, "priority": context.priority }',
                    onDone: { target: 'open', actions: [{ type: 'assign', values: { team: 'event.team', priority: 'event.priority' } }] },
                    onError: { target: 'open', actions: [{ type: 'assign', values: { team: '"support"' } }] },
                  },
                },
                open: {
                  on: { 'ticket.assigned': { target: 'assigned', actions: [{ type: 'assign', values: { assignee: 'event.agent' } }] } },
                },
                assigned: {
                  on: {
                    'ticket.assigned': { actions: [{ type: 'assign', values: { assignee: 'event.agent' } }] },
                    'ticket.info_requested': 'waitingOnCustomer',
                    'ticket.resolved': { target: '#ticket.resolved', actions: [{ type: 'assign', values: { resolution: 'event.resolution' } }] },
                  },
                },
                waitingOnCustomer: {
                  on: { 'ticket.customer_replied': { target: 'assigned', actions: [{ type: 'assign', values: { replies: 'context.replies + 1' } }] } },
                  after: { '5d': { target: '#ticket.closed', actions: [{ type: 'assign', values: { closeReason: '"no reply from the customer"' } }] } },
                },
              },
            },
            sla: {
              initial: 'running',
              states: {
                running: {
                  on: { 'ticket.info_requested': 'paused' },
                  after: {
                    '1h': { target: 'escalated', guard: 'context.priority == "urgent"' },
                    '4h': 'escalated',
                  },
                },
                escalated: { entry: escalate, on: { 'ticket.info_requested': 'paused' }, after: { '4h': 'breached' } },
                breached: { entry: escalate, on: { 'ticket.info_requested': 'paused' } },
                // The clock stops while the customer has the ball, and starts afresh when they reply.
                paused: { on: { 'ticket.customer_replied': 'running' } },
              },
            },
          },
        },
        resolved: {
          on: {
            'ticket.customer_replied': { target: 'active.work.assigned', actions: [{ type: 'assign', values: { replies: 'context.replies + 1' } }] },
          },
          after: { '2d': { target: 'closed', actions: [{ type: 'assign', values: { closeReason: '"resolved"' } }] } },
        },
        closed: {
          type: 'final',
          entry: [{ type: 'emit', event: 'ticket.closed', payload: '{ "ticketId": context.ticketId, "reason": context.closeReason, "customer": context.customer }' }],
        },
      },
    },
  },
  flows: {
    escalation: {
      description: 'Tell the team lead about a ticket out of SLA; page the manager from the second level',
      trigger: 'ticket.escalated',
      steps: [
        {
          id: 'who',
          type: 'condition',
          if: 'input.level >= 2',
          then: [{ id: 'page', type: 'task', task: 'pageManager', input: '{ "ticketId": input.ticketId, "level": input.level, "assignee": input.assignee }' }],
          else: [{ id: 'lead', type: 'task', task: 'notifyTeamLead', input: '{ "ticketId": input.ticketId, "team": input.team, "priority": input.priority }' }],
        },
      ],
    },
    survey: {
      description: 'Ask the customer about a resolved ticket, once it is closed',
      trigger: 'ticket.closed',
      steps: [
        {
          id: 'worthAsking',
          type: 'condition',
          if: 'input.reason == "resolved"',
          then: [{ id: 'ask', type: 'task', task: 'sendSurvey', input: '{ "ticketId": input.ticketId, "customer": input.customer }' }],
        },
      ],
    },
  },
});
