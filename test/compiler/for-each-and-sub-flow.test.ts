import { describe, expect, it } from 'vitest';
import { ReactiveSystemRuntime, defineSystem } from '../../src/index.js';
import { createClock, settle } from '../support/time.js';

const system = defineSystem({
  id: 'loops',
  tasks: { pack: {}, label: {}, notify: {} },
  flows: {
    fulfil: {
      steps: [
        {
          id: 'each',
          type: 'forEach',
          items: 'input.lines',
          concurrency: 2,
          steps: [
            { id: 'pack', type: 'task', task: 'pack', input: '{ "sku": item.sku, "n": index }' },
            { id: 'label', type: 'task', task: 'label', input: 'steps.pack' },
          ],
        },
      ],
    },
    outerSteps: {
      steps: [
        { id: 'prefix', type: 'task', task: 'label', input: '{ "sku": "box" }' },
        { id: 'each', type: 'forEach', items: 'input.lines', steps: [{ id: 'pack', type: 'task', task: 'pack', input: '{ "sku": steps.prefix + "-" + item, "n": index }' }] },
      ],
    },
    badItems: { steps: [{ id: 'each', type: 'forEach', items: 'input.lines', steps: [] }] },
    parent: {
      steps: [
        { id: 'ship', type: 'flow', flow: 'child', input: '{ "to": input.address }' },
        { id: 'tell', type: 'task', task: 'notify', input: 'steps.ship' },
      ],
    },
    child: { steps: [{ id: 'label', type: 'task', task: 'label', input: '{ "sku": input.to }' }] },
  },
});

describe('forEach', () => {
  it('runs a child machine per item, at most `concurrency` at once, and outputs their results in order', async () => {
    const rt = new ReactiveSystemRuntime(system, { clock: createClock() });
    let running = 0;
    let peak = 0;
    const releases: (() => void)[] = [];
    rt.registerTaskImplementations({
      pack: async (input: { sku: string; n: number }) => {
        running++;
        peak = Math.max(peak, running);
        await new Promise<void>((resolve) => releases.push(resolve));
        running--;
        return { packed: input.sku, n: input.n };
      },
      label: async (input: { packed: string }) => `label:${input.packed}`,
    });
    const handle = rt.startFlow('fulfil', { lines: [{ sku: 'a' }, { sku: 'b' }, { sku: 'c' }, { sku: 'd' }, { sku: 'e' }] });
    await settle();
    expect(Object.keys(handle.actor.getSnapshot().children)).toEqual(['each[0]', 'each[1]']);
    while (releases.length) {
      releases.shift()?.();
      await settle();
    }
    const result = await handle.result();
    expect(peak).toBe(2);
    expect(result.output).toEqual(['label:a', 'label:b', 'label:c', 'label:d', 'label:e']);
    expect(result.steps.each).toMatchObject({ status: 'completed' });
  });

  it('fails the step when an item fails, and stops the items still running', async () => {
    const rt = new ReactiveSystemRuntime(system, { clock: createClock() });
    rt.registerTaskImplementations({
      pack: async (input: { sku: string }) => {
        if (input.sku === 'bad') throw new Error('cannot pack bad');
        return { packed: input.sku };
      },
      label: async () => 'ok',
    });
    const result = await rt.executeFlow('fulfil', { lines: [{ sku: 'ok' }, { sku: 'bad' }, { sku: 'later' }] });
    expect(result).toMatchObject({ success: false, error: { message: 'cannot pack bad', step: 'each' } });
  });

  it("a body reads the flow's input, its earlier steps, item and index", async () => {
    const rt = new ReactiveSystemRuntime(system, { clock: createClock() });
    rt.registerTaskImplementations({
      label: async (input: { sku: string }) => `label:${input.sku}`,
      pack: async (input: { sku: string; n: number }) => `${input.n}:${input.sku}`,
    });
    const result = await rt.executeFlow('outerSteps', { lines: ['a', 'b'] });
    expect(result.output).toEqual(['0:label:box-a', '1:label:box-b']);
  });

  it('fails clearly when items is not an array', async () => {
    const rt = new ReactiveSystemRuntime(system, { clock: createClock() });
    const result = await rt.executeFlow('badItems', { lines: 'abc' });
    expect(result.error).toMatchObject({ name: 'TypeError', message: 'forEach "each": items evaluated to a string, expected an array' });
  });

  it('an empty list completes at once with an empty output', async () => {
    const rt = new ReactiveSystemRuntime(system, { clock: createClock() });
    const result = await rt.executeFlow('fulfil', { lines: [] });
    expect(result).toMatchObject({ success: true, output: [] });
  });
});

describe('sub-flow', () => {
  it('invokes the other flow as a child actor and takes its output', async () => {
    const rt = new ReactiveSystemRuntime(system, { clock: createClock() });
    const told: unknown[] = [];
    rt.registerTaskImplementations({
      label: async (input: { sku: string }) => `label:${input.sku}`,
      notify: async (input: unknown) => (told.push(input), 'told'),
    });
    const result = await rt.executeFlow('parent', { address: 'Main St' });
    expect(result.steps.ship).toEqual({ status: 'completed', output: 'label:Main St', attempts: 0 });
    expect(told).toEqual(['label:Main St']);
  });

  it('a failing sub-flow fails the step with the child’s error', async () => {
    const rt = new ReactiveSystemRuntime(system, { clock: createClock() });
    rt.registerTaskImplementations({ label: async () => Promise.reject(new TypeError('no printer')), notify: async () => 'x' });
    const result = await rt.executeFlow('parent', { address: 'x' });
    expect(result).toMatchObject({ success: false, error: { name: 'TypeError', message: 'no printer', step: 'ship' } });
  });
});
