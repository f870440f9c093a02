import { parseDuration } from '../../src/dsl/duration.js';
import type { WaitStep } from '../../src/dsl/schema.js';
import type { StepCompiler } from '../flow-context.js';
import { TIMER_ACTOR, WAIT_TIMER_SUFFIX } from '../names.js';

/** A wait is a state holding a durable timer. */
export const compileWaitStep: StepCompiler<WaitStep> = (step, place) => ({
  entry: [{ type: 'stepEntered', params: { step: step.id } }],
  invoke: [
    {
      id: `${step.id}${WAIT_TIMER_SUFFIX}`,
      src: TIMER_ACTOR,
      input: { delayMs: parseDuration(step.duration) },
      onDone: { target: place.next, actions: [{ type: 'stepSucceeded', params: { step: step.id, output: 'none' } }] },
    },
  ],
});
