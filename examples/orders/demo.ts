import { ReactiveSystemRuntime, type Clock } from '../../src/index.js';
import { printFlows, type Log } from '../watch.js';
import system from './system.js';
import { createOrderServices } from './tasks.js';

const realClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (id) => clearTimeout(id as ReturnType<typeof setTimeout>),
};

export interface OrdersDemoOptions {
  /** `shipped`: the carrier picks the parcel up. `refund`: the carrier rejects the address, so the checkout refunds and releases. @default 'shipped' */
  scenario?: 'shipped' | 'refund';
  /** @default the real clock: the warehouse ships 1.5 s after the order */
  clock?: Clock;
}

/** The payload of `flow.completed` and `flow.failed`. */
export interface FlowOutcome {
  flowId: string;
  instanceId: string;
  output?: unknown;
  error?: unknown;
}

/** Places an order and prints every state the checkout flow moves through. Resolves with how the checkout ended. */
export async function runOrdersDemo(log: Log, options: OrdersDemoOptions = {}): Promise<FlowOutcome> {
  const { scenario = 'shipped', clock = realClock } = options;
  const runtime = new ReactiveSystemRuntime(system, { clock });
  runtime.registerTaskImplementations(createOrderServices().tasks);
  printFlows(runtime, log);

  const finished = new Promise<FlowOutcome>((resolve) => {
    const done = (p: Record<string, unknown>) => {
      if (p.flowId === 'checkout') resolve(p as unknown as FlowOutcome);
    };
    runtime.registerEventHandler('flow.completed', done);
    runtime.registerEventHandler('flow.failed', done);
  });

  log('orders example: order.placed starts the checkout flow');
  runtime.sendEvent('order.placed', {
    orderId: 'o-1',
    total: 250,
    card: '4242424242424242',
    address: { street: '1 Teapot Lane', city: 'Leeds', country: scenario === 'refund' ? 'US' : 'GB' },
    lines: [{ sku: 'tea', qty: 2 }, { sku: 'cup', qty: 1 }, { sku: 'pot', qty: 1 }],
  });

  runtime.sendEvent('order.paid', { processId: 'order', orderId: 'o-1', amount: 250 });
  log(`  process order: ${JSON.stringify(runtime.getProcessState('order'))} ${JSON.stringify(runtime.getProcessContext('order'))}`);

  // The carrier picks the parcel up a little later.
  const pickup =
    scenario === 'shipped'
      ? clock.setTimeout(() => {
          log('  warehouse: order.shipped');
          runtime.sendEvent('order.shipped', { orderId: 'o-1' });
          log(`  process order: ${JSON.stringify(runtime.getProcessState('order'))}`);
        }, 1500)
      : undefined;

  const result = await finished;
  if (pickup !== undefined) clock.clearTimeout(pickup);
  if (scenario === 'refund') log(`  process order: ${JSON.stringify(runtime.getProcessState('order'))} ${JSON.stringify(runtime.getProcessContext('order'))}`);
  log(`checkout ${result.error ? `failed: ${JSON.stringify(result.error)}` : `completed: ${JSON.stringify(result.output)}`}`);
  runtime.stop();
  return result;
}
