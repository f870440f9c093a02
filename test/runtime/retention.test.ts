import { describe, expect, it } from 'vitest';
import { MemoryStore, ReactiveSystemRuntime, defineSystem } from '../../src/index.js';
import { errorCode } from '../support/errors.js';
import { createClock, settle } from '../support/time.js';

const quiet = { warn: () => undefined, error: () => undefined };

const system = defineSystem({
  id: 'months',
  version: '1.0.0',
  tasks: { work: {} },
  processes: {
    ticket: {
      initial: 'open',
      context: { notes: 0 },
      states: {
        open: { on: { note: { actions: [{ type: 'assign', values: { notes: 'context.notes + 1' } }] }, close: 'closed' } },
        closed: { type: 'final' },
      },
    },
  },
  flows: { job: { steps: [{ id: 'work', type: 'task', task: 'work' }] } },
});

function boot(options: ConstructorParameters<typeof ReactiveSystemRuntime>[1] = {}) {
  const runtime = new ReactiveSystemRuntime(system, { logger: quiet, ...options });
  runtime.registerTaskImplementation('work', (input: { n?: number }) => ({ done: input.n ?? 0 }));
  return runtime;
}

describe('finished instances without a store', () => {
  it('a process that reached its final state lets its actor go; its state, context and status stay readable', async () => {
    const runtime = boot();
    const id = runtime.createProcess('ticket', { instanceId: 't1' });
    runtime.sendEvent('note', {}, { instanceId: id });
    runtime.sendEvent('close', {}, { instanceId: id });
    expect(runtime.getProcessState('ticket', 't1')).toBe('closed');
    expect(runtime.getProcessContext('ticket', 't1')).toEqual({ notes: 1 });
    expect(await runtime.getInstance('t1')).toMatchObject({ status: 'completed', kind: 'process', definitionId: 'ticket' });
    expect(await errorCode(() => runtime.getActor('t1'))).toBe('INSTANCE_FINISHED');
    expect(await errorCode(() => runtime.sendEvent('note', {}, { instanceId: 't1' }))).toBe('INSTANCE_FINISHED');
    expect(await errorCode(() => runtime.cancel('t1'))).toBe('INSTANCE_FINISHED');
    expect(await errorCode(() => runtime.terminate('t1', 'again'))).toBe('INSTANCE_FINISHED');
    // A broadcast no longer reaches it: it left the event index with its actor.
    runtime.sendEvent('note', {});
    expect(runtime.getProcessContext('ticket', 't1')).toEqual({ notes: 1 });
    expect(runtime.getProcessContext('ticket')).toEqual({ notes: 1 });
    runtime.stop();
  });

  it('a finished flow answers flowResult and getInstance; ending it again is refused', async () => {
    const runtime = boot();
    const handle = runtime.startFlow('job', { n: 3 }, { instanceId: 'j1' });
    expect(await handle.result()).toMatchObject({ success: true, output: { done: 3 } });
    expect(await runtime.flowResult('j1')).toMatchObject({ success: true, output: { done: 3 }, instanceId: 'j1' });
    expect(await runtime.getInstance('j1')).toMatchObject({ status: 'completed', kind: 'flow' });
    expect(await errorCode(() => runtime.cancel('j1'))).toBe('INSTANCE_FINISHED');
    expect(await errorCode(() => runtime.terminate('j1', 'x'))).toBe('INSTANCE_FINISHED');
    expect(await errorCode(() => runtime.flowResult('never'))).toBe('UNKNOWN_INSTANCE');
    runtime.stop();
  });

  it('keeps at most `retention.count` summaries, the oldest going first', async () => {
    const runtime = boot({ retention: { count: 2 } });
    for (const n of [1, 2, 3]) await runtime.executeFlow('job', { n }, { instanceId: `j${n}` });
    expect(await errorCode(() => runtime.flowResult('j1'))).toBe('UNKNOWN_INSTANCE');
    expect((await runtime.flowResult('j3')).output).toEqual({ done: 3 });
    const page = await runtime.listInstances({ flowId: 'job' });
    expect(page.instances.map((i) => [i.instanceId, i.status])).toEqual([
      ['j3', 'completed'],
      ['j2', 'completed'],
    ]);
    runtime.stop();
  });

  it('forgets summaries older than `retention.age`, by the runtime clock', async () => {
    const clock = createClock();
    const runtime = boot({ clock, retention: { age: '1m' } });
    await runtime.executeFlow('job', { n: 1 }, { instanceId: 'old' });
    await clock.advance(50_000);
    await runtime.executeFlow('job', { n: 2 }, { instanceId: 'young' });
    await clock.advance(20_000);
    expect(await errorCode(() => runtime.flowResult('old'))).toBe('UNKNOWN_INSTANCE');
    expect((await runtime.flowResult('young')).output).toEqual({ done: 2 });
    runtime.stop();
  });

  it('purgeFinished works without a store: it removes summaries older than its argument and says how many', async () => {
    const clock = createClock();
    const runtime = boot({ clock });
    await runtime.executeFlow('job', {}, { instanceId: 'a' });
    await runtime.executeFlow('job', {}, { instanceId: 'b' });
    await clock.advance(10_000);
    await runtime.executeFlow('job', {}, { instanceId: 'c' });
    expect(await runtime.purgeFinished('5s')).toBe(2);
    expect((await runtime.listInstances({ flowId: 'job' })).instances.map((i) => i.instanceId)).toEqual(['c']);
    await clock.advance(1);
    expect(await runtime.purgeFinished(0)).toBe(1);
    runtime.stop();
  });

  it('refuses a retention count that is not a non-negative integer, naming the option', () => {
    expect(() => boot({ retention: { count: -1 } })).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', message: expect.stringContaining('options.retention.count') }));
  });
});

describe('finished instances with a store', () => {
  it('a finished process is released once its final write is stored; the row stays, and ending it again is refused as without a store', async () => {
    const store = new MemoryStore();
    const runtime = boot({ store });
    await runtime.start();
    runtime.createProcess('ticket', { instanceId: 't1' });
    runtime.sendEvent('close', {}, { instanceId: 't1' });
    await runtime.whenStored();
    expect((await store.load('t1'))?.status).toBe('completed');
    expect(runtime.getProcessState('ticket', 't1')).toBe('closed');
    expect(await errorCode(() => runtime.getActor('t1'))).toBe('INSTANCE_FINISHED');
    expect(await errorCode(() => runtime.cancel('t1'))).toBe('INSTANCE_FINISHED');
    expect(await errorCode(() => runtime.terminate('t1', 'x'))).toBe('INSTANCE_FINISHED');
    const handle = runtime.startFlow('job', { n: 1 }, { instanceId: 'j1' });
    await handle.result();
    await settle();
    expect(await errorCode(() => runtime.cancel('j1'))).toBe('INSTANCE_FINISHED');
    await runtime.close();
  });
});
