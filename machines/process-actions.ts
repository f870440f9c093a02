import { assign, type AnyEventObject } from 'xstate';
import type { MachineEnvironment } from './environment.js';
import { processScope, type ExpressionParams, type MachineExpressions } from './scope.js';

/** XState hands guards no `self`, so a guard's report may lack the instance id (the runtime fills it in). */
type Args = { context: Record<string, unknown>; event: AnyEventObject; self?: { id: string } };

/**
 * Evaluates an expression of a process. One that fails is reported and yields `fallback`: a process is
 * long-lived, and a bad payload must not end it (a flow, by contrast, fails with the error).
 */
function safely(env: MachineEnvironment, self: { id: string } | undefined, event: AnyEventObject, what: string, fallback: unknown, run: () => unknown): unknown {
  try {
    return run();
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    env.reportError(`${what} failed on event "${event.type}": ${detail}`, { ...(self ? { instanceId: self.id } : {}), event: event.type });
    return fallback;
  }
}

/** The guards a process machine names. */
export function processGuards(env: MachineEnvironment, expressions: MachineExpressions) {
  const holds = ({ context, event, self }: Args, params: ExpressionParams | undefined) =>
    !params || Boolean(safely(env, self, event, 'a guard', false, () => expressions.get(params)?.(processScope(context, event))));
  const succeeded = (event: AnyEventObject) => (event.output as { success?: unknown } | undefined)?.success === true;
  return {
    expression: (args: Args, params: ExpressionParams) => holds(args, params),
    taskSucceeded: (args: Args, params?: ExpressionParams) => succeeded(args.event) && holds(args, params),
    taskFailed: (args: Args, params?: ExpressionParams) => !succeeded(args.event) && holds(args, params),
  };
}

/** The actions a process machine names: `assign`, `emit` and `log` of the DSL. */
export function processActions(env: MachineEnvironment, expressions: MachineExpressions) {
  const value = ({ context, event, self }: Args, ref: ExpressionParams | undefined, what: string) =>
    safely(env, self, event, what, undefined, () => expressions.get(ref)?.(processScope(context, event)));
  return {
    assignValues: assign((args: Args, params: { values: Record<string, ExpressionParams> }) => {
      const updates: Record<string, unknown> = {};
      for (const [key, ref] of Object.entries(params.values)) updates[key] = value(args, ref, `assign of "${key}"`);
      return updates;
    }),
    emitEvent: (args: Args, params: { event: string; payload?: ExpressionParams }) => {
      const payload = params.payload ? value(args, params.payload, `the payload of emit "${params.event}"`) : {};
      const body = payload && typeof payload === 'object' && !Array.isArray(payload) ? (payload as Record<string, unknown>) : { value: payload };
      env.emit(params.event, body, args.self?.id);
    },
    logMessage: (args: Args, params: { message: ExpressionParams }) => {
      env.log(value(args, params.message, 'a log message'), { ...(args.self ? { instanceId: args.self.id } : {}), event: args.event.type });
    },
  };
}
