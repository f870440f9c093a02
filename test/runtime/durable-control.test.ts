import { describe, expect, it } from 'vitest';
import { MemoryStore, ReactiveSystemRuntime, defineSystem, getEventContext, getTaskContext, type FlowDefinition, type SystemDefinition } from '../../src/index.js';
import { createClock, deferred, settle, stateText } from '../support/time.js';

const quiet = { warn: () => undefined, error: () => undefined };

const waitThenShip = (extra: FlowDefinition['steps'] = []): SystemDefinition =>
  defineSystem({
    id: 'shop',
    version: '1.0.0',
    tasks: { pack: {}, ship: {} },
    flows: {
      delivery: {
        steps: [{ id: 'pack', type: 'task', task: 'pack' }, { id: 'cool', type: 'wait', duration: '1h' }, ...extra, { id: 'ship', type: 'task', task: 'ship' }],
      },
    },
  });

function boot(store: MemoryStore, clock: ReturnType<typeof createClock>, document: SystemDefinition, calls: string[] = [], events: string[] = []) {
  const runtime = new ReactiveSystemRuntime(document, { store, clock, logger: quiet });
  const implementations = {
    pack: () => (calls.push('pack'), { box: 1 }),
    ship: () => (calls.push('ship'), { tracking: 'T1' }),
    label: () => (calls.push('label'), { label: 'L1' }),
  };
  // A system that declares tasks takes implementations of those only: `label` exists in the second version.
  runtime.registerTaskImplementations(Object.fromEntries(Object.entries(implementations).filter(([taskId]) => Object.hasOwn(document.tasks ?? {}, taskId))));
  runtime.registerEventHandler('*', () => void events.push(getEventContext().type));
  return runtime;
}

describe('cancel and terminate', () => {
  it('cancels a waiting flow for good: it ends cancelled, and a restart does not bring it back', async () => {
    const store = new MemoryStore();
    const clock = createClock();
    const runtime = boot(store, clock, waitThenShip());
    await runtime.start();
    runtime.startFlow('delivery', {}, { instanceId: 'd1' });
    await settle();
    await runtime.cancel('d1', 'customer changed their mind');
    expect(await runtime.getInstance('d1')).toMatchObject({ status: 'cancelled' });
    expect((await runtime.flowResult('d1')).success).toBe(false);
    expect((await runtime.getHistory('d1')).at(-1)).toMatchObject({ type: 'instance.cancelled' });
    await expect(runtime.cancel('d1')).rejects.toMatchObject({ code: 'INSTANCE_FINISHED' });
    runtime.stop();
    const next = boot(store, clock, waitThenShip());
    expect((await next.start()).recovered).toEqual([]);
  });

  it('terminates a flow in the middle of a task: the task sees its AbortSignal fire and the reason is kept', async () => {
    const store = new MemoryStore();
    const clock = createClock();
    const runtime = new ReactiveSystemRuntime(waitThenShip(), { store, clock, logger: quiet });
    let signal: AbortSignal | undefined;
    runtime.registerTaskImplementation('pack', () => {
      signal = getTaskContext().signal;
      return deferred<unknown>().promise;
    });
    await runtime.start();
    const handle = runtime.startFlow('delivery', {}, { instanceId: 'd1' });
    await settle();
    expect(signal?.aborted).toBe(false);
    await runtime.terminate('d1', 'fraud suspected');
    expect(signal?.aborted).toBe(true);
    expect(await handle.result()).toMatchObject({ success: false, error: { name: 'TerminatedError', message: 'fraud suspected' } });
    expect(await runtime.getInstance('d1')).toMatchObject({ status: 'terminated', error: { name: 'TerminatedError', message: 'fraud suspected' } });
    expect((await runtime.getHistory('d1')).at(-1)).toMatchObject({ type: 'instance.terminated', data: { reason: 'fraud suspected' } });
    await expect(runtime.terminate('nope', 'x')).rejects.toMatchObject({ code: 'UNKNOWN_INSTANCE' });
  });

  it('removes finished instances after the retention period, and keeps running ones', async () => {
    const store = new MemoryStore();
    const clock = createClock();
    const runtime = boot(store, clock, waitThenShip());
    await runtime.start();
    runtime.startFlow('delivery', {}, { instanceId: 'old' });
    await clock.advance(3_600_000);
    await clock.advance(25 * 3_600_000);
    runtime.startFlow('delivery', {}, { instanceId: 'waiting' });
    await settle();
    expect(await runtime.purgeFinished('1d')).toBe(1);
    expect((await runtime.listInstances()).instances.map((i) => i.instanceId)).toEqual(['waiting']);
    await expect(runtime.getHistory('old')).rejects.toMatchObject({ code: 'UNKNOWN_INSTANCE' });
  });
});

describe('a system that changed while instances ran', () => {
  it('continues an instance whose states all exist in the new machine, and runs the new steps', async () => {
    const store = new MemoryStore();
    const clock = createClock();
    const calls: string[] = [];
    const v1 = boot(store, clock, waitThenShip(), calls);
    await v1.start();
    v1.startFlow('delivery', {}, { instanceId: 'd1' });
    await settle();
    v1.stop();

    const v2Document = waitThenShip([{ id: 'label', type: 'task', task: 'label' }]);
    const v2 = boot(store, clock, { ...v2Document, tasks: { ...v2Document.tasks, label: {} } }, calls);
    const report = await v2.start();
    expect(report).toMatchObject({ recovered: ['d1'], upgraded: ['d1'], needsMigration: [] });
    await clock.advance(3_600_000);
    expect(await v2.flowResult('d1')).toMatchObject({ success: true, steps: { label: { status: 'completed' }, ship: { status: 'completed' } } });
    expect(calls).toEqual(['pack', 'label', 'ship']);
    expect((await v2.getHistory('d1')).map((e) => e.type)).toContain('instance.upgraded');
  });

  it('leaves an instance whose state is gone untouched, reports it, and migrateInstance moves it on', async () => {
    const store = new MemoryStore();
    const clock = createClock();
    const calls: string[] = [];
    const events: string[] = [];
    const v1 = boot(store, clock, waitThenShip(), calls);
    await v1.start();
    v1.startFlow('delivery', {}, { instanceId: 'd1' });
    await clock.advance(600_000);
    v1.stop();
    const before = await store.load('d1');

    // v2 renames the wait step: the instance sits in a state v2 does not have.
    const v2Document = defineSystem({
      id: 'shop',
      version: '2.0.0',
      tasks: { pack: {}, ship: {} },
      flows: { delivery: { steps: [{ id: 'pack', type: 'task', task: 'pack' }, { id: 'rest', type: 'wait', duration: '1h' }, { id: 'ship', type: 'task', task: 'ship' }] } },
    });
    const v2 = boot(store, clock, v2Document, calls, events);
    const report = await v2.start();
    expect(report.recovered).toEqual([]);
    expect(report.needsMigration).toEqual([{ instanceId: 'd1', definitionId: 'delivery', missing: ['running.cool'] }]);
    expect(events).toContain('instance.needs-migration');
    const stored = await store.load('d1');
    expect(stored).toMatchObject({ status: 'needs-migration', error: { code: 'NEEDS_MIGRATION', missing: ['running.cool'] } });
    expect(stored?.snapshot).toEqual(before?.snapshot);

    // The same report after another restart; nothing is reset.
    v2.stop();
    const again = boot(store, clock, v2Document, calls, events);
    expect((await again.start()).needsMigration).toHaveLength(1);

    await expect(again.migrateInstance('d1', (snapshot) => snapshot)).rejects.toMatchObject({ code: 'NEEDS_MIGRATION', message: expect.stringContaining('running.cool') });
    await again.migrateInstance('d1', (snapshot) => {
      const s = snapshot as { value: { running: string }; children: Record<string, unknown>; context: { stepStatus: Record<string, unknown> } };
      s.value.running = 'rest';
      s.children['rest:wait'] = s.children['cool:wait'];
      delete s.children['cool:wait'];
      s.context.stepStatus.rest = s.context.stepStatus.cool;
      delete s.context.stepStatus.cool;
      return s;
    });
    expect(stateText(again.getActor('d1').getSnapshot().value)).toBe('running.rest');
    // The timer kept its deadline: 50 more minutes.
    await clock.advance(3_000_000);
    expect(await again.flowResult('d1')).toMatchObject({ success: true });
    expect(calls).toEqual(['pack', 'ship']);
    expect((await again.getHistory('d1')).map((e) => e.type)).toEqual(expect.arrayContaining(['instance.needs-migration', 'instance.migrated', 'instance.completed']));
  });
});

describe('many writes at once', () => {
  it('keeps at most storeConcurrency writes in flight, queued in order, and stores every instance', async () => {
    let inFlight = 0;
    let most = 0;
    class SlowStore extends MemoryStore {
      override async save(request: Parameters<MemoryStore['save']>[0]): Promise<void> {
        inFlight++;
        most = Math.max(most, inFlight);
        await new Promise<void>((resolve) => setImmediate(resolve));
        inFlight--;
        return super.save(request);
      }
    }
    const store = new SlowStore();
    const clock = createClock();
    const runtime = new ReactiveSystemRuntime(waitThenShip(), { store, clock, logger: quiet, storeConcurrency: 2 });
    runtime.registerTaskImplementations({ pack: () => ({ box: 1 }), ship: () => ({ tracking: 'T' }) });
    await runtime.start();
    for (let i = 0; i < 20; i++) runtime.startFlow('delivery', {}, { instanceId: `d${i}` });
    await runtime.whenStored();
    await clock.advance(3_600_000);
    await runtime.whenStored();
    expect(most).toBe(2);
    expect((await runtime.listInstances({ status: 'completed' })).instances).toHaveLength(20);
    expect(() => new ReactiveSystemRuntime(waitThenShip(), { store, storeConcurrency: 0 })).toThrow(/storeConcurrency must be a positive integer/);
  });
});

describe('two systems on one store', () => {
  it('recovers and lists only its own instances, and refuses a default instance id another system holds', async () => {
    const store = new MemoryStore();
    const clock = createClock();
    const shop = boot(store, clock, waitThenShip());
    await shop.start();
    shop.startFlow('delivery', {}, { instanceId: 'd1' });
    await shop.whenStored();
    shop.stop();

    const other = defineSystem({ id: 'billing', tasks: { pack: {}, ship: {} }, flows: { delivery: { steps: [{ id: 'other', type: 'wait', duration: '1m' }] } } });
    const billing = boot(store, clock, other);
    expect((await billing.start()).recovered).toEqual([]);
    expect((await billing.listInstances()).instances).toEqual([]);
    expect((await billing.listInstances({ systemId: 'shop' })).instances.map((i) => i.instanceId)).toEqual(['d1']);
    expect(await store.load('d1')).toMatchObject({ status: 'running', systemId: 'shop' });
    await expect(billing.migrateInstance('d1', (snapshot) => snapshot)).rejects.toMatchObject({ code: 'NEEDS_MIGRATION', message: expect.stringContaining('belongs to system "shop"') });

    const withProcess = (id: string) => defineSystem({ id, events: { go: {} }, processes: { order: { initial: 'a', states: { a: { on: { go: 'b' } }, b: {} } } } });
    const first = new ReactiveSystemRuntime(withProcess('one'), { store, clock });
    await first.start();
    await first.whenStored();
    first.stop();
    const second = new ReactiveSystemRuntime(withProcess('two'), { store, clock });
    await expect(second.start()).rejects.toMatchObject({ message: expect.stringContaining('belongs to system "one"') });
  });
});

describe('two runtimes on one store', () => {
  it('lets only one advance an instance: the other gets a conflict, stops its copy, and the task runs once', async () => {
    const store = new MemoryStore();
    const clock = createClock();
    const setup = boot(store, clock, waitThenShip());
    await setup.start();
    setup.startFlow('delivery', {}, { instanceId: 'd1' });
    await settle();
    setup.stop();

    const calls: string[] = [];
    const events: string[] = [];
    const a = boot(store, clock, waitThenShip(), calls, events);
    const b = boot(store, clock, waitThenShip(), calls, events);
    await Promise.all([a.start(), b.start()]);
    await settle();
    expect(events.filter((type) => type === 'instance.conflict')).toHaveLength(1);
    await clock.advance(3_600_000);
    expect(calls).toEqual(['ship']);
    expect(await store.load('d1')).toMatchObject({ status: 'completed' });
  });

  it('runs a task that was running at the crash in one of the two recovering runtimes only', async () => {
    const store = new MemoryStore();
    const clock = createClock();
    const setup = new ReactiveSystemRuntime(waitThenShip(), { store, clock, logger: quiet });
    setup.registerTaskImplementation('pack', () => deferred<unknown>().promise);
    await setup.start();
    setup.startFlow('delivery', {}, { instanceId: 'd1' });
    await settle();
    setup.stop();

    const calls: string[] = [];
    const events: string[] = [];
    const a = boot(store, clock, waitThenShip(), calls, events);
    const b = boot(store, clock, waitThenShip(), calls, events);
    await Promise.all([a.start(), b.start()]);
    await settle();
    expect(calls).toEqual(['pack']);
    expect(events.filter((type) => type === 'instance.conflict')).toHaveLength(1);
  });
});
