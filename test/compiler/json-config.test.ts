import { createActor, toPromise } from 'xstate';
import { describe, expect, it } from 'vitest';
import {
  compileFlowDefinition,
  compileProcessDefinition,
  createFlowMachine,
  createProcessMachine,
  defineSystem,
  type FlowMachineDefinition,
  type MachineEnvironment,
} from '../../src/index.js';
import { timerLogic } from '../../machines/timer.js';
import { createClock, recordStates } from '../support/time.js';

const system = defineSystem({
  id: 'json',
  tasks: { charge: { retry: { maxAttempts: 2, initialDelay: '1s' }, timeout: '5s' }, ship: {}, review: {} },
  flows: {
    checkout: {
      steps: [
        { id: 'charge', type: 'task', task: 'charge', input: '{ "amount": input.total }' },
        { id: 'big', type: 'condition', if: 'steps.charge.amount > 100', then: [{ id: 'review', type: 'task', task: 'review' }] },
        { id: 'notify', type: 'parallel', branches: [[{ id: 'ship', type: 'task', task: 'ship' }], [{ id: 'cool', type: 'wait', duration: '1m' }]] },
        { id: 'each', type: 'forEach', items: 'input.lines', concurrency: 2, steps: [{ id: 'line', type: 'task', task: 'ship', input: 'item' }] },
      ],
    },
  },
});

function environment(): MachineEnvironment & { calls: string[] } {
  const calls: string[] = [];
  let failedOnce = false;
  return {
    calls,
    runTask: async (request) => {
      calls.push(`${request.stepId}#${request.attempt}`);
      if (request.taskId === 'charge' && !failedOnce) {
        failedOnce = true;
        throw { name: 'Error', message: 'first charge fails' };
      }
      if (request.taskId === 'charge') return { amount: (request.input as { amount: number }).amount };
      return { done: request.stepId, input: request.input };
    },
    emit: () => undefined,
    log: () => undefined,
    reportError: () => undefined,
    random: () => 0.5,
  };
}

async function run(definition: FlowMachineDefinition) {
  const env = environment();
  const clock = createClock();
  const machine = createFlowMachine(definition, env, () => timerLogic);
  const actor = createActor(machine, { input: { input: { total: 500, lines: ['a', 'b', 'c'] }, instanceId: 'i-1' }, clock });
  const states = recordStates(actor);
  actor.start();
  const done = toPromise(actor);
  await clock.advance(1000);
  await clock.advance(60_000);
  return { states, result: await done, calls: env.calls };
}

describe('the compiled machine config is JSON', () => {
  it('names its guards, actions and actors, and holds no function', () => {
    const definition = compileFlowDefinition('checkout', system.flows.checkout, { tasks: system.tasks });
    const text = JSON.stringify(definition);
    expect(JSON.parse(text)).toEqual(definition);
    expect(text).toContain('"src":"taskAttempt"');
    expect(text).toContain('"type":"retryable"');
    expect(text).toContain('"$mapper":"taskAttemptInput"');
  });

  it('JSON.parse(JSON.stringify(config)) builds a machine that behaves the same', async () => {
    const definition = compileFlowDefinition('checkout', system.flows.checkout, { tasks: system.tasks });
    const original = await run(definition);
    const copy = await run(JSON.parse(JSON.stringify(definition)) as FlowMachineDefinition);
    expect(copy).toEqual(original);
    expect(original.result).toMatchObject({ success: true, steps: { charge: { attempts: 2, output: { amount: 500 } } } });
    expect(original.states).toContain('running.charge.$backoff');
    expect(original.states).toContain('running.notify.$branch0.$done, running.notify.$branch1.cool');
    expect(original.calls).toEqual(['charge#1', 'charge#2', 'review#1', 'ship#1', 'line#1', 'line#1', 'line#1']);
  });

  it('holds for processes too', () => {
    const definition = compileProcessDefinition('light', { states: ['off', 'on'], transitions: [{ from: 'off', to: 'on', on: 'toggle' }] });
    const copy = JSON.parse(JSON.stringify(definition)) as typeof definition;
    expect(copy).toEqual(definition);
    for (const def of [definition, copy]) {
      const actor = createActor(createProcessMachine(def, environment(), () => timerLogic)).start();
      actor.send({ type: 'toggle' });
      expect(actor.getSnapshot().value).toBe('on');
    }
  });
});
