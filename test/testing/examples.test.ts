import { describe, expect, it } from 'vitest';
import { defineSystem, NotFoundError } from '../../src/index.js';
import { createTestRuntime, exampleImplementation, runTaskExamples } from '../../src/testing/index.js';
import orders from '../../examples/orders/system.js';
import { createOrderServices } from '../../examples/orders/tasks.js';

const payments = defineSystem({
  id: 'payments',
  tasks: {
    charge: {
      input: { type: 'object', required: ['amount'], properties: { amount: { type: 'number' }, card: { type: 'string' } } },
      output: { type: 'object', required: ['chargeId'], properties: { chargeId: { type: 'string' } } },
      retry: { maxAttempts: 3, initialDelay: '1s', nonRetryable: ['CardDeclined'] },
      examples: [
        { input: { amount: 5, card: 'ok' }, output: { chargeId: 'ch_1' } },
        { input: { amount: 5, card: 'declined' }, error: { name: 'CardDeclined', message: 'declined' } },
        { input: { amount: 5, card: 'flaky' }, error: { name: 'Busy', message: 'try later', code: 'BUSY' } },
      ],
    },
    notify: {},
  },
  flows: { pay: { steps: [{ id: 'charge', type: 'task', task: 'charge' }] } },
});

describe('useExamples: task stubs from the examples of each task', () => {
  it('answers an input deep-equal to an example with its output', async () => {
    const t = createTestRuntime(payments);
    expect(t.useExamples()).toEqual(['charge']);
    const result = await t.executeFlow('pay', { amount: 5, card: 'ok' });
    expect(result).toMatchObject({ success: true, output: { chargeId: 'ch_1' }, steps: { charge: { attempts: 1 } } });
    expect(t.calls('charge')).toEqual([{ amount: 5, card: 'ok' }]);
  });

  it("fails with the example's error, which the retry policy treats like the real one", async () => {
    const t = createTestRuntime(payments, { useExamples: true });
    const declined = await t.executeFlow('pay', { amount: 5, card: 'declined' });
    expect(declined.steps.charge).toMatchObject({ status: 'failed', attempts: 1, error: { name: 'CardDeclined', message: 'declined' } });
    const busy = await t.executeFlow('pay', { amount: 5, card: 'flaky' });
    expect(busy.steps.charge).toMatchObject({ status: 'failed', attempts: 3, error: { name: 'Busy', message: 'try later', code: 'BUSY' } });
    expect(t.now()).toBe(3_000);
    expect(t.calls('charge')).toHaveLength(4);
  });

  it('fails an input no example has with NoMatchingExample, not retried', async () => {
    const t = createTestRuntime(payments, { useExamples: true });
    const result = await t.executeFlow('pay', { amount: 6 });
    expect(result.steps.charge).toMatchObject({
      attempts: 1,
      error: { name: 'NoMatchingExample', code: 'NO_MATCHING_EXAMPLE', message: expect.stringContaining('Task "charge" has no example with input {"amount":6}') },
    });
  });

  it('lets implementations given as tasks win over examples', async () => {
    const t = createTestRuntime(payments, { useExamples: true, tasks: { charge: async () => ({ chargeId: 'real' }) } });
    expect((await t.executeFlow('pay', { amount: 5, card: 'ok' })).output).toEqual({ chargeId: 'real' });
  });

  it('stubs only the tasks named, and names the unknown ones', () => {
    const t = createTestRuntime(orders);
    expect(t.useExamples(['chargeCard'])).toEqual(['chargeCard']);
    expect(t.useExamples(['reserveLine'])).toEqual([]);
    expect(() => t.useExamples(['chargeCrd'])).toThrow(NotFoundError);
  });

  it('hands out copies, so a caller cannot change the document', async () => {
    const stub = exampleImplementation('charge', payments.tasks?.charge ?? {}) as (input: unknown) => { chargeId: string };
    stub({ amount: 5, card: 'ok' }).chargeId = 'changed';
    expect(stub({ amount: 5, card: 'ok' })).toEqual({ chargeId: 'ch_1' });
    expect(exampleImplementation('notify', {})).toBeUndefined();
  });
});

describe('runTaskExamples: every example against the implementation', () => {
  const system = defineSystem({
    id: 'checks',
    tasks: {
      double: {
        examples: [
          { input: { n: 2 }, output: { n: 4 } },
          { input: { n: 3 }, output: { n: 7 }, description: 'wrong on purpose' },
        ],
      },
      positive: {
        examples: [
          { input: { n: -1 }, error: { name: 'Negative' } },
          { input: { n: 1 }, error: { name: 'Negative' } },
          { input: { n: -2 }, error: { name: 'Negative', message: 'below zero' } },
        ],
      },
      flaky: { retry: { maxAttempts: 2, initialDelay: '10s' }, examples: [{ input: {}, output: 'ok' }] },
      typed: { input: { type: 'object', required: ['n'], properties: { n: { type: 'number' } } }, examples: [{ input: { n: 'x' }, output: 1 }] },
      unimplemented: { examples: [{ input: {} }] },
      shout: { implementation: { type: 'transform', expression: 'upper(input.text)' }, examples: [{ input: { text: 'hi' }, output: 'HI' }] },
      remote: { implementation: { type: 'http', url: 'https://example.com/x' }, examples: [{ input: {}, output: {} }] },
    },
  });
  let flakyCalls = 0;
  const tasks = {
    double: async (input: { n: number }) => ({ n: input.n * 2 }),
    positive: async (input: { n: number }) => {
      if (input.n < 0) throw Object.assign(new Error(`${input.n} is below zero`), { name: 'Negative' });
      return input.n;
    },
    flaky: async () => (++flakyCalls === 1 ? Promise.reject(new Error('cold start')) : 'ok'),
    typed: async () => 1,
  };

  it('says which examples hold, which do not and why, and which it could not run', async () => {
    const results = await runTaskExamples(system, { tasks });
    expect(results.map(({ result: _result, ...rest }) => rest)).toEqual([
      { taskId: 'double', index: 1, status: 'passed' },
      { taskId: 'double', index: 2, description: 'wrong on purpose', status: 'failed', message: 'expected output {"n":7}, got {"n":6}' },
      { taskId: 'positive', index: 1, status: 'passed' },
      { taskId: 'positive', index: 2, status: 'failed', message: 'expected it to fail with {"name":"Negative"}, but it succeeded with 1' },
      {
        taskId: 'positive',
        index: 3,
        status: 'failed',
        message: 'expected it to fail with {"name":"Negative","message":"below zero"}, but it failed with {"name":"Negative","message":"-2 is below zero"}',
      },
      // Retried after 10s of simulated time.
      { taskId: 'flaky', index: 1, status: 'passed' },
      { taskId: 'typed', index: 1, status: 'failed', message: expect.stringMatching(/^InputValidationError: Input of task "typed"/) },
      { taskId: 'unimplemented', index: 1, status: 'skipped', message: 'no implementation' },
      { taskId: 'shout', index: 1, status: 'passed' },
      { taskId: 'remote', index: 1, status: 'skipped', message: 'a built-in http task calls the network; pass an implementation to check it' },
    ]);
    expect(results.find((r) => r.taskId === 'flaky')?.result).toEqual({ success: true, output: 'ok', attempts: 2 });
  });

  it('checks only the tasks asked for', async () => {
    const results = await runTaskExamples(system, { tasks, only: ['double'] });
    expect(results.map((r) => `${r.taskId}#${r.index}:${r.status}`)).toEqual(['double#1:passed', 'double#2:failed']);
  });

  it('checks the orders example: a declined card fails at once, as its example says', async () => {
    const results = await runTaskExamples(orders, { tasks: createOrderServices().tasks });
    expect(results.map((r) => `${r.taskId}#${r.index}`)).toEqual(['chargeCard#1', 'chargeCard#2']);
    expect(results[1]).toMatchObject({ status: 'passed', description: 'a declined card is not retried', result: { success: false, attempts: 1, error: { name: 'CardDeclined' } } });
  });
});
