import { parseDuration } from '../../src/dsl/duration.js';
import type { EventStep } from '../../src/dsl/schema.js';
import { failureTransition } from '../failure.js';
import { expressionRef, type StepCompiler } from '../flow-context.js';
import { TIMEOUT_TIMER_SUFFIX, TIMER_ACTOR } from '../names.js';
import type { StateConfig, TransitionConfig } from '../types.js';

/** An event step waits for a matching event; its output is the event's payload. A timeout fails it. */
export const compileEventStep: StepCompiler<EventStep> = (step, place, cx) => {
  cx.events.add(step.event);
  const receive: TransitionConfig = {
    target: place.next,
    actions: [{ type: 'stepSucceeded', params: { step: step.id, output: 'eventPayload' } }],
  };
  if (step.match !== undefined) receive.guard = { type: 'expression', params: expressionRef(cx, step.match) as Record<string, string> };
  const node: StateConfig = { entry: [{ type: 'stepEntered', params: { step: step.id } }], on: { [step.event]: receive } };
  if (step.timeout !== undefined) {
    const timeoutMs = parseDuration(step.timeout);
    node.invoke = [
      { id: `${step.id}${TIMEOUT_TIMER_SUFFIX}`, src: TIMER_ACTOR, input: { delayMs: timeoutMs }, onDone: failureTransition(step, place, cx, 'timeout', { timeoutMs }) },
    ];
  }
  return node;
};
