import { parseDuration } from '../../src/dsl/duration.js';
import { compileRetryPolicy } from '../../src/dsl/retry-policy.js';
import type { TaskStep } from '../../src/dsl/schema.js';
import { failureTransition } from '../failure.js';
import { expressionRef, type StepCompiler } from '../flow-context.js';
import { ATTEMPT_STATE, BACKOFF_STATE, BACKOFF_TIMER_SUFFIX, TASK_ATTEMPT_ACTOR, TIMEOUT_TIMER_SUFFIX, TIMER_ACTOR } from '../names.js';
import type { InvokeConfig, Json, StateConfig } from '../types.js';

/**
 * A task step invokes the task attempt actor. Without retries or a timeout that is the whole state,
 * so the policy costs nothing when unused. Otherwise the step is `$attempt` ⇄ `$backoff`: each attempt,
 * its timeout timer and each backoff delay are states and invoked actors an inspector shows.
 */
export const compileTaskStep: StepCompiler<TaskStep> = (step, place, cx) => {
  cx.taskIds.add(step.task);
  const task = cx.tasks[step.task] ?? {};
  const policy = compileRetryPolicy(task.retry, step.retry);
  const timeout = step.timeout ?? task.timeout;
  const timeoutMs = timeout === undefined ? undefined : parseDuration(timeout);
  const inputParams: Record<string, Json> = { task: step.task, step: step.id };
  if (step.input !== undefined) inputParams.input = expressionRef(cx, step.input);
  const succeeded = { target: place.next, actions: [{ type: 'stepSucceeded', params: { step: step.id } }] };
  const attempt = (onError: NonNullable<InvokeConfig['onError']>): InvokeConfig => ({
    id: step.id,
    src: TASK_ATTEMPT_ACTOR,
    input: { $mapper: 'taskAttemptInput', params: inputParams },
    onDone: succeeded,
    onError,
  });

  if (policy.maxAttempts <= 1 && timeoutMs === undefined) {
    return { invoke: [attempt(failureTransition(step, place, cx, 'error'))] };
  }

  const retryGuard = { type: 'retryable', params: { step: step.id, maxAttempts: policy.maxAttempts, nonRetryable: policy.nonRetryable } };
  const retryOn = (source: 'error' | 'timeout') => [
    { guard: { ...retryGuard, params: { ...retryGuard.params, source } }, target: BACKOFF_STATE, actions: [{ type: 'attemptFailed', params: { step: step.id, source, ...(timeoutMs === undefined ? {} : { timeoutMs }) } }] },
    failureTransition(step, place, cx, source, timeoutMs === undefined ? {} : { timeoutMs }),
  ];
  const invoke: InvokeConfig[] = [attempt(retryOn('error'))];
  if (timeoutMs !== undefined) {
    invoke.push({ id: `${step.id}${TIMEOUT_TIMER_SUFFIX}`, src: TIMER_ACTOR, input: { delayMs: timeoutMs }, onDone: retryOn('timeout') });
  }
  const scheduled = { type: 'retryScheduled', params: { step: step.id, task: step.task, policy: { ...policy, maxDelayMs: policy.maxDelayMs ?? null } } };
  // Every delay is 0 when the first one is (any backoff, any jitter): the state stays, the timer goes.
  const backoff: StateConfig =
    policy.initialDelayMs === 0
      ? { entry: [scheduled], always: { target: ATTEMPT_STATE } }
      : {
          entry: [scheduled],
          invoke: [{ id: `${step.id}${BACKOFF_TIMER_SUFFIX}`, src: TIMER_ACTOR, input: { $mapper: 'backoffDelay', params: { step: step.id } }, onDone: { target: ATTEMPT_STATE } }],
        };
  return {
    initial: ATTEMPT_STATE,
    states: {
      [ATTEMPT_STATE]: { entry: [{ type: 'attemptStarted', params: { step: step.id } }], invoke },
      [BACKOFF_STATE]: backoff,
    },
  };
};
