import { defineSystem } from '../../src/index.js';
import { conditionAsync } from '../baselines/async.js';
import { conditionMachine, xstateRunner } from '../baselines/xstate.js';
import { runtimeCoreRunner } from './runtime-core-runner.js';
import { branchA, branchB } from './tasks.js';
import type { FlowWorkload } from './types.js';

/** Even flows take the `then` branch, odd ones the `else` branch. */
const input = (i: number) => ({ big: i % 2 === 0 });

const system = defineSystem({
  id: 'bench-condition',
  tasks: { branchA: {}, branchB: {} },
  flows: {
    condition: {
      steps: [
        {
          id: 'choice',
          type: 'condition',
          if: 'input.big',
          then: [{ id: 'a', type: 'task', task: 'branchA' }],
          else: [{ id: 'b', type: 'task', task: 'branchB' }],
        },
      ],
    },
  },
});

/** 4) A condition on the input choosing one of two tasks. */
export const conditionWorkload: FlowWorkload = {
  id: 'condition',
  title: 'condition (1 of 2 tasks)',
  taskCallsPerFlow: 1,
  runtimeCore: { system, flowId: 'condition', tasks: () => ({ branchA, branchB }) },
  input,
  expected: (i) => ({ branch: i % 2 === 0 ? 'a' : 'b' }),
  create: () => ({
    'runtime-core': runtimeCoreRunner(conditionWorkload.runtimeCore, input),
    xstate: xstateRunner(conditionMachine(branchA, branchB), input),
    async: (i) => conditionAsync(branchA, branchB, input(i)),
  }),
};
