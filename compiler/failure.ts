import type { FlowStep } from '../src/dsl/schema.js';
import type { FlowCompileContext, StepPlace } from './flow-context.js';
import { stepStateId } from './flow-context.js';
import type { Json, StateConfig, TransitionConfig } from './types.js';

/** Where the failure of a step comes from, so the recording action knows where to read it. */
export type FailureSource = 'error' | 'timeout' | 'flowResult' | 'recorded';

/**
 * The transition taken when a step fails, by its error policy: into its catch steps, on to the next
 * step (`continue`), or to the flow's `failed` state (`fail`, the default).
 */
export function failureTransition(
  step: FlowStep,
  place: StepPlace,
  cx: FlowCompileContext,
  source: FailureSource,
  extra: Record<string, Json> = {},
): TransitionConfig {
  const record = { type: 'stepFailed', params: { step: step.id, source, ...extra } };
  if (step.catch && step.catch.length > 0) {
    return { target: `#${stepStateId(cx, step.id)}.$catch`, actions: [record] };
  }
  const policy = step.onError ?? cx.onError;
  if (policy === 'continue') return { target: place.next, actions: [record] };
  return { target: `#${cx.machineId}.failed`, actions: [record, { type: 'flowFailed', params: { step: step.id } }] };
}

/**
 * A step with catch steps becomes `{ $run, $catch }`: a failure of `$run` enters `$catch`, whose
 * steps run in order before the flow goes on after the step.
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
      $catch: { ...cx.compileSequence(step.catch, `${id}$catch`), onDone: { target: place.next } },
    },
  };
}
