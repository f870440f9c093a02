import { describe, expect, it } from 'vitest';
import { MemoryStore, ReactiveSystemRuntime, defineSystem, getTaskContext, type SaveRequest, type SystemDefinition } from '../../src/index.js';
import { createClock, deferred, settle, stateText } from '../support/time.js';

const system = defineSystem({
  id: 'shop',
  version: '1.0.0',
  tasks: {
    charge: {},
    ship: { retry: { maxAttempts: 3, initialDelay: '10s', backoff: 'fixed' } },
  },
  events: { 'shipment.arrived': {}, 'order.paid': {}, 'order.shipped': {} },
  flows: {
    checkout: {
      steps: [
        { id: 'charge', type: 'task', task: 'charge', input: '{ "amount": input.amount }' },
        { id: 'cool', type: 'wait', duration: '5m' },
        { id: 'ship', type: 'task', task: 'ship' },
        { id: 'arrived', type: 'event', event: 'shipment.arrived', match: 'event.orderId = input.orderId' },
      ],
    },
  },
  processes: {
    order: {
      initial: 'pending',
      context: { paid: 0 },
      states: {
        pending: { on: { 'order.paid': { target: 'paid', actions: [{ type: 'assign', values: { paid: 'event.amount' } }] } } },
        paid: { on: { 'order.shipped': 'shipped' } },
        shipped: { type: 'final' },
      },
    },
  },
});

/** A runtime on `store` with counting task implementations; `failShip` attempts of `ship` fail first. */
function boot(store: MemoryStore, clock: ReturnType<typeof createClock>, calls: string[], options: { failShip?: number; document?: SystemDefinition } = {}) {
  let failShip = options.failShip ?? 0;
  const runtime = new ReactiveSystemRuntime(options.document ?? system, { store, clock, logger: { warn: () => undefined, error: () => undefined } });
  runtime.registerTaskImplementations({
    charge: async (input: { amount: number }) => {
      calls.push(`charge:${getTaskContext().idempotencyKey}`);
      return { chargeId: `ch_${input.amount}` };
    },
    ship: async () => {
      calls.push(`ship:${getTaskContext().idempotencyKey}`);
      if (failShip-- > 0) throw new Error('carrier down');
      return { tracking: 'T1' };
    },
  });
  return runtime;
}

describe('recovery from a store', () => {
  it('brings back a flow waiting on a timer, which fires at the remaining time, and never runs a completed step again', async () => {
    const store = new MemoryStore();
    const clock = createClock();
    const calls: string[] = [];
    const first = boot(store, clock, calls);
    await first.start();
    first.startFlow('checkout', { amount: 5, orderId: 'o1' }, { instanceId: 'c1' });
    await clock.advance(60_000);
    expect(stateText(first.getActor('c1').getSnapshot().value)).toBe('running.cool');
    first.stop();

    const second = boot(store, clock, calls);
    const report = await second.start();
    expect(report).toMatchObject({ recovered: ['c1', 'order'], needsMigration: [], unreadable: [] });
    expect(stateText(second.getActor('c1').getSnapshot().value)).toBe('running.cool');
    await clock.advance(239_000);
    expect(stateText(second.getActor('c1').getSnapshot().value)).toBe('running.cool');
    await clock.advance(1_000);
    expect(stateText(second.getActor('c1').getSnapshot().value)).toBe('running.arrived');
    second.sendEvent('shipment.arrived', { orderId: 'o1' });
    const result = await second.flowResult('c1');
    expect(result).toMatchObject({ success: true, output: { orderId: 'o1' }, steps: { charge: { status: 'completed', output: { chargeId: 'ch_5' } } } });
    expect(calls).toEqual(['charge:c1/charge/1', 'ship:c1/ship/1']);
    expect(await second.getInstance('c1')).toMatchObject({ status: 'completed', finishedAt: 300_000 });
  });

  it('resumes a backoff with the time that remained and goes on with the next attempt', async () => {
    const store = new MemoryStore();
    const clock = createClock();
    const calls: string[] = [];
    const first = boot(store, clock, calls, { failShip: 1 });
    await first.start();
    first.startFlow('checkout', { amount: 5, orderId: 'o1' }, { instanceId: 'c1' });
    await clock.advance(300_000);
    await clock.advance(4_000);
    expect(stateText(first.getActor('c1').getSnapshot().value)).toBe('running.ship.$backoff');
    first.stop();

    const second = boot(store, clock, calls);
    await second.start();
    await clock.advance(5_900);
    expect(calls).toEqual(['charge:c1/charge/1', 'ship:c1/ship/1']);
    await clock.advance(100);
    expect(calls).toEqual(['charge:c1/charge/1', 'ship:c1/ship/1', 'ship:c1/ship/2']);
    expect(stateText(second.getActor('c1').getSnapshot().value)).toBe('running.arrived');
  });

  it('runs a task that was running at the crash again, with the same idempotency key', async () => {
    const store = new MemoryStore();
    const clock = createClock();
    const keys: string[] = [];
    const hanging = deferred<unknown>();
    const first = new ReactiveSystemRuntime(system, { store, clock });
    first.registerTaskImplementation('charge', () => {
      keys.push(getTaskContext().idempotencyKey);
      return hanging.promise;
    });
    await first.start();
    first.startFlow('checkout', { amount: 5, orderId: 'o1' }, { instanceId: 'c1' });
    await settle();
    expect(keys).toEqual(['c1/charge/1']);
    first.stop();

    const second = new ReactiveSystemRuntime(system, { store, clock });
    second.registerTaskImplementation('charge', () => {
      keys.push(getTaskContext().idempotencyKey);
      return { chargeId: 'again' };
    });
    await second.start();
    await settle();
    expect(keys).toEqual(['c1/charge/1', 'c1/charge/1']);
    expect(stateText(second.getActor('c1').getSnapshot().value)).toBe('running.cool');
  });

  it('keeps process instances in their state and context, and does not duplicate the default instance', async () => {
    const store = new MemoryStore();
    const clock = createClock();
    const first = boot(store, clock, []);
    await first.start();
    first.sendEvent('order.paid', { processId: 'order', amount: 30 });
    first.createProcess('order', { instanceId: 'o-2' });
    await settle();
    first.stop();

    const second = boot(store, clock, []);
    expect((await second.start()).recovered.sort()).toEqual(['o-2', 'order']);
    expect(second.getProcessState('order')).toBe('paid');
    expect(second.getProcessContext('order')).toEqual({ paid: 30 });
    expect(second.getProcessState('order', 'o-2')).toBe('pending');
    second.sendEvent('order.shipped', { processId: 'order' });
    await settle();
    const page = await second.listInstances({ processId: 'order' });
    expect(page.instances.map((i) => [i.instanceId, i.status]).sort()).toEqual([
      ['o-2', 'running'],
      ['order', 'completed'],
    ]);

    // A finished default instance stays readable after the next restart, and is not created again.
    second.stop();
    const third = boot(store, clock, []);
    expect((await third.start()).recovered).toEqual(['o-2']);
    expect(third.getProcessState('order')).toBe('shipped');
  });

  it('starts a task attempt only after the snapshot that started it is stored (write-ahead)', async () => {
    const gate = deferred<void>();
    const saved: string[] = [];
    class SlowStore extends MemoryStore {
      override async save(request: SaveRequest): Promise<void> {
        if (request.record.instanceId !== 'c1') return super.save(request);
        if (saved.length === 0) await gate.promise;
        await super.save(request);
        const snapshot = request.record.snapshot as { value: unknown; children: Record<string, unknown> };
        saved.push(`${stateText(snapshot.value)} [${Object.keys(snapshot.children).join(',')}]`);
      }
    }
    const clock = createClock();
    const calls: string[] = [];
    const runtime = boot(new SlowStore(), clock, calls);
    await runtime.start();
    runtime.startFlow('checkout', { amount: 5, orderId: 'o1' }, { instanceId: 'c1' });
    await settle();
    expect(calls).toEqual([]);
    gate.resolve();
    await settle();
    // The stored state holds the attempt as a child actor: a crash from here on runs it again on recovery.
    expect(saved[0]).toBe('running.charge [charge]');
    expect(calls).toEqual(['charge:c1/charge/1']);
  });

  it('lets an attempt whose task has no implementation yet wait for one, instead of failing what it recovered', async () => {
    const store = new MemoryStore();
    const clock = createClock();
    const first = new ReactiveSystemRuntime(system, { store, clock });
    first.registerTaskImplementations({ charge: () => ({ chargeId: 'ch' }), ship: () => deferred<unknown>().promise });
    await first.start();
    first.startFlow('checkout', { amount: 5, orderId: 'o1' }, { instanceId: 'c1' });
    await clock.advance(300_000);
    expect(stateText(first.getActor('c1').getSnapshot().value)).toBe('running.ship.$attempt');
    first.stop();

    const waiting: unknown[] = [];
    const second = new ReactiveSystemRuntime(system, { store, clock, logger: { warn: () => undefined } });
    second.registerEventHandler('task.waiting', (payload) => void waiting.push(payload));
    await second.start();
    await settle();
    expect(waiting).toEqual([{ taskId: 'ship', instanceId: 'c1', stepId: 'ship', attempt: 1 }]);
    expect(stateText(second.getActor('c1').getSnapshot().value)).toBe('running.ship.$attempt');
    second.registerTaskImplementation('ship', () => ({ tracking: 'late' }));
    await settle();
    expect(stateText(second.getActor('c1').getSnapshot().value)).toBe('running.arrived');
    expect((await second.getInstance('c1')).status).toBe('running');
  });

  it('says when a new instance is stored, so a caller knows a crash can no longer lose it', async () => {
    const store = new MemoryStore();
    const runtime = boot(store, createClock(), []);
    await runtime.start();
    const handle = runtime.startFlow('checkout', { amount: 5, orderId: 'o1' }, { instanceId: 'c1' });
    expect(await store.load('c1')).toBeUndefined();
    await handle.stored();
    expect(await store.load('c1')).toMatchObject({ status: 'running', version: 1 });
    runtime.sendEvent('order.paid', { processId: 'order', amount: 3 });
    await runtime.whenStored();
    expect(await store.load('order')).toMatchObject({ snapshot: { value: 'paid', context: { paid: 3 } } });
  });

  it('refuses work before start() and explains why', async () => {
    const runtime = boot(new MemoryStore(), createClock(), []);
    expect(() => runtime.startFlow('checkout', { amount: 1, orderId: 'x' })).toThrow(expect.objectContaining({ code: 'NOT_STARTED' }));
    expect(() => runtime.getProcessState('order')).toThrow(/await runtime.start\(\)/);
  });
});

describe('history and queries', () => {
  it('records what happened, in order, with times', async () => {
    const store = new MemoryStore();
    const clock = createClock();
    const runtime = boot(store, clock, [], { failShip: 1 });
    await runtime.start();
    runtime.startFlow('checkout', { amount: 5, orderId: 'o1' }, { instanceId: 'c1' });
    await clock.advance(300_000);
    await clock.advance(10_000);
    runtime.sendEvent('shipment.arrived', { orderId: 'o1' });
    await runtime.flowResult('c1');
    const history = await runtime.getHistory('c1');
    expect(history.map((e) => [e.seq, e.at, e.type, e.data?.step ?? e.data?.timer ?? e.data?.event ?? null])).toEqual([
      [1, 0, 'instance.created', null],
      [2, 0, 'step.started', 'charge'],
      [3, 0, 'step.completed', 'charge'],
      [4, 0, 'step.started', 'cool'],
      [5, 300_000, 'timer.fired', 'cool:wait'],
      [6, 300_000, 'step.completed', 'cool'],
      [7, 300_000, 'step.started', 'ship'],
      [8, 300_000, 'step.retrying', 'ship'],
      [9, 310_000, 'timer.fired', 'ship:backoff'],
      [10, 310_000, 'step.started', 'ship'],
      [11, 310_000, 'step.completed', 'ship'],
      [12, 310_000, 'step.started', 'arrived'],
      [13, 310_000, 'event.received', 'shipment.arrived'],
      [14, 310_000, 'step.completed', 'arrived'],
      [15, 310_000, 'instance.completed', null],
    ]);
    expect(history[7]?.data).toMatchObject({ attempt: 1, delayMs: 10_000, error: { message: 'carrier down' } });
    expect(await runtime.getHistory('c1', { afterSeq: 13 })).toHaveLength(2);
    await expect(runtime.getHistory('nope')).rejects.toMatchObject({ code: 'UNKNOWN_INSTANCE' });
  });

  it('orders a step that ends its container and starts the next one: inner end, outer end, next start', async () => {
    const nested = defineSystem({
      id: 'nested',
      tasks: { a: {}, b: {} },
      flows: {
        f: {
          steps: [
            { id: 'both', type: 'parallel', branches: [[{ id: 'left', type: 'task', task: 'a' }], [{ id: 'right', type: 'task', task: 'a' }]] },
            { id: 'check', type: 'condition', if: 'true', then: [{ id: 'inner', type: 'task', task: 'b' }], else: [] },
            { id: 'last', type: 'task', task: 'b' },
          ],
        },
      },
    });
    const runtime = new ReactiveSystemRuntime(nested, { store: new MemoryStore(), clock: createClock() });
    runtime.registerTaskImplementations({ a: () => 1, b: () => 2 });
    await runtime.start();
    await runtime.executeFlow('f', {}, { instanceId: 'n1' });
    const steps = (await runtime.getHistory('n1')).filter((e) => e.type.startsWith('step.')).map((e) => `${e.type.slice(5)} ${String(e.data?.step)}`);
    expect(steps.indexOf('completed both')).toBeGreaterThan(Math.max(steps.indexOf('completed left'), steps.indexOf('completed right')));
    expect(steps.slice(steps.indexOf('completed both'))).toEqual(['completed both', 'started check', 'started inner', 'completed inner', 'completed check', 'started last', 'completed last']);
  });

  it('pages through instances with filters', async () => {
    const clock = createClock();
    const runtime = boot(new MemoryStore(), clock, []);
    await runtime.start();
    for (let i = 0; i < 5; i++) {
      runtime.startFlow('checkout', { amount: i, orderId: `o${i}` }, { instanceId: `c${i}` });
      await clock.advance(1);
    }
    const first = await runtime.listInstances({ flowId: 'checkout', limit: 3 });
    expect(first.instances.map((i) => i.instanceId)).toEqual(['c4', 'c3', 'c2']);
    const second = await runtime.listInstances({ flowId: 'checkout', limit: 3, ...(first.nextCursor ? { cursor: first.nextCursor } : {}) });
    expect(second.instances.map((i) => i.instanceId)).toEqual(['c1', 'c0']);
    expect(second.nextCursor).toBeUndefined();
    expect((await runtime.listInstances({ status: 'completed' })).instances).toEqual([]);
    expect((await runtime.listInstances({ processId: 'order' })).instances.map((i) => i.instanceId)).toEqual(['order']);
  });

  it('without a store, history needs one and lists show what runs in memory, and what finished while its summary is kept', async () => {
    const runtime = new ReactiveSystemRuntime(system);
    expect(() => runtime.getHistory('order')).toThrow(expect.objectContaining({ code: 'NO_STORE' }));
    expect((await runtime.listInstances()).instances.map((i) => [i.instanceId, i.status])).toEqual([['order', 'running']]);
    const handle = runtime.startFlow('checkout', { amount: 1, orderId: 'o1' }, { instanceId: 'c1' });
    await runtime.cancel('c1');
    expect(await handle.result()).toMatchObject({ success: false, error: { name: 'CancelledError' } });
    await runtime.terminate('order', 'closed down');
    // Finished instances let their actors go; a summary stays readable (the `retention` option bounds them).
    expect((await runtime.listInstances()).instances.map((i) => [i.instanceId, i.status])).toEqual([
      ['order', 'terminated'],
      ['c1', 'cancelled'],
    ]);
    expect(await runtime.getInstance('order')).toMatchObject({ status: 'terminated', error: { name: 'TerminatedError', message: 'closed down' } });
    await expect(runtime.getInstance('nope')).rejects.toMatchObject({ code: 'UNKNOWN_INSTANCE' });
    runtime.stop();
  });
});
