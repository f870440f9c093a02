// Runs the orders example: `npm run example`.
import { ReactiveSystemRuntime, type FlowExecutionResult } from '../src/index.js';
import system from './orders/system.js';
import { tasks } from './orders/tasks.js';

const runtime = new ReactiveSystemRuntime(system);
runtime.registerTaskImplementations(tasks);

const log = (line: string) => console.log(line);
runtime.registerEventHandler('task.retrying', (p) => log(`  ↻ ${String(p.taskId)} failed (${JSON.stringify((p.error as { message?: string })?.message)}), retry ${String(p.nextAttempt)} in ${String(p.delayMs)}ms`));

const finished = new Promise<FlowExecutionResult>((resolve) => {
  runtime.registerEventHandler('flow.completed', (p) => resolve(p as unknown as FlowExecutionResult));
  runtime.registerEventHandler('flow.failed', (p) => resolve(p as unknown as FlowExecutionResult));
});

// Watch each flow the runtime starts: print every state it moves through.
runtime.registerEventHandler('flow.started', ({ instanceId }) => {
  let last = '';
  runtime.getActor(String(instanceId)).subscribe((snapshot) => {
    const text = JSON.stringify(snapshot.value);
    if (text !== last) log(`  flow ${String(instanceId)}: ${(last = text)}`);
  });
});

log('orders example: order.placed starts the checkout flow');
runtime.sendEvent('order.placed', { orderId: 'o-1', total: 250, lines: [{ sku: 'tea', qty: 2 }, { sku: 'cup', qty: 1 }, { sku: 'pot', qty: 1 }] });

runtime.sendEvent('order.paid', { processId: 'order', orderId: 'o-1', amount: 250 });
log(`  process order: ${JSON.stringify(runtime.getProcessState('order'))} ${JSON.stringify(runtime.getProcessContext('order'))}`);

// The warehouse ships a little later.
setTimeout(() => {
  log('  warehouse: order.shipped');
  runtime.sendEvent('order.shipped', { orderId: 'o-1' });
  log(`  process order: ${JSON.stringify(runtime.getProcessState('order'))}`);
}, 1500);

const result = await finished;
log(`checkout ${result.error ? `failed: ${JSON.stringify(result.error)}` : `completed: ${JSON.stringify(result.output)}`}`);
runtime.stop();
