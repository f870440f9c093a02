import { describe, expect, it } from 'vitest';
import { ReactiveSystemRuntime, defineSystem, getTaskContext } from '../../src/index.js';
import { createClock, recordStates, settle } from '../support/time.js';

const system = defineSystem({
  id: 'par',
  tasks: { email: {}, sms: {}, audit: {}, fail: {} },
  flows: {
    notify: {
      steps: [
        {
          id: 'notify',
          type: 'parallel',
          branches: [
            [{ id: 'email', type: 'task', task: 'email' }],
            [
              { id: 'sms', type: 'task', task: 'sms' },
              { id: 'audit', type: 'task', task: 'audit' },
            ],
          ],
        },
      ],
    },
    failing: {
      steps: [
        {
          id: 'both',
          type: 'parallel',
          branches: [[{ id: 'slowOne', type: 'task', task: 'email' }], [{ id: 'bad', type: 'task', task: 'fail' }]],
        },
      ],
    },
  },
});

describe('parallel', () => {
  it('runs branches as regions of a parallel state and outputs each branch’s last output', async () => {
    const rt = new ReactiveSystemRuntime(system, { clock: createClock() });
    const order: string[] = [];
    rt.registerTaskImplementations({
      email: async () => (order.push('email'), 'emailed'),
      sms: async () => (order.push('sms'), 'texted'),
      audit: async () => (order.push('audit'), 'audited'),
    });
    const handle = rt.startFlow('notify', {});
    const states = recordStates(handle.actor);
    const result = await handle.result();
    expect(states[0]).toBe('running.notify.$branch0.email, running.notify.$branch1.sms');
    expect(states.at(-1)).toBe('succeeded');
    expect(result.output).toEqual(['emailed', 'audited']);
    expect(order.indexOf('sms')).toBeLessThan(order.indexOf('audit'));
  });

  it('a failing branch fails the flow and aborts the other branch’s task', async () => {
    const rt = new ReactiveSystemRuntime(system, { clock: createClock() });
    let aborted = false;
    rt.registerTaskImplementation('fail', async () => {
      throw new Error('branch broke');
    });
    // a task that only ends when its signal aborts
    rt.registerTaskImplementation('email', async () => {
      const { signal } = getTaskContext();
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve()));
      aborted = signal.aborted;
      return 'never used';
    });
    const result = await rt.executeFlow('failing', {});
    expect(result).toMatchObject({ success: false, error: { message: 'branch broke', step: 'bad' } });
    expect(result.steps.bad).toMatchObject({ status: 'failed', attempts: 1 });
    await settle();
    expect(aborted).toBe(true);
  });
});
