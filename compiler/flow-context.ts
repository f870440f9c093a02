import type { ErrorPolicy, Expression, FlowStep, TaskDefinition } from '../src/dsl/schema.js';
import type { FlowMachineDefinition, Json, NamedRef, StateConfig, TransitionConfig } from './types.js';

/** What every step compiler needs to know about the flow it is part of. */
export interface FlowCompileContext {
  /** Machine id; every `#` target starts with it. */
  readonly machineId: string;
  readonly flowId: string;
  readonly tasks: Readonly<Record<string, TaskDefinition>>;
  readonly onError: ErrorPolicy;
  /** Collected while compiling. */
  readonly bodies: Record<string, FlowMachineDefinition>;
  readonly subflows: Set<string>;
  readonly taskIds: Set<string>;
  readonly events: Set<string>;
  /** Functions standing in for expressions (code only), by the name the config uses. */
  readonly functions: Record<string, (...args: never[]) => unknown>;
  /**
   * The transition when a step fails under `'fail'`: the failure propagates to the enclosing step (a
   * condition or parallel step, which then fails by its own policy) or, at the top, fails the flow.
   * `origin` is the step that failed first; `actions` record the failure on the way.
   */
  propagate(origin: string, actions: NamedRef[]): TransitionConfig;
  /** Compiles steps into a sequence state ending in a final state with id `doneId`. */
  compileSequence(steps: FlowStep[], doneId: string, cx: FlowCompileContext): StateConfig;
  /** Compiles a forEach body into a machine of its own. */
  compileBody(stepId: string, steps: FlowStep[]): FlowMachineDefinition;
}

/** Where a step sits: the state id it gets and the target that follows it. */
export interface StepPlace {
  /** Absolute target (`#…`) of what comes after this step. */
  readonly next: string;
}

export type StepCompiler<S extends FlowStep> = (step: S, place: StepPlace, cx: FlowCompileContext) => StateConfig;

/** The state id of a step: `#<id>` targets it. Ids hold no `.`, which XState reads as a path. */
export const stepStateId = (cx: FlowCompileContext, stepId: string): string => `${cx.machineId}:${stepId}`;

/** An expression as JSON: its source, or the name of the function that stands for it. */
export function expressionRef(
  cx: { readonly functions: Record<string, (...args: never[]) => unknown> },
  expression: Expression | ((...args: never[]) => unknown),
): Record<string, Json> {
  if (typeof expression === 'string') return { expr: expression };
  const name = `fn${Object.keys(cx.functions).length}`;
  cx.functions[name] = expression as (...args: never[]) => unknown;
  return { fn: name };
}
