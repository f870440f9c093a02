import { parseDuration } from '../../src/dsl/duration.js';
import type { WaitStep } from '../../src/dsl/schema.js';
import type { StepCompiler } from '../flow-context.js';

/** A wait is a state holding a durable timer. */
export const compileWaitStep: StepCompiler<WaitStep> = (step, place) => ({
  entry: [{ type: 'stepEntered', params: { step: step.id } }],
  invoke: [
    {
      id: `${step.id}:wait`,
      src: 'timer',
      input: { delayMs: parseDuration(step.duration) },
      onDone: { target: place.next, actions: [{ type: 'stepSucceeded', params: { step: step.id, output: 'none' } }] },
    },
  ],
});
