import { defineSystem } from '../../src/index.js';
import { parallelAsync } from '../baselines/async.js';
import { parallelMachine, xstateRunner } from '../baselines/xstate.js';
import { runtimeCoreRunner } from './runtime-core-runner.js';
import { noop } from './tasks.js';
import type { FlowWorkload } from './types.js';

const BRANCH_IDS = Array.from({ length: 10 }, (_, i) => `branch${i}`);
const input = () => ({ data: 'input' });

const system = defineSystem({
  id: 'bench-parallel',
  tasks: { noop: {} },
  flows: {
    parallel: {
      steps: [{ id: 'fanOut', type: 'parallel', branches: BRANCH_IDS.map((id) => [{ id, type: 'task' as const, task: 'noop' }]) }],
    },
  },
});

/** 2) Ten branches run at once, one no-op task each; the output lists each branch's output. */
export const parallelWorkload: FlowWorkload = {
  id: 'parallel',
  title: '10-branch parallel',
  taskCallsPerFlow: BRANCH_IDS.length,
  runtimeCore: { system, flowId: 'parallel', tasks: () => ({ noop }) },
  input,
  expected: () => BRANCH_IDS.map(() => ({ ok: true })),
  create: () => ({
    'runtime-core': runtimeCoreRunner(parallelWorkload.runtimeCore, input),
    xstate: xstateRunner(parallelMachine(BRANCH_IDS, noop), input),
    async: () => parallelAsync(BRANCH_IDS, noop, input()),
  }),
};
