import type { TaskImplementation } from '../../src/index.js';

/** Words that make a ticket urgent, and words that send it to a team other than general support. */
const urgentWords = ['down', 'outage', 'cannot log in', 'data loss'];
const teams: [team: string, words: string[]][] = [
  ['billing', ['invoice', 'refund', 'charge', 'payment']],
  ['platform', ['api', 'outage', 'down', 'error']],
];

/** A message sent by the support desk's notifiers: chat to a team lead, a page, a survey email. */
export interface SentMessage {
  channel: 'chat' | 'pager' | 'email';
  to: string;
  text: string;
}

/** The services behind the support desk: a keyword triage model, a chat, a pager and a mailer that record what they send. */
export function createSupportServices() {
  const sent: SentMessage[] = [];
  const leads: Record<string, string> = { billing: 'bea', platform: 'pat', support: 'sam' };

  const tasks: Record<string, TaskImplementation> = {
    triageTicket: async (input: { subject: string; priority?: string }) => {
      const subject = input.subject.toLowerCase();
      const team = teams.find(([, words]) => words.some((w) => subject.includes(w)))?.[0] ?? 'support';
      const priority = urgentWords.some((w) => subject.includes(w)) ? 'urgent' : (input.priority ?? 'normal');
      return { team, priority };
    },
    notifyTeamLead: async (input: { ticketId: string; team: string; priority: string }) => {
      const to = leads[input.team] ?? leads.support ?? 'sam';
      sent.push({ channel: 'chat', to, text: `${input.ticketId} (${input.priority}) is out of SLA` });
      return { notified: to };
    },
    pageManager: async (input: { ticketId: string; level: number; assignee: string | null }) => {
      sent.push({ channel: 'pager', to: 'support-manager', text: `${input.ticketId} escalated to level ${input.level}, assignee ${input.assignee ?? 'nobody'}` });
      return { paged: 'support-manager' };
    },
    sendSurvey: async (input: { ticketId: string; customer: string }) => {
      sent.push({ channel: 'email', to: input.customer, text: `How did we do on ${input.ticketId}?` });
      return { surveyed: input.customer };
    },
  };
  return { tasks, sent };
}

/** Implementations of the support desk's tasks. */
export const tasks: Record<string, TaskImplementation> = createSupportServices().tasks;
