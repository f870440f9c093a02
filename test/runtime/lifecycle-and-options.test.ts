import type { InspectionEvent } from 'xstate';
import { describe, expect, it } from 'vitest';
import { ReactiveSystemRuntime, defineSystem, getEventContext, getTaskContext } from '../../src/index.js';
import { createClock, settle } from '../support/time.js';

const system = defineSystem({
  id: 'life',
  tasks: {
    ok: {},
    bad: {},
    linear: { retry: { maxAttempts: 4, initialDelay: '1s', backoff: 'linear', maxDelay: '2500ms' } },
    fixed: { retry: { maxAttempts: 3, initialDelay: '3s', backoff: 'fixed' } },
    jittery: { retry: { maxAttempts: 2, initialDelay: '10s', jitter: 'full' } },
  },
  processes: {
    counter: {
      initial: 'counting',
      context: { n: 0 },
      states: {
        counting: {
          on: {
            add: [
              { guard: 'event.by * 2 > 100', target: 'overflow' },
              { guard: 'event.by > 0', actions: [{ type: 'assign', values: { n: 'context.n + event.by' } }] },
            ],
          },
        },
        overflow: {},
      },
    },
  },
  flows: {
    good: { steps: [{ id: 'ok', type: 'task', task: 'ok' }] },
    failing: { steps: [{ id: 'bad', type: 'task', task: 'bad' }] },
    onFailure: { trigger: 'flow.failed', steps: [{ id: 'ok', type: 'task', task: 'ok', input: '{ "failedFlow": input.flowId }' }] },
  },
});

describe('lifecycle events', () => {
  it('are delivered to handlers and can trigger flows, so errors can be handled with events', async () => {
    const rt = new ReactiveSystemRuntime(system, { clock: createClock() });
    const seen: string[] = [];
    const inputs: unknown[] = [];
    rt.registerTaskImplementations({
      ok: async (input: unknown) => (inputs.push(input), 'fine'),
      bad: async () => {
        throw new Error('nope');
      },
    });
    rt.registerEventHandler('*', (payload) => void seen.push(`${getEventContext().type}:${String(payload.flowId ?? payload.taskId)}`));
    await rt.executeFlow('good', {});
    await rt.executeFlow('failing', {});
    await settle();
    expect(seen).toEqual([
      'flow.started:good',
      'task.started:ok',
      'task.completed:ok',
      'flow.completed:good',
      'flow.started:failing',
      'task.started:bad',
      'task.failed:bad',
      'flow.failed:failing',
      'flow.started:onFailure',
      'task.started:ok',
      'task.completed:ok',
      'flow.completed:onFailure',
    ]);
    expect(inputs).toEqual([{}, { failedFlow: 'failing' }]);
  });

  it('a task can emit events through its context', async () => {
    const rt = new ReactiveSystemRuntime(system, { clock: createClock() });
    const progress: unknown[] = [];
    rt.registerEventHandler('ok.progress', (payload) => void progress.push(payload));
    rt.registerTaskImplementation('ok', async () => {
      getTaskContext().emit('ok.progress', { percent: 50 });
      return 'done';
    });
    await rt.executeTask('ok');
    expect(progress).toEqual([{ percent: 50 }]);
  });

  it('a handler that throws is logged and the others still run', () => {
    const errors: string[] = [];
    const rt = new ReactiveSystemRuntime(system, { clock: createClock(), logger: { error: (message) => void errors.push(message) } });
    const got: unknown[] = [];
    rt.registerEventHandler('ping', () => {
      throw new Error('handler broke');
    });
    rt.registerEventHandler('ping', (payload) => void got.push(payload));
    rt.sendEvent('ping', { n: 1 });
    expect(got).toEqual([{ n: 1 }]);
    expect(errors).toEqual(['An event handler for "ping" failed']);
  });
});

describe('backoff kinds on the clock', () => {
  async function attemptTimes(taskId: string, random?: () => number) {
    const clock = createClock();
    const rt = new ReactiveSystemRuntime(system, { clock, ...(random ? { random } : {}) });
    const times: number[] = [];
    rt.registerTaskImplementation(taskId, async () => {
      times.push(clock.now());
      throw new Error('again');
    });
    const pending = rt.executeTask(taskId);
    for (let i = 0; i < 30; i++) await clock.advance(500);
    return { times, result: await pending };
  }

  it('linear grows by initialDelay each retry, capped by maxDelay', async () => {
    const { times, result } = await attemptTimes('linear');
    expect(times).toEqual([0, 1000, 3000, 5500]);
    expect(result.attempts).toBe(4);
  });

  it('fixed waits the same each time', async () => {
    expect((await attemptTimes('fixed')).times).toEqual([0, 3000, 6000]);
  });

  it("full jitter waits a random share of the delay, from the runtime's random", async () => {
    expect((await attemptTimes('jittery', () => 0.25)).times).toEqual([0, 2500]);
  });
});

describe('processes survive bad events', () => {
  it('a guard that fails to evaluate is reported, counts as false, and the instance goes on', () => {
    const errors: unknown[] = [];
    const rt = new ReactiveSystemRuntime(system, { clock: createClock(), logger: { error: () => undefined } });
    rt.registerEventHandler('process.error', (payload) => void errors.push(payload));
    rt.sendEvent('add', { processId: 'counter', by: 'ten' });
    expect(rt.getProcessState('counter')).toBe('counting');
    expect(errors).toMatchObject([{ instanceId: 'counter', event: 'add', message: expect.stringContaining('a guard failed on event "add"') }]);
    rt.sendEvent('add', { processId: 'counter', by: 2 });
    expect(rt.getProcessContext('counter')).toEqual({ n: 2 });
  });
});

describe('the inspect option', () => {
  it('is handed to every actor: flows, their children and processes', async () => {
    const events: InspectionEvent[] = [];
    const rt = new ReactiveSystemRuntime(system, { clock: createClock(), inspect: (event) => void events.push(event) });
    rt.registerTaskImplementation('ok', async () => 'fine');
    await rt.executeFlow('good', {}, { instanceId: 'g-1' });
    const idOf = (e: InspectionEvent) => (e.actorRef as { id?: string }).id;
    const actors = new Set(events.map(idOf));
    expect(actors).toContain('g-1');
    expect(actors).toContain('ok');
    expect(actors).toContain('counter');
    expect(events.some((e) => e.type === '@xstate.microstep')).toBe(true);
    const snapshots = events.filter((e) => e.type === '@xstate.snapshot' && idOf(e) === 'g-1');
    expect(snapshots.map((e) => JSON.stringify((e as unknown as { snapshot: { value: unknown } }).snapshot.value))).toEqual(['{"running":"ok"}', '"succeeded"']);
  });
});
