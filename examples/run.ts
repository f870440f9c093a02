// Runs an example: `npm start` runs the orders example, `npm start -- <name>` another one.
import { runApprovalDemo } from './approval/demo.js';
import { runOrdersDemo } from './orders/demo.js';
import { runTicketDemo } from './ticket/demo.js';
import type { Log } from './watch.js';

const examples: Record<string, { about: string; run(log: Log): Promise<unknown> }> = {
  orders: { about: 'order fulfilment: charged (with a retry), reserved, notified, shipped', run: (log) => runOrdersDemo(log) },
  'orders-refund': { about: 'order fulfilment: the carrier rejects the address, so the charge is refunded and the stock released', run: (log) => runOrdersDemo(log, { scenario: 'refund' }) },
  ticket: { about: 'support tickets: SLA timers, escalation, waiting on the customer, auto-close (three simulated days)', run: (log) => runTicketDemo(log) },
  approval: { about: 'document approval: parallel reviewers, approved, rejected and expired documents (simulated days)', run: (log) => runApprovalDemo(log) },
};

const name = process.argv[2] ?? 'orders';
const example = examples[name];
if (!example) {
  const help = ['help', '--help', '-h'].includes(name);
  const print = help ? console.log : console.error;
  print(help ? 'Examples:' : `Unknown example "${name}". Run one of:`);
  for (const [id, { about }] of Object.entries(examples)) print(`  npm start -- ${id.padEnd(14)} ${about}`);
  process.exit(help ? 0 : 1);
}
await example.run((line) => console.log(line));
