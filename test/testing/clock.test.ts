import { SimulatedClock } from 'xstate';
import { describe, expect, it } from 'vitest';
import { defineSystem, SystemValidationError } from '../../src/index.js';
import { createTestRuntime, TestClock } from '../../src/testing/index.js';

/** Wait, stamp the time, wait again, stamp again: the second wait is armed only after the first task settles. */
const system = defineSystem({
  id: 'clock',
  tasks: { stamp: {}, flaky: { retry: { maxAttempts: 3, initialDelay: '1s', backoff: 'exponential' } } },
  flows: {
    twice: {
      steps: [
        { id: 'first', type: 'wait', duration: '1m' },
        { id: 'a', type: 'task', task: 'stamp' },
        { id: 'second', type: 'wait', duration: '1m' },
        { id: 'b', type: 'task', task: 'stamp' },
      ],
    },
    retrying: { steps: [{ id: 'try', type: 'task', task: 'flaky' }] },
    waiting: { steps: [{ id: 'hear', type: 'event', event: 'never.sent' }] },
  },
  processes: {
    alarms: {
      type: 'parallel',
      states: {
        early: { initial: 'armed', states: { armed: { after: { '1m': 'rang' } }, rang: {} } },
        late: { initial: 'armed', states: { armed: { after: { '2m': 'rang' } }, rang: {} } },
      },
    },
  },
});

function setup() {
  const stamps: number[] = [];
  let failures = 2;
  const t = createTestRuntime(system, {
    tasks: {
      stamp: async () => void stamps.push(t.now()),
      flaky: async () => {
        if (failures-- > 0) throw Object.assign(new Error('busy'), { name: 'Busy' });
        return { ok: true };
      },
    },
  });
  return { t, stamps };
}

describe('TestClock: advance fires every timer due in the span, in order, settling promises between them', () => {
  it('fires a timer armed by what an earlier timer woke up, in the same advance', async () => {
    const { t, stamps } = setup();
    const flow = t.startFlow('twice');
    await t.advance('2m');
    expect(stamps).toEqual([60_000, 120_000]);
    // Microsteps included: `running.$done` is passed through on the way to `succeeded`.
    expect(flow.trace.states).toEqual(['running.first', 'running.a', 'running.second', 'running.b', 'running.$done', 'succeeded']);
    expect(t.now()).toBe(120_000);
    expect((await flow.result()).success).toBe(true);
  });

  it('where one increment of the raw clock would stop at the first wait', async () => {
    const { t, stamps } = setup();
    const flow = t.startFlow('twice');
    await t.settle();
    t.clock.clock.increment(120_000);
    await t.settle();
    // The second wait was armed at 2m, after the increment: it is due at 3m.
    expect(stamps).toEqual([120_000]);
    expect(flow.trace.current).toEqual(['running.second']);
  });

  it('fires timers in the order they fall due, each at its own time', async () => {
    const { t } = setup();
    const alarms = t.process('alarms');
    await t.advance(150_000);
    expect(alarms.trace.steps.map(({ state, event, at }) => ({ state, event: event.type, at }))).toEqual([
      { state: 'early.armed, late.armed', event: 'xstate.init', at: 0 },
      { state: 'early.rang, late.armed', event: 'xstate.done.actor.$after:1m', at: 60_000 },
      { state: 'early.rang, late.rang', event: 'xstate.done.actor.$after:2m', at: 120_000 },
    ]);
    expect(t.now()).toBe(150_000);
  });

  it('reads durations as the DSL writes them, and rejects what is not one', async () => {
    const { t } = setup();
    await t.advance('1.5s');
    await t.advance(500);
    await t.advance('1h');
    expect(t.now()).toBe(3_602_000);
    await expect(t.advance('soon')).rejects.toThrow(SystemValidationError);
    await expect(t.advanceTo(1_000)).rejects.toThrow(/Cannot move the clock back from 3602000ms to 1000ms/);
  });

  it('knows its pending timers', async () => {
    const clock = new TestClock();
    expect(clock.nextDue()).toBeUndefined();
    const fired: number[] = [];
    clock.clock.setTimeout(() => fired.push(clock.now()), 300);
    clock.clock.setTimeout(() => fired.push(clock.now()), 100);
    expect(clock.pendingTimers()).toBe(2);
    expect(clock.nextDue()).toBe(100);
    await clock.advance(250);
    expect(fired).toEqual([100]);
    await clock.advanceTo(300);
    expect(fired).toEqual([100, 300]);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('can share a SimulatedClock the test made', async () => {
    const shared = new SimulatedClock();
    const t = createTestRuntime(system, { clock: shared });
    await t.advance('1m');
    expect(shared.now()).toBe(60_000);
    expect(t.process('alarms').state).toBe('early.rang, late.armed');
  });
});

describe('waitFor runs the clock until a promise settles', () => {
  it('drives a task through its backoff in simulated time', async () => {
    const { t } = setup();
    const result = await t.executeFlow('retrying');
    expect(result).toMatchObject({ success: true, steps: { try: { status: 'completed', attempts: 3 } } });
    // Backoff of 1s, then 2s.
    expect(t.now()).toBe(3_000);
    expect(t.taskCalls('flaky').map((call) => [call.attempt, call.at, call.outcome?.status])).toEqual([
      [1, 0, 'failed'],
      [2, 1_000, 'failed'],
      [3, 3_000, 'completed'],
    ]);
  });

  it('rejects when nothing is left to fire and the promise still waits for an event', async () => {
    const { t } = setup();
    await expect(t.executeFlow('waiting')).rejects.toThrow(/no timer is left to fire \(is it waiting for an event\?\)/);
  });

  it('rejects when it would take longer than `within`', async () => {
    const { t } = setup();
    await expect(t.waitFor(t.runtime.executeFlow('twice'), { within: '90s' })).rejects.toThrow(/still pending after 90s \(next timer at 120000ms\)/);
  });
});
