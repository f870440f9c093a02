import type { ForEachStep } from '../../src/dsl/schema.js';
import { failureTransition } from '../failure.js';
import { expressionRef, type StepCompiler } from '../flow-context.js';
import { forEachActorName } from '../names.js';

/**
 * forEach runs its body as a child machine per item, at most `concurrency` at once. The state spawns
 * the first children on entry, one more each time one finishes, and leaves when all are done.
 */
export const compileForEachStep: StepCompiler<ForEachStep> = (step, place, cx) => {
  const body = cx.compileBody(step.id, step.steps);
  const src = forEachActorName(step.id);
  cx.bodies[src] = body;
  const params = { step: step.id, src, concurrency: step.concurrency ?? 1 };
  return {
    entry: [
      { type: 'stepEntered', params: { step: step.id } },
      { type: 'forEachStart', params: { ...params, items: expressionRef(cx, step.items) } },
    ],
    exit: [{ type: 'forEachStop', params: { step: step.id } }],
    on: {
      'xstate.done.actor.*': [
        { guard: { type: 'forEachItemFailed', params: { step: step.id } }, ...failureTransition(step, place, cx, 'flowResult') },
        { guard: { type: 'forEachItem', params: { step: step.id } }, actions: [{ type: 'forEachItemDone', params }] },
      ],
    },
    always: [
      { guard: { type: 'forEachInvalid', params: { step: step.id } }, ...failureTransition(step, place, cx, 'recorded') },
      {
        guard: { type: 'forEachComplete', params: { step: step.id } },
        target: place.next,
        actions: [{ type: 'stepSucceeded', params: { step: step.id, output: 'forEach' } }],
      },
    ],
  };
};
