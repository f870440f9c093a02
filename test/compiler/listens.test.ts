import { describe, expect, it } from 'vitest';
import { compileFlowDefinition } from '../../compiler/flow.js';
import { compileProcessDefinition } from '../../compiler/process.js';
import { compileSystemDefinitions } from '../../compiler/system.js';
import type { FlowMachineDefinition } from '../../compiler/types.js';
import { defineSystem } from '../../src/index.js';
import { assertValidSystem } from '../../src/dsl/validate.js';

const system = defineSystem({
  id: 'listening',
  tasks: { pack: {} },
  flows: {
    checkout: {
      steps: [
        { id: 'placed', type: 'event', event: 'order.confirmed' },
        {
          id: 'lines',
          type: 'forEach',
          items: 'input.lines',
          steps: [
            { id: 'picked', type: 'event', event: 'line.picked' },
            { id: 'gift', type: 'flow', flow: 'wrapping' },
          ],
        },
        { id: 'ship', type: 'flow', flow: 'shipping' },
        { id: 'pack', type: 'task', task: 'pack' },
      ],
    },
    shipping: {
      steps: [
        { id: 'label', type: 'flow', flow: 'labelling' },
        { id: 'handed', type: 'event', event: 'parcel.collected', timeout: '1h' },
      ],
    },
    wrapping: { steps: [{ id: 'label', type: 'flow', flow: 'labelling' }, { id: 'wrapped', type: 'event', event: 'gift.wrapped' }] },
    labelling: { steps: [{ id: 'printed', type: 'event', event: 'label.printed' }] },
    quiet: { steps: [{ id: 'pack', type: 'task', task: 'pack' }] },
  },
  processes: {
    order: {
      initial: 'open',
      states: { open: { on: { 'order.paid': 'paid', 'order.cancelled': 'closed' } }, paid: {}, closed: { type: 'final' } },
    },
  },
});

const sorted = (types: readonly string[]) => [...types].sort();

describe('listens: every event type that moves an instance, compiled in', () => {
  const definitions = compileSystemDefinitions(assertValidSystem(system));
  const flow = (id: string) => definitions.flows.get(id) as FlowMachineDefinition;

  it('takes in a flow\'s own event steps, its forEach bodies\' and its sub-flows\', transitively', () => {
    expect(sorted(flow('checkout').listens)).toEqual(
      sorted(['order.confirmed', 'line.picked', 'gift.wrapped', 'label.printed', 'parcel.collected']),
    );
    expect(flow('checkout').events).toEqual(['order.confirmed']);
    expect(sorted(flow('shipping').listens)).toEqual(sorted(['label.printed', 'parcel.collected']));
    expect(flow('labelling').listens).toEqual(['label.printed']);
    expect(flow('quiet').listens).toEqual([]);
  });

  it('fills it for forEach bodies too, and lists each event type once', () => {
    const body = flow('checkout').bodies['each:lines'] as FlowMachineDefinition;
    expect(sorted(body.listens)).toEqual(sorted(['line.picked', 'gift.wrapped', 'label.printed']));
    // labelling is reached through shipping and through wrapping
    expect(flow('checkout').listens.filter((type) => type === 'label.printed')).toHaveLength(1);
  });

  it('is empty for task machines, and for a process the same as its events', () => {
    for (const task of definitions.tasks.values()) expect(task.listens).toEqual([]);
    const order = definitions.processes.get('order');
    expect(order?.listens).toEqual(['order.paid', 'order.cancelled']);
    expect(order?.listens).toEqual(order?.events);
    expect(compileProcessDefinition('order', system.processes.order).listens).toEqual(['order.paid', 'order.cancelled']);
  });

  it('compileFlowDefinition resolves sub-flows through options.flows, the compiled flows of the system', () => {
    const compiled = compileFlowDefinition('checkout', system.flows.checkout, { tasks: system.tasks, flows: definitions.flows });
    expect(sorted(compiled.listens)).toEqual(sorted(flow('checkout').listens));
    expect(sorted((compiled.bodies['each:lines'] as FlowMachineDefinition).listens)).toEqual(sorted(['line.picked', 'gift.wrapped', 'label.printed']));
  });

  it('without options.flows, compileFlowDefinition lists the flow\'s and its bodies\' event types only', () => {
    const alone = compileFlowDefinition('checkout', system.flows.checkout, { tasks: system.tasks });
    expect(sorted(alone.listens)).toEqual(sorted(['order.confirmed', 'line.picked']));
  });

  it('stops at flows it has seen, so flows that invoke each other terminate', () => {
    // Validation rejects sub-flow cycles; the walk is guarded anyway.
    const ping = { steps: [{ id: 'wait', type: 'event' as const, event: 'ping' }, { id: 'pong', type: 'flow' as const, flow: 'pong' }] };
    const pong = { steps: [{ id: 'wait', type: 'event' as const, event: 'pong' }, { id: 'ping', type: 'flow' as const, flow: 'ping' }] };
    const flows = new Map<string, FlowMachineDefinition>([['ping', compileFlowDefinition('ping', ping)]]);
    flows.set('pong', compileFlowDefinition('pong', pong, { flows }));
    expect(sorted(flows.get('pong')?.listens ?? [])).toEqual(['ping', 'pong']);
    expect(sorted(compileFlowDefinition('ping', ping, { flows }).listens)).toEqual(['ping', 'pong']);
  });
});
