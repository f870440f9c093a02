import type { ConditionStep } from '../../src/dsl/schema.js';
import { insideStep } from '../failure.js';
import { expressionRef, stepStateId, type StepCompiler } from '../flow-context.js';

/** A condition is `$check` (an eventless choice) followed by the `$then` or `$else` sequence. */
export const compileConditionStep: StepCompiler<ConditionStep> = (step, place, cx) => {
  const id = stepStateId(cx, step.id);
  const inner = insideStep(step, place, cx);
  const branch = (key: '$then' | '$else', steps: ConditionStep['then']) => ({
    ...cx.compileSequence(steps, `${id}${key}`, inner),
    onDone: {
      target: place.next,
      actions: [{ type: 'stepSucceeded', params: { step: step.id, output: 'lastOf', last: steps.at(-1)?.id ?? null } }],
    },
  });
  const ref = expressionRef(cx, step.if) as Record<string, string>;
  const guard = ref.fn !== undefined ? { type: 'condition', params: ref } : { type: 'expression', params: ref };
  return {
    entry: [{ type: 'stepEntered', params: { step: step.id } }],
    initial: '$check',
    states: {
      $check: { always: [{ guard, target: '$then' }, { target: '$else' }] },
      $then: branch('$then', step.then),
      $else: branch('$else', step.else ?? []),
    },
  };
};
