import type { SubFlowStep } from '../../src/dsl/schema.js';
import { failureTransition } from '../failure.js';
import { expressionRef, type StepCompiler } from '../flow-context.js';
import { flowMachineName } from '../names.js';
import type { Json } from '../types.js';

/** A sub-flow step invokes the other flow's machine; its output is that flow's output. */
export const compileSubFlowStep: StepCompiler<SubFlowStep> = (step, place, cx) => {
  cx.subflows.add(step.flow);
  const params: Record<string, Json> = { step: step.id };
  if (step.input !== undefined) params.input = expressionRef(cx, step.input);
  return {
    entry: [{ type: 'stepEntered', params: { step: step.id } }],
    invoke: [
      {
        id: step.id,
        src: flowMachineName(step.flow),
        input: { $mapper: 'subflowInput', params },
        onDone: [
          {
            guard: { type: 'childFlowSucceeded' },
            target: place.next,
            actions: [{ type: 'stepSucceeded', params: { step: step.id, output: 'flowResult' } }],
          },
          failureTransition(step, place, cx, 'flowResult'),
        ],
        onError: failureTransition(step, place, cx, 'error'),
      },
    ],
  };
};
