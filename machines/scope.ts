import type { AnyEventObject } from 'xstate';
import type { ExpressionScope } from '../src/dsl/schema.js';
import { UsageError } from '../src/errors.js';
import type { FlowContext } from './flow-state.js';
import type { CompiledExpression, ExpressionCache } from './expression.js';

/** What an event means to an expression: the payload of a sent event, the output of a finished actor. */
export function eventPayload(event: AnyEventObject | undefined): unknown {
  if (!event) return undefined;
  if ('payload' in event) return event.payload;
  if (event.type.startsWith('xstate.done.actor.')) {
    const output = event.output as { success?: unknown; output?: unknown; error?: unknown } | undefined;
    if (output && typeof output.success === 'boolean') return output.success ? output.output : output.error;
    return output;
  }
  if (event.type.startsWith('xstate.error.actor.')) return event.error;
  return undefined;
}

export function flowScope(context: FlowContext, event: AnyEventObject | undefined): ExpressionScope {
  const scope: { -readonly [K in keyof ExpressionScope]: ExpressionScope[K] } = {
    input: context.input,
    steps: context.steps,
    context: context as unknown as Record<string, unknown>,
    event: eventPayload(event),
  };
  if ('item' in context) scope.item = context.item;
  if (context.index !== undefined) scope.index = context.index;
  return scope;
}

export function processScope(context: Record<string, unknown>, event: AnyEventObject | undefined): ExpressionScope {
  return { input: undefined, steps: {}, context, event: eventPayload(event) };
}

/** `{ expr }` or `{ fn }`, as the compiler writes an expression into params. */
export type ExpressionParams = { expr?: string; fn?: string };

/** Expressions and functions of one machine: each expression is parsed once, on first use. */
export class MachineExpressions {
  constructor(
    private readonly cache: ExpressionCache,
    private readonly functions: Readonly<Record<string, (...args: never[]) => unknown>> = {},
  ) {}

  get(ref: ExpressionParams | undefined): CompiledExpression | undefined {
    if (!ref) return undefined;
    if (ref.expr !== undefined) return this.cache.get(ref.expr);
    if (ref.fn !== undefined) return this.functionNamed(ref.fn) as unknown as CompiledExpression;
    return undefined;
  }

  /** A code condition `(input, previousOutputs) => boolean`. */
  condition(name: string): (input: unknown, previous: Record<string, unknown>) => unknown {
    return this.functionNamed(name) as unknown as (input: unknown, previous: Record<string, unknown>) => unknown;
  }

  /** A definition that names a function in its params must bring it (`functions`; JSON holds none). */
  private functionNamed(name: string): (...args: never[]) => unknown {
    const fn = this.functions[name];
    if (!fn) throw new UsageError(`No function "${name}" was supplied for this machine: a definition of a code-built flow or process needs its \`functions\``);
    return fn;
  }
}
