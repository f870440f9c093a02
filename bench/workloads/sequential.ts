import { defineSystem } from '../../src/index.js';
import { sequentialAsync } from '../baselines/async.js';
import { sequentialMachine, xstateRunner } from '../baselines/xstate.js';
import { runtimeCoreRunner } from './runtime-core-runner.js';
import { noop } from './tasks.js';
import type { FlowWorkload } from './types.js';

const STEP_IDS = Array.from({ length: 10 }, (_, i) => `step${i}`);
const input = () => ({ data: 'input' });

const system = defineSystem({
  id: 'bench-sequential',
  tasks: { noop: {} },
  flows: { sequential: { steps: STEP_IDS.map((id) => ({ id, type: 'task' as const, task: 'noop' })) } },
});

/** 1) Ten no-op async tasks, one after the other. */
export const sequentialWorkload: FlowWorkload = {
  id: 'sequential',
  title: '10-step sequence',
  stepsPerFlow: STEP_IDS.length,
  taskCallsPerFlow: STEP_IDS.length,
  runtimeCore: { system, flowId: 'sequential', tasks: () => ({ noop }) },
  input,
  expected: () => ({ ok: true }),
  create: () => ({
    'runtime-core': runtimeCoreRunner(sequentialWorkload.runtimeCore, input),
    xstate: xstateRunner(sequentialMachine(STEP_IDS, noop), input),
    async: () => sequentialAsync(STEP_IDS, noop, input()),
  }),
};
