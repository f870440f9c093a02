import type { AnyEventObject } from 'xstate';
import { failedFlowResult, stepResults, type FlowContext, type FlowExecutionResult, type FlowMachineInput } from './flow-state.js';
import { toSerializedError } from '../src/failure.js';
import { flowScope, processScope, type ExpressionParams, type MachineExpressions } from './scope.js';
import { TaskAttempt } from './task-attempt.js';

type MapperArgs = { context: unknown; event: AnyEventObject; input?: unknown; self?: { id: string } };
/** A mapper prepared for the params of one place in the config: what XState calls. */
export type PreparedMapper = (args: MapperArgs) => unknown;
/**
 * Prepares a mapper for the params one `$mapper` reference gives it, once per machine build, so what
 * the params decide (is there an input expression? which steps?) is decided then, not on every call.
 */
export type Mapper = (params: Record<string, unknown>) => PreparedMapper;

const cloneJson = <T>(value: T): T => (value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T));

/** The functions a compiled config names with `$mapper` (invoke inputs, the root context and output). */
export function createMappers(expressions: MachineExpressions): Record<string, Mapper> {
  /** The expression `ref` names, evaluated in a flow's scope; without one, `fallback` of the context. */
  const flowValue = (ref: unknown, fallback: (context: FlowContext) => unknown) => {
    if (ref === undefined) return (context: FlowContext) => fallback(context);
    return (context: FlowContext, event: AnyEventObject) => {
      const compiled = expressions.get(ref as ExpressionParams);
      return compiled ? compiled(flowScope(context, event)) : fallback(context);
    };
  };
  const flowInput = (context: FlowContext) => context.input;

  return {
    flowContext: (params) => {
      const flowId = params.flowId as string;
      return ({ input }) => {
        const start = (input ?? {}) as FlowMachineInput;
        const context: FlowContext = {
          flowId,
          instanceId: start.instanceId ?? flowId,
          input: start.input,
          steps: start.steps ? { ...start.steps } : {},
          stepStatus: {},
          forEach: {},
        };
        if ('item' in start) context.item = start.item;
        if (start.index !== undefined) context.index = start.index;
        return context;
      };
    },
    flowResult: (params) => {
      const output = params.output === undefined ? undefined : flowValue(params.output, () => undefined);
      const steps = params.steps as string[];
      return ({ context, event }) => {
        const ctx = context as FlowContext;
        if (ctx.error) return failedFlowResult(ctx, ctx.instanceId, ctx.error);
        let value: unknown;
        try {
          if (output) value = output(ctx, event);
          else {
            // The output of the last top-level step that ran.
            for (let i = steps.length - 1; i >= 0; i--) {
              const id = steps[i] as string;
              if (id in ctx.stepStatus) {
                value = ctx.steps[id];
                break;
              }
            }
          }
        } catch (thrown) {
          return failedFlowResult(ctx, ctx.instanceId, toSerializedError(thrown));
        }
        const result: FlowExecutionResult = { success: true, output: value, steps: stepResults(ctx), instanceId: ctx.instanceId };
        return result;
      };
    },
    taskAttemptInput: (params) => {
      const taskId = params.task as string;
      const stepId = params.step as string;
      const input = flowValue(params.input, flowInput);
      return ({ context, event }): TaskAttempt => {
        const ctx = context as FlowContext;
        return new TaskAttempt(taskId, stepId, ctx.instanceId, ctx.stepStatus[stepId]?.attempts || 1, input(ctx, event));
      };
    },
    backoffDelay: (params) => {
      const step = params.step as string;
      return ({ context }) => ({ delayMs: (context as FlowContext).stepStatus[step]?.delayMs ?? 0 });
    },
    subflowInput: (params) => {
      const input = flowValue(params.input, flowInput);
      const suffix = `/${String(params.step)}`;
      return ({ context, event }): FlowMachineInput => {
        const ctx = context as FlowContext;
        return { input: input(ctx, event), instanceId: `${ctx.instanceId}${suffix}` };
      };
    },
    processContext: (params) => {
      const defaults = (params.defaults ?? {}) as Record<string, unknown>;
      return ({ input }) => {
        const start = (input ?? {}) as { context?: Record<string, unknown> };
        return { ...cloneJson(defaults), ...(start.context ?? {}) };
      };
    },
    processTaskInput: (params) => ({ context, event, self }): FlowMachineInput => {
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
