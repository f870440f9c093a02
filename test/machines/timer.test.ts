import { createActor, setup } from 'xstate';
import { describe, expect, it } from 'vitest';
import { ReactiveSystemRuntime, defineSystem } from '../../src/index.js';
import { timerLogic } from '../../machines/timer.js';
import { createClock, settle } from '../support/time.js';

describe('timer actor', () => {
  it('fires at its deadline on the actor system clock', async () => {
    const clock = createClock();
    const machine = setup({ actors: { timer: timerLogic } }).createMachine({
      initial: 'waiting',
      states: { waiting: { invoke: { src: 'timer', input: { delayMs: 1000 }, onDone: 'fired' } }, fired: {} },
    });
    const actor = createActor(machine, { clock }).start();
    await clock.advance(999);
    expect(actor.getSnapshot().value).toBe('waiting');
    await clock.advance(1);
    expect(actor.getSnapshot().value).toBe('fired');
  });

  it('keeps its absolute deadline in a persisted snapshot and fires at the remaining time after restore', async () => {
    const clock = createClock();
    const machine = setup({ actors: { timer: timerLogic } }).createMachine({
      initial: 'waiting',
      states: { waiting: { invoke: { id: 'cool', src: 'timer', input: { delayMs: 5000 }, onDone: 'fired' } }, fired: {} },
    });
    const first = createActor(machine, { clock }).start();
    await clock.advance(2000);
    const persisted = JSON.parse(JSON.stringify(first.getPersistedSnapshot())) as { children: Record<string, { snapshot: { deadline: number } }> };
    first.stop();
    expect(persisted.children.cool?.snapshot.deadline).toBe(5000);

    const restored = createActor(machine, { clock, snapshot: persisted as never }).start();
    await clock.advance(2999);
    expect(restored.getSnapshot().value).toBe('waiting');
    await clock.advance(1);
    expect(restored.getSnapshot().value).toBe('fired');
  });

  it('fires at once when restored after its deadline passed', async () => {
    const clock = createClock();
    const machine = setup({ actors: { timer: timerLogic } }).createMachine({
      initial: 'waiting',
      states: { waiting: { invoke: { id: 't', src: 'timer', input: { delayMs: 1000 }, onDone: 'fired' } }, fired: {} },
    });
    const first = createActor(machine, { clock }).start();
    const persisted = first.getPersistedSnapshot();
    first.stop();
    clock.increment(60_000);
    const restored = createActor(machine, { clock, snapshot: persisted }).start();
    await settle();
    expect(restored.getSnapshot().value).toBe('fired');
  });

  it('is cleared when its state is left', async () => {
    const clock = createClock();
    const machine = setup({ actors: { timer: timerLogic } }).createMachine({
      initial: 'waiting',
      states: { waiting: { invoke: { src: 'timer', input: { delayMs: 1000 }, onDone: 'fired' }, on: { leave: 'left' } }, fired: {}, left: {} },
    });
    const actor = createActor(machine, { clock }).start();
    actor.send({ type: 'leave' });
    expect((clock as unknown as { timeouts: Map<unknown, unknown> }).timeouts.size).toBe(0);
    await clock.advance(5000);
    expect(actor.getSnapshot().value).toBe('left');
  });
});

describe('a flow restored from its persisted snapshot', () => {
  it('goes on waiting where it was and finishes like an uninterrupted run', async () => {
    const system = defineSystem({
      id: 'restore',
      tasks: { ship: {} },
      flows: { cool: { steps: [{ id: 'cool', type: 'wait', duration: '5m' }, { id: 'ship', type: 'task', task: 'ship' }] } },
    });
    const clock = createClock();
    const rt = new ReactiveSystemRuntime(system, { clock });
    rt.registerTaskImplementation('ship', async () => 'shipped');
    const handle = rt.startFlow('cool', { n: 1 }, { instanceId: 'c-1' });
    await clock.advance(120_000);
    const persisted = JSON.parse(JSON.stringify(handle.actor.getPersistedSnapshot())) as unknown;
    handle.actor.stop();

    const restored = createActor(handle.actor.logic, { clock, snapshot: persisted as never });
    const output = new Promise((resolve) => restored.subscribe({ complete: () => resolve(restored.getSnapshot().output) }));
    restored.start();
    expect(restored.getSnapshot().value).toEqual({ running: 'cool' });
    await clock.advance(179_999);
    expect(restored.getSnapshot().value).toEqual({ running: 'cool' });
    await clock.advance(1);
    expect(await output).toEqual({
      success: true,
      output: 'shipped',
      instanceId: 'c-1',
      steps: { cool: { status: 'completed', attempts: 0 }, ship: { status: 'completed', output: 'shipped', attempts: 1 } },
    });
  });
});
