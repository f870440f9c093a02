import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defineSystem } from '../../src/index.js';
import { normalizeSystem } from '../../src/dsl/normalize.js';
import { assembleRuntime, type RuntimeParts } from '../../src/runtime/assemble.js';
import { resolveRuntimeOptions } from '../../src/runtime/options.js';
import type { InstanceHost } from '../../src/runtime/host/instance-host.js';
import type { SnapshotStore } from '../../src/persistence/store.js';
import { getTaskContext } from '../../src/runtime/task-context.js';
import { errorCode, thrownCode } from '../support/errors.js';
import { createClock, recordStates, settle } from '../support/time.js';

/** A system with a process, a flow that waits for an event and a timer, and a one-step flow. */
export const contractSystem = defineSystem({
  id: 'contract',
  version: '1.0.0',
  events: {
    'order.paid': { payload: { type: 'object' } },
    'payment.confirmed': { payload: { type: 'object' } },
  },
  tasks: { charge: {}, ship: {} },
  processes: {
    order: {
      initial: 'pending',
      context: { paid: false },
      states: {
        pending: { on: { 'order.paid': 'paid' } },
        paid: { on: { 'order.paid': 'paid' } },
      },
    },
  },
  flows: {
    checkout: {
      steps: [
        { id: 'charge', type: 'task', task: 'charge' },
        { id: 'confirmed', type: 'event', event: 'payment.confirmed', match: 'event.orderId == input.orderId', timeout: '1h' },
        { id: 'cool', type: 'wait', duration: '5m' },
        { id: 'ship', type: 'task', task: 'ship' },
      ],
    },
    quick: { steps: [{ id: 'charge', type: 'task', task: 'charge' }] },
    broken: { steps: [{ id: 'check', type: 'condition', if: 'input.n * 2 > 1', then: [] }] },
  },
});

/** What a host under test gives each case. */
export interface HostUnderTest {
  /** A store when the host keeps state in one; the contract does not read it. */
  store?: SnapshotStore;
  cleanup(): Promise<void>;
}

const quiet = { warn: () => undefined, error: () => undefined };

/** Lets the host work (a store's write comes before each attempt, over the network for PostgreSQL) until `done` holds, for 10 s at most. */
async function until(done: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!done() && Date.now() < deadline) await new Promise<void>((resolve) => setImmediate(resolve));
  if (!done()) throw new Error('the host did not get there in 10 s');
}

/**
 * The behaviour every instance host shares, checked through the `InstanceHost` interface itself (as the
 * facade uses it): the same cases for each host, as `store-contract.ts` does for snapshot stores.
 */
export function describeInstanceHost(name: string, setup: () => Promise<HostUnderTest>): void {
  describe(`InstanceHost contract: ${name}`, () => {
    let subject: HostUnderTest;
    let parts: RuntimeParts;
    let host: InstanceHost;
    let clock: ReturnType<typeof createClock>;
    const calls: string[] = [];

    beforeEach(async () => {
      subject = await setup();
      clock = createClock();
      calls.length = 0;
      parts = assembleRuntime(normalizeSystem(contractSystem), resolveRuntimeOptions({ clock, logger: quiet, ...(subject.store ? { store: subject.store } : {}) }));
      parts.model.tasks.register('charge', (input: { amount?: number }) => (calls.push('charge'), { charged: input.amount ?? 0 }));
      parts.model.tasks.register('ship', () => (calls.push('ship'), { tracking: 'T1' }));
      host = parts.host;
    });
    afterEach(async () => {
      host.stop();
      await subject.cleanup();
    });

    const startFlow = (flowId: string, instanceId: string, input: unknown) =>
      host.start({ kind: 'flow', definitionId: flowId, instanceId, input: { input, instanceId }, created: { input } });

    it('opens once: every call answers the same report, and the default process instance runs here', async () => {
      const first = host.open();
      expect(host.open()).toBe(first);
      expect(await first).toMatchObject({ recovered: [], needsMigration: [], unreadable: [] });
      expect(() => host.assertOpen()).not.toThrow();
      expect(host.local?.actor('order')?.getSnapshot().value).toBe('pending');
      expect(host.local?.describe('order')).toEqual({ kind: 'process', definitionId: 'order' });
    });

    it('runs a flow through its steps to its result, timers driven by the clock', async () => {
      await host.open();
      const started = startFlow('checkout', 'c1', { orderId: 'o1', amount: 5 });
      const states = recordStates(started.actor as never);
      await until(() => calls.length === 1);
      expect(calls).toEqual(['charge']);
      await until(() => started.actor?.getSnapshot().value.running === 'confirmed');
      expect((await host.get('c1')).status).toBe('running');
      await host.deliver({ type: 'payment.confirmed', payload: { orderId: 'o1' } });
      await clock.advance(5 * 60_000);
      const result = await started.result;
      expect(result).toMatchObject({ success: true, output: { tracking: 'T1' }, instanceId: 'c1' });
      expect(result?.steps).toMatchObject({ charge: { status: 'completed', output: { charged: 5 } }, ship: { status: 'completed' } });
      expect(calls).toEqual(['charge', 'ship']);
      expect(states.filter((s) => !s.includes('$')).map((s) => s.split('.')[1])).toEqual(['charge', 'confirmed', 'cool', 'ship', undefined]);
      expect(states.at(-1)).toBe('succeeded');
    });

    it('answers result() for a flow that runs here, and refuses an unknown id', async () => {
      await host.open();
      startFlow('quick', 'q1', { amount: 2 });
      expect(await host.result('q1')).toMatchObject({ success: true, output: { charged: 2 } });
      expect(await errorCode(() => host.result('nope'))).toBe('UNKNOWN_INSTANCE');
    });

    it('settles an instance whose machine fails: its result carries the failure, and the host goes on', async () => {
      await host.open();
      const broken = startFlow('broken', 'b1', { n: 'not a number' });
      expect(await broken.result).toMatchObject({ success: false, error: { name: 'ExpressionError' }, instanceId: 'b1' });
      expect(await startFlow('quick', 'q2', { amount: 1 }).result).toMatchObject({ success: true });
    });

    it('refuses a second instance with the same id, and gives new ids that do not repeat', async () => {
      await host.open();
      startFlow('checkout', 'dup', { orderId: 'o1' });
      expect(thrownCode(() => startFlow('checkout', 'dup', { orderId: 'o1' }))).toBe('DUPLICATE_INSTANCE');
      const ids = new Set(Array.from({ length: 50 }, () => host.newInstanceId('checkout')));
      expect(ids.size).toBe(50);
      for (const id of ids) expect(id.startsWith('checkout-')).toBe(true);
    });

    it('delivers to one addressed instance, to the default instance of a process, or to every listener', async () => {
      await host.open();
      host.start({ kind: 'process', definitionId: 'order', instanceId: 'o-2', input: undefined, created: {} });
      host.start({ kind: 'process', definitionId: 'order', instanceId: 'o-3', input: undefined, created: {} });
      await host.deliver({ type: 'order.paid', payload: {} }, { address: { instanceId: 'o-2' } });
      expect(['order', 'o-2', 'o-3'].map((id) => host.local?.actor(id)?.getSnapshot().value)).toEqual(['pending', 'paid', 'pending']);
      await host.deliver({ type: 'order.paid', payload: {} }, { address: { processId: 'order' } });
      expect(['order', 'o-2', 'o-3'].map((id) => host.local?.actor(id)?.getSnapshot().value)).toEqual(['paid', 'paid', 'pending']);
      await host.deliver({ type: 'order.paid', payload: {} });
      expect(['order', 'o-2', 'o-3'].map((id) => host.local?.actor(id)?.getSnapshot().value)).toEqual(['paid', 'paid', 'paid']);
    });

    it('runs `accepted` once the event is taken, before any instance sees it; an unknown address is refused before that', async () => {
      await host.open();
      const seen: string[] = [];
      const actor = host.local?.actor('order');
      actor?.subscribe((snapshot) => void seen.push(`state ${String(snapshot.value)}`));
      await host.deliver({ type: 'order.paid', payload: {} }, { address: { instanceId: 'order' }, accepted: () => void seen.push('accepted') });
      expect(seen).toEqual(['accepted', 'state paid']);
      let accepted = false;
      expect(thrownCode(() => host.deliver({ type: 'order.paid', payload: {} }, { address: { instanceId: 'nope' }, accepted: () => (accepted = true) }))).toBe('UNKNOWN_INSTANCE');
      expect(thrownCode(() => host.deliver({ type: 'order.paid', payload: {} }, { address: { processId: 'nope' } }))).toBe('UNKNOWN_PROCESS');
      expect(accepted).toBe(false);
    });

    it('lists the instances of a flow or a process with their status', async () => {
      await host.open();
      startFlow('checkout', 'l1', { orderId: 'o1' });
      startFlow('checkout', 'l2', { orderId: 'o2' });
      await settle();
      const flows = await host.list({ flowId: 'checkout' });
      expect(flows.instances.map((i) => [i.instanceId, i.kind, i.status]).sort()).toEqual([
        ['l1', 'flow', 'running'],
        ['l2', 'flow', 'running'],
      ]);
      const processes = await host.list({ processId: 'order' });
      expect(processes.instances.map((i) => [i.instanceId, i.definitionId, i.status])).toEqual([['order', 'order', 'running']]);
      const summary = await host.get('l1');
      expect(summary).toMatchObject({ instanceId: 'l1', kind: 'flow', definitionId: 'checkout', systemId: 'contract', systemVersion: '1.0.0' });
      expect(summary.machineHash).toMatch(/^[0-9a-f]{64}$/);
      expect(await errorCode(() => host.get('nope'))).toBe('UNKNOWN_INSTANCE');
    });

    it('cancels a flow through its machine: it ends cancelled, and its running attempt sees its signal fire', async () => {
      await host.open();
      let signal: AbortSignal | undefined;
      parts.model.tasks.register('charge', () => new Promise(() => (signal = getSignal())));
      const started = startFlow('quick', 'x1', {});
      await until(() => signal !== undefined);
      await host.end('x1', 'cancelled', 'changed my mind');
      const result = await started.result;
      expect(result).toMatchObject({ success: false, error: { name: 'CancelledError' } });
      expect(signal?.aborted).toBe(true);
    });

    it('terminates a process at once, recording the reason; ending an unknown id is refused', async () => {
      await host.open();
      host.start({ kind: 'process', definitionId: 'order', instanceId: 't1', input: { context: { paid: true } }, created: {} });
      expect(host.local?.actor('t1')?.getSnapshot().context).toEqual({ paid: true });
      await host.end('t1', 'terminated', 'fraud');
      expect(host.local?.actor('t1')).toBeUndefined();
      expect(host.local?.ids('process')).toEqual(['order']);
      expect(await errorCode(() => host.end('nope', 'terminated', 'x'))).toBe('UNKNOWN_INSTANCE');
    });

    it('terminating a flow ends its result with the reason', async () => {
      await host.open();
      const started = startFlow('checkout', 'k1', { orderId: 'o1' });
      await settle();
      await host.end('k1', 'terminated', 'shop closed');
      expect(await started.result).toMatchObject({ success: false, error: { name: 'TerminatedError', message: 'shop closed' } });
    });

    it('settles: once `settled` resolves, the latest state is kept as the host keeps state', async () => {
      await host.open();
      startFlow('checkout', 's1', { orderId: 'o1' });
      await host.settled('s1');
      await host.settled();
      expect((await host.get('s1')).status).toBe('running');
    });

    it('stop() stops every instance here', async () => {
      await host.open();
      const started = startFlow('checkout', 'p1', { orderId: 'o1' });
      const actor = started.actor;
      host.stop();
      expect(actor?.getSnapshot().status).toBe('stopped');
      expect(host.local?.ids()).toEqual([]);
    });
  });
}

/** The AbortSignal of the attempt running now (a task implementation asks for its own). */
const getSignal = (): AbortSignal => getTaskContext().signal;
