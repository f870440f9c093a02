import type { AnyEventObject } from 'xstate';
import { failedFlowResult, stepResults, type FlowContext, type FlowExecutionResult, type FlowMachineInput } from './flow-state.js';
import { toSerializedError } from '../src/failure.js';
import { flowScope, processScope, type ExpressionParams, type MachineExpressions } from './scope.js';
import type { TaskAttemptInput } from './task-attempt.js';

type MapperArgs = { context: unknown; event: AnyEventObject; input?: unknown; self?: { id: string } };
export type Mapper = (args: MapperArgs, params: Record<string, unknown>) => unknown;

const cloneJson = <T>(value: T): T => (value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T));

/** The functions a compiled config names with `$mapper` (invoke inputs, the root context and output). */
export function createMappers(expressions: MachineExpressions): Record<string, Mapper> {
  const evaluate = (ref: unknown, context: FlowContext, event: AnyEventObject, fallback: unknown) => {
    const compiled = expressions.get(ref as ExpressionParams | undefined);
    return compiled ? compiled(flowScope(context, event)) : fallback;
  };

  return {
    flowContext: ({ input }, params) => {
      const start = (input ?? {}) as FlowMachineInput;
      const context: FlowContext = {
        flowId: params.flowId as string,
        instanceId: start.instanceId ?? (params.flowId as string),
        input: start.input,
        steps: start.steps ? { ...start.steps } : {},
        stepStatus: {},
        forEach: {},
      };
      if ('item' in start) context.item = start.item;
      if (start.index !== undefined) context.index = start.index;
      return context;
    },
    flowResult: ({ context, event }, params) => {
      const ctx = context as FlowContext;
      if (ctx.error) return failedFlowResult(ctx, ctx.instanceId, ctx.error);
      let output: unknown;
      try {
        if (params.output !== undefined) output = evaluate(params.output, ctx, event, undefined);
        else {
          const last = (params.steps as string[]).filter((id) => id in ctx.stepStatus).at(-1);
          output = last === undefined ? undefined : ctx.steps[last];
        }
      } catch (thrown) {
        return failedFlowResult(ctx, ctx.instanceId, toSerializedError(thrown));
      }
      const result: FlowExecutionResult = { success: true, output, steps: stepResults(ctx), instanceId: ctx.instanceId };
      return result;
    },
    taskAttemptInput: ({ context, event }, params): TaskAttemptInput => {
      const ctx = context as FlowContext;
      const step = params.step as string;
      return {
        taskId: params.task as string,
        stepId: step,
        instanceId: ctx.instanceId,
        attempt: ctx.stepStatus[step]?.attempts || 1,
        input: evaluate(params.input, ctx, event, ctx.input),
      };
    },
    backoffDelay: ({ context }, params) => ({ delayMs: (context as FlowContext).stepStatus[params.step as string]?.delayMs ?? 0 }),
    subflowInput: ({ context, event }, params): FlowMachineInput => {
      const ctx = context as FlowContext;
      return { input: evaluate(params.input, ctx, event, ctx.input), instanceId: `${ctx.instanceId}/${String(params.step)}` };
    },
    processContext: ({ input }, params) => {
      const start = (input ?? {}) as { context?: Record<string, unknown> };
      return { ...cloneJson((params.defaults ?? {}) as Record<string, unknown>), ...(start.context ?? {}) };
    },
    processTaskInput: ({ context, event, self }, params): FlowMachineInput => {
      const ctx = context as Record<string, unknown>;
      const compiled = expressions.get(params.input as ExpressionParams | undefined);
      const instanceId = self?.id ?? 'process';
      return {
        input: compiled ? compiled(processScope(ctx, event)) : ctx,
        instanceId: `${instanceId}/${String(params.state)}`,
      };
    },
  };
}
