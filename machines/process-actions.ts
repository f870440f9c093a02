import { assign, type AnyEventObject } from 'xstate';
import type { MachineEnvironment } from './environment.js';
import { processScope, type ExpressionParams, type MachineExpressions } from './scope.js';

type Args = { context: Record<string, unknown>; event: AnyEventObject; self: { id: string } };

/** The guards a process machine names. */
export function processGuards(expressions: MachineExpressions) {
  return {
    expression: ({ context, event }: Args, params: ExpressionParams) => Boolean(expressions.get(params)?.(processScope(context, event))),
    taskSucceeded: ({ context, event }: Args, params?: ExpressionParams) =>
      (event.output as { success?: unknown } | undefined)?.success === true && (!params || Boolean(expressions.get(params)?.(processScope(context, event)))),
    taskFailed: ({ context, event }: Args, params?: ExpressionParams) =>
      (event.output as { success?: unknown } | undefined)?.success !== true && (!params || Boolean(expressions.get(params)?.(processScope(context, event)))),
  };
}

/** The actions a process machine names: `assign`, `emit` and `log` of the DSL. */
export function processActions(env: MachineEnvironment, expressions: MachineExpressions) {
  const value = (ref: ExpressionParams | undefined, context: Record<string, unknown>, event: AnyEventObject) =>
    expressions.get(ref)?.(processScope(context, event));
  return {
    assignValues: assign(({ context, event }: Args, params: { values: Record<string, ExpressionParams> }) => {
      const scope = processScope(context, event);
      const updates: Record<string, unknown> = {};
      for (const [key, ref] of Object.entries(params.values)) updates[key] = expressions.get(ref)?.(scope);
      return updates;
    }),
    emitEvent: ({ context, event, self }: Args, params: { event: string; payload?: ExpressionParams }) => {
      const payload = params.payload ? value(params.payload, context, event) : {};
      const body = payload && typeof payload === 'object' && !Array.isArray(payload) ? (payload as Record<string, unknown>) : { value: payload };
      env.emit(params.event, { ...body, source: self.id });
    },
    logMessage: ({ context, event, self }: Args, params: { message: ExpressionParams }) => {
      env.log(value(params.message, context, event), { instanceId: self.id, event: event.type });
    },
  };
}
