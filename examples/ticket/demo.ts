import { ReactiveSystemRuntime } from '../../src/index.js';
import { createDemoClock, playTimeline } from '../timeline.js';
import { printFlows, printStates, type Log } from '../watch.js';
import system from './system.js';
import { createSupportServices, type SentMessage } from './tasks.js';

const minute = 60_000;
const hour = 60 * minute;

/**
 * Two tickets through a simulated three days, with real SLAs: an urgent outage escalates after 1 hour, waits
 * on the customer and is resolved; a billing question nobody answers escalates after 4 hours and pages the
 * manager 4 hours later. Both close themselves 2 days after they are resolved, which sends a survey.
 */
export async function runTicketDemo(log: Log): Promise<{ sent: SentMessage[]; states: Record<string, unknown> }> {
  const clock = createDemoClock();
  const runtime = new ReactiveSystemRuntime(system, { clock });
  const { tasks, sent } = createSupportServices();
  runtime.registerTaskImplementations(tasks);
  const at = () => clock.label();
  printFlows(runtime, log, at);
  runtime.registerEventHandler('ticket.escalated', (p) => log(`${at()}  ⚑ ticket.escalated ${String(p.ticketId)}, level ${String(p.level)}`));
  runtime.registerEventHandler('flow.completed', (p) => log(`${at()}  ✓ ${String(p.instanceId)}: ${JSON.stringify(p.output)}`));

  const send = (type: string, ticketId: string, payload: Record<string, unknown> = {}) => () => {
    log(`${at()} ${type} → ${ticketId} ${JSON.stringify(payload)}`);
    runtime.sendEvent(type, { instanceId: ticketId, ...payload });
  };
  const open = (ticketId: string, subject: string, customer: string) => () => {
    runtime.createProcess('ticket', { instanceId: ticketId });
    printStates(runtime.getActor(ticketId), `ticket ${ticketId}`, log, at);
    send('ticket.opened', ticketId, { ticketId, subject, customer })();
  };

  log('ticket example: two support tickets, three simulated days (Monday 09:00 on)');
  await playTimeline(
    clock,
    [
      { at: 0, do: open('T-1001', 'Checkout page is down', 'cy@shop.example') },
      { at: 10 * minute, do: open('T-1002', 'Question about my invoice', 'dee@example.com') },
      { at: 20 * minute, do: send('ticket.assigned', 'T-1001', { agent: 'ana' }) },
      { at: 30 * minute, do: send('ticket.assigned', 'T-1002', { agent: 'ben' }) },
      { at: 90 * minute, do: send('ticket.info_requested', 'T-1001', { question: 'Which browser?' }) },
      { at: 2 * hour + 15 * minute, do: send('ticket.customer_replied', 'T-1001', { message: 'Firefox 128' }) },
      { at: 3 * hour, do: send('ticket.resolved', 'T-1001', { resolution: 'CDN cache purged' }) },
      { at: 9 * hour, do: send('ticket.resolved', 'T-1002', { resolution: 'Explained the VAT line' }) },
    ],
    60 * hour,
  );

  const states = { 'T-1001': runtime.getProcessState('ticket', 'T-1001'), 'T-1002': runtime.getProcessState('ticket', 'T-1002') };
  log(`messages sent:`);
  for (const m of sent) log(`  ${m.channel} to ${m.to}: ${m.text}`);
  runtime.stop();
  return { sent, states };
}
