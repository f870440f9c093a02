import { defineSystem } from '../../src/index.js';
import { retryAsync } from '../baselines/async.js';
import { retryMachine, xstateRunner } from '../baselines/xstate.js';
import { runtimeCoreRunner } from './runtime-core-runner.js';
import { createFlakyTask } from './tasks.js';
import type { FlowWorkload } from './types.js';

const MAX_ATTEMPTS = 3;
/** `flow` keys the flaky task's attempt count, so that flows in flight at once do not share it. */
const input = (i: number) => ({ data: 'input', flow: i });

const system = defineSystem({
  id: 'bench-retry',
  tasks: { flaky: { retry: { maxAttempts: MAX_ATTEMPTS, initialDelay: 0 } } },
  flows: { retry: { steps: [{ id: 'flaky', type: 'task', task: 'flaky' }] } },
});

/** 3) One task that fails twice, then succeeds: retry with maxAttempts 3 and no backoff delay. */
export const retryWorkload: FlowWorkload = {
  id: 'retry',
  title: 'retry (fail ×2, then ok)',
  taskCallsPerFlow: MAX_ATTEMPTS,
  runtimeCore: { system, flowId: 'retry', tasks: () => ({ flaky: createFlakyTask() }) },
  input,
  expected: () => ({ attempts: MAX_ATTEMPTS }),
  create: () => {
    const flaky = { xstate: createFlakyTask(), async: createFlakyTask() };
    return {
      'runtime-core': runtimeCoreRunner(retryWorkload.runtimeCore, input),
      xstate: xstateRunner(retryMachine(flaky.xstate, MAX_ATTEMPTS), input),
      async: (i) => retryAsync(flaky.async, input(i), MAX_ATTEMPTS, 0),
    };
  },
};
