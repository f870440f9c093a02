import type { FlowStep } from '../src/dsl/schema.js';
import type { FlowCompileContext, StepPlace } from './flow-context.js';
import { stepStateId } from './flow-context.js';
import type { Json, NamedRef, StateConfig, TransitionConfig } from './types.js';

/** Where the failure of a step comes from, so the recording action knows where to read it. */
export type FailureSource = 'error' | 'timeout' | 'flowResult' | 'recorded' | 'child';

/**
 * The transition taken when a step fails: into its catch steps; on to the next step under
 * `onError: 'continue'`; else (`'fail'`, the default) the failure propagates to the enclosing step or
 * fails the flow.
 */
export function failureTransition(
  step: FlowStep,
  place: StepPlace,
  cx: FlowCompileContext,
  source: FailureSource,
  extra: Record<string, Json> = {},
  origin: string = step.id,
  before: NamedRef[] = [],
): TransitionConfig {
  const actions = [...before, { type: 'stepFailed', params: { step: step.id, source, ...extra } }];
  if (step.catch && step.catch.length > 0) return { target: `#${stepStateId(cx, step.id)}.$catch`, actions };
  if ((step.onError ?? cx.onError) === 'continue') return { target: place.next, actions };
  return cx.propagate(origin, actions);
}

/** The steps inside `container` (a branch, a then/else list): their failures become the container's. */
export function insideStep(container: FlowStep, place: StepPlace, cx: FlowCompileContext): FlowCompileContext {
  return {
    ...cx,
    propagate: (origin, actions) => failureTransition(container, place, cx, 'child', { from: origin }, origin, actions),
  };
}

/**
 * A step with catch steps becomes `{ $run, $catch }`: a failure of `$run` enters `$catch`, whose steps run
 * in order; the step's output is then the catch steps' last output. The flow goes on after the step, or,
 * when the step says `onError: 'fail'`, the failure propagates once the catch steps are done (compensate,
 * then fail).
 */
export function withCatch(
  step: FlowStep,
  run: StateConfig,
  place: StepPlace,
  cx: FlowCompileContext,
): StateConfig {
  if (!step.catch || step.catch.length === 0) return run;
  const id = stepStateId(cx, step.id);
  const { id: _runId, ...runWithoutId } = run;
  return {
    id,
    initial: '$run',
    states: {
      $run: runWithoutId,
      $catch: { ...cx.compileSequence(step.catch, `${id}$catch`, cx), onDone: caughtTransition(step, place, cx) },
    },
  };
}

function caughtTransition(step: FlowStep, place: StepPlace, cx: FlowCompileContext): TransitionConfig {
  const recovered: NamedRef = { type: 'stepRecovered', params: { step: step.id, last: step.catch?.at(-1)?.id ?? null } };
  if (step.onError === 'fail') return cx.propagate(step.id, []);
  return { target: place.next, actions: [recovered] };
}
