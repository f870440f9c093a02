import type { AnyEventObject } from 'xstate';
import type { FlowContext, FlowExecutionResult, FlowMachineInput, StepResult } from './flow-state.js';
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
        steps: {},
        stepStatus: {},
        forEach: {},
      };
      if ('item' in start) context.item = start.item;
      if (start.index !== undefined) context.index = start.index;
      return context;
    },
    flowResult: ({ context, event }, params) => {
      const ctx = context as FlowContext;
      const steps: Record<string, StepResult> = {};
      for (const [id, record] of Object.entries(ctx.stepStatus)) {
        const result: StepResult = { status: record.status, attempts: record.attempts };
        if (id in ctx.steps) result.output = ctx.steps[id];
        if (record.error) result.error = record.error;
        steps[id] = result;
      }
      const result: FlowExecutionResult = { success: ctx.error === undefined, output: undefined, steps, instanceId: ctx.instanceId };
      if (ctx.error) result.error = ctx.error;
      else if (params.output !== undefined) result.output = evaluate(params.output, ctx, event, undefined);
      else {
        const ran = (params.steps as string[]).filter((id) => id in ctx.stepStatus);
        const last = ran.at(-1);
        result.output = last === undefined ? undefined : ctx.steps[last];
      }
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
