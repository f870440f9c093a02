import type { ParallelStep } from '../../src/dsl/schema.js';
import { insideStep } from '../failure.js';
import { stepStateId, type StepCompiler } from '../flow-context.js';
import type { StateConfig } from '../types.js';

/** A parallel step is a `type: 'parallel'` state with one region per branch; it is done when all are. */
export const compileParallelStep: StepCompiler<ParallelStep> = (step, place, cx) => {
  const id = stepStateId(cx, step.id);
  const inner = insideStep(step, place, cx);
  const states: Record<string, StateConfig> = {};
  step.branches.forEach((branch, i) => {
    states[`$branch${i}`] = cx.compileSequence(branch, `${id}$branch${i}`, inner);
  });
  return {
    type: 'parallel',
    entry: [{ type: 'stepEntered', params: { step: step.id } }],
    states,
    onDone: {
      target: place.next,
      actions: [{ type: 'stepSucceeded', params: { step: step.id, output: 'lastOfEach', lasts: step.branches.map((b) => b.at(-1)?.id ?? null) } }],
    },
  };
};
