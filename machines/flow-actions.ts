import { assign, enqueueActions, type AnyEventObject } from 'xstate';
import { retryDelayMs, type CompiledRetryPolicy } from '../src/dsl/retry-policy.js';
import { type SerializedError, cancelledFailure, expressionFailure, failedFailure, toSerializedError } from '../src/failure.js';
import type { MachineEnvironment } from './environment.js';
import { errorFromEvent, type FlowContext, type FlowExecutionResult, type StepRecord } from './flow-state.js';
import { flowScope, type ExpressionParams, type MachineExpressions } from './scope.js';

type Args = { context: FlowContext; event: AnyEventObject };
type StepParams = { step: string };

function withRecord(context: FlowContext, step: string, record: StepRecord): Record<string, StepRecord> {
  return { ...context.stepStatus, [step]: record };
}

const itemIndex = (event: AnyEventObject, step: string): number | undefined => {
  const prefix = `xstate.done.actor.${step}[`;
  return event.type.startsWith(prefix) ? Number(event.type.slice(prefix.length, -1)) : undefined;
};

/** The guards every flow machine names. */
export function flowGuards(expressions: MachineExpressions) {
  return {
    expression: ({ context, event }: Args, params: ExpressionParams) => Boolean(expressions.get(params)?.(flowScope(context, event))),
    condition: ({ context }: Args, params: { fn: string }) => Boolean(expressions.condition(params.fn)(context.input, context.steps)),
    retryable: ({ context, event }: Args, params: StepParams & { maxAttempts: number; nonRetryable: string[]; source: string }) => {
      const attempts = context.stepStatus[params.step]?.attempts ?? 1;
      if (attempts >= params.maxAttempts) return false;
      const error = errorFromEvent(event, params.source, params.step);
      if (error.nonRetryable) return false;
      return !params.nonRetryable.includes(error.name) && !(error.code !== undefined && params.nonRetryable.includes(error.code));
    },
    childFlowSucceeded: ({ event }: Args) => (event.output as FlowExecutionResult | undefined)?.success === true,
    forEachItem: ({ event }: Args, params: StepParams) => itemIndex(event, params.step) !== undefined,
    forEachItemFailed: ({ event }: Args, params: StepParams) =>
      itemIndex(event, params.step) !== undefined && (event.output as FlowExecutionResult | undefined)?.success === false,
    forEachInvalid: ({ context }: Args, params: StepParams) => context.forEach[params.step]?.error !== undefined,
    forEachComplete: ({ context }: Args, params: StepParams) => {
      const record = context.forEach[params.step];
      return record !== undefined && record.error === undefined && record.done === record.items.length;
    },
  };
}

type OutputParams = StepParams & { output?: string; last?: string | null; lasts?: (string | null)[] };

function stepOutput(context: FlowContext, event: AnyEventObject, params: OutputParams): unknown {
  switch (params.output) {
    case 'none':
      return undefined;
    case 'eventPayload':
      return (event as { payload?: unknown }).payload;
    case 'lastOf':
      return params.last ? context.steps[params.last] : undefined;
    case 'lastOfEach':
      return (params.lasts ?? []).map((id) => (id ? context.steps[id] : undefined));
    case 'flowResult':
      return (event.output as FlowExecutionResult | undefined)?.output;
    case 'forEach':
      return context.forEach[params.step]?.results ?? [];
    default:
      return event.output;
  }
}

/** The actions every flow machine names. */
export function flowActions(env: MachineEnvironment, expressions: MachineExpressions) {
  const startItems = (
    context: FlowContext,
    enqueue: { spawnChild: (src: string, options: { id: string; input: unknown }) => void },
    params: { step: string; src: string },
    from: number,
    count: number,
    items: unknown[],
  ) => {
    for (let i = from; i < from + count; i++) {
      enqueue.spawnChild(params.src, {
        id: `${params.step}[${i}]`,
        input: { input: context.input, steps: context.steps, item: items[i], index: i, instanceId: `${context.instanceId}/${params.step}[${i}]` },
      });
    }
  };

  return {
    stepEntered: assign(({ context }: Args, params: StepParams) => ({
      stepStatus: withRecord(context, params.step, { status: 'running', attempts: 0 }),
    })),
    attemptStarted: assign(({ context }: Args, params: StepParams) => {
      const previous = context.stepStatus[params.step];
      const record: StepRecord = { status: 'running', attempts: (previous?.attempts ?? 0) + 1 };
      if (previous?.error) record.error = previous.error;
      return { stepStatus: withRecord(context, params.step, record) };
    }),
    stepSucceeded: assign(({ context, event }: Args, params: OutputParams) => {
      const step = params.step;
      const steps = { ...context.steps };
      steps[step] = params.output === undefined ? event.output : stepOutput(context, event, params);
      const stepStatus = { ...context.stepStatus };
      stepStatus[step] = { status: 'completed', attempts: stepStatus[step]?.attempts ?? 1 };
      return { steps, stepStatus };
    }),
    attemptFailed: assign(({ context, event }: Args, params: StepParams & { source: string; timeoutMs?: number }) => {
      const previous = context.stepStatus[params.step];
      const error = errorFromEvent(event, params.source, params.step, params.timeoutMs);
      return { stepStatus: withRecord(context, params.step, { status: 'running', attempts: previous?.attempts ?? 1, error }) };
    }),
    stepFailed: assign(({ context, event }: Args, params: StepParams & { source: string; timeoutMs?: number; from?: string }) => {
      const previous = context.stepStatus[params.step];
      const fallback = failedFailure(`Step "${params.step}" failed`);
      const error: SerializedError =
        params.source === 'recorded'
          ? (context.forEach[params.step]?.error ?? fallback)
          : params.source === 'child'
            ? (context.stepStatus[params.from ?? '']?.error ?? fallback)
            : errorFromEvent(event, params.source, params.step, params.timeoutMs);
      return { stepStatus: withRecord(context, params.step, { status: 'failed', attempts: previous?.attempts ?? 1, error }) };
    }),
    stepRecovered: assign(({ context }: Args, params: StepParams & { last: string | null }) => ({
      steps: { ...context.steps, [params.step]: params.last ? context.steps[params.last] : undefined },
    })),
    flowFailed: assign(({ context }: Args, params: StepParams) => {
      const error = context.stepStatus[params.step]?.error ?? failedFailure(`Step "${params.step}" failed`);
      return { error: { ...error, step: params.step } };
    }),
    flowCancelled: assign(() => ({ error: cancelledFailure('The flow was cancelled') })),
    retryScheduled: enqueueActions(
      ({ context: ctx, enqueue }, params: StepParams & { task: string; policy: CompiledRetryPolicy & { maxDelayMs: number | null } }) => {
        const context = ctx as FlowContext;
        const previous = context.stepStatus[params.step] ?? { status: 'running' as const, attempts: 1 };
        // `maxDelayMs: null` (JSON for "none") reads as none there too.
        const delayMs = retryDelayMs(params.policy as CompiledRetryPolicy, previous.attempts, env.random);
        enqueue.assign({ stepStatus: withRecord(context, params.step, { ...previous, delayMs }) });
        enqueue(() =>
          env.emit('task.retrying', {
            taskId: params.task,
            instanceId: context.instanceId,
            stepId: params.step,
            attempt: previous.attempts,
            nextAttempt: previous.attempts + 1,
            delayMs,
            error: previous.error,
          }),
        );
      },
    ),
    forEachStart: enqueueActions(({ context, event, enqueue }, params: { step: string; src: string; concurrency: number; items: ExpressionParams }) => {
      const ctx = context as FlowContext;
      let items: unknown;
      let error: SerializedError | undefined;
      try {
        items = expressions.get(params.items)?.(flowScope(ctx, event as AnyEventObject));
        if (!Array.isArray(items)) error = toSerializedError(new TypeError(`forEach "${params.step}": items evaluated to ${describe(items)}, expected an array`));
      } catch (thrown) {
        error = expressionFailure(thrown instanceof Error ? thrown.message : String(thrown));
      }
      const list = Array.isArray(items) ? (items as unknown[]) : [];
      const first = Math.min(params.concurrency, list.length);
      enqueue.assign({ forEach: { ...ctx.forEach, [params.step]: { items: list, next: first, done: 0, results: [], ...(error ? { error } : {}) } } });
      if (!error) startItems(ctx, enqueue as never, params, 0, first, list);
    }),
    forEachItemDone: enqueueActions(({ context, event, enqueue }, params: { step: string; src: string }) => {
      const ctx = context as FlowContext;
      const index = itemIndex(event as AnyEventObject, params.step);
      const record = ctx.forEach[params.step];
      if (index === undefined || !record) return;
      const results = record.results.slice();
      results[index] = ((event as AnyEventObject).output as FlowExecutionResult | undefined)?.output;
      const startNext = record.next < record.items.length;
      enqueue.assign({ forEach: { ...ctx.forEach, [params.step]: { ...record, results, done: record.done + 1, next: record.next + (startNext ? 1 : 0) } } });
      if (startNext) startItems(ctx, enqueue as never, params, record.next, 1, record.items);
    }),
    forEachStop: enqueueActions(({ context, enqueue }, params: StepParams) => {
      // Stopping a child that already finished is a no-op, so every started item is stopped.
      const record = (context as FlowContext).forEach[params.step];
      for (let i = 0; i < (record?.next ?? 0); i++) enqueue.stopChild(`${params.step}[${i}]`);
    }),
  };
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  return `a ${typeof value}`;
}
