import { z } from 'zod';
import { DURATION_PATTERN, type Duration } from './duration-syntax.js';

/** A JSON Schema document (data). Authors may write zod in code and convert it with `z.toJSONSchema`. */
export type JsonSchema = Record<string, unknown>;

export type { Duration };

/**
 * A function that may stand for an expression in code (programmatic flows, trusted `.dsl.ts`).
 * It is called with the expression scope `{ input, steps, context, event }`.
 */
export type ExpressionFunction = (scope: ExpressionScope) => unknown;

/** A condition written in code, as in the original Runtime Core: `(input, previousOutputs) => boolean`. */
export type ConditionFunction = (input: unknown, previousOutputs: Record<string, unknown>) => unknown;

/** A string of the expression language (see docs/expressions.md), or a function in code. */
export type Expression = string | ExpressionFunction;

/** What an expression can read. */
export interface ExpressionScope {
  readonly input: unknown;
  readonly steps: Record<string, unknown>;
  readonly context: Record<string, unknown>;
  readonly event: unknown;
  /** Inside a forEach body: the current item and its index. */
  readonly item?: unknown;
  readonly index?: number;
}

export type BackoffKind = 'fixed' | 'exponential' | 'linear';

export interface RetryPolicy {
  /** Attempts in all, the first included. @default 1 */
  maxAttempts?: number;
  /** Delay before the first retry. @default '1s' */
  initialDelay?: Duration;
  /** @default 'exponential' */
  backoff?: BackoffKind;
  /** Growth factor for exponential backoff. @default 2 */
  multiplier?: number;
  /** Upper bound of any one delay. @default none */
  maxDelay?: Duration;
  /** `'full'` waits a uniform random time in [0, delay]. @default 'none' */
  jitter?: 'none' | 'full';
  /** Error names or codes that are never retried. @default [] */
  nonRetryable?: string[];
}

export interface TaskExample {
  input: unknown;
  output?: unknown;
  error?: { name?: string; message?: string; code?: string };
  description?: string;
}

export interface TaskDefinition {
  description?: string;
  input?: JsonSchema;
  output?: JsonSchema;
  retry?: RetryPolicy;
  /** Per attempt; a timed-out attempt fails with `TimeoutError`. @default none: an attempt may run for ever */
  timeout?: Duration;
  examples?: TaskExample[];
  /** How the task runs when no implementation is registered: a built-in kind. */
  implementation?: BuiltinImplementation;
}

/** HTTP methods an `http` task may use. */
export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/**
 * Calls an HTTP endpoint with fetch; the response (JSON, else text) is the output, a non-2xx status a failure.
 * `url` and header values may hold `{{expression}}` templates over `{ input }`.
 */
export interface HttpImplementation {
  type: 'http';
  /** An absolute http(s) URL: `https://api.example.com/users/{{input.id}}`. */
  url: string;
  /** @default 'GET' */
  method?: HttpMethod;
  /** Header name → value; values may hold templates. */
  headers?: Record<string, string>;
  /** An expression over `{ input }`, sent as JSON; never sent with GET or HEAD. @default the input */
  body?: Expression;
}

/** Computes the output from the input with an expression over `{ input }`. */
export interface TransformImplementation {
  type: 'transform';
  expression: Expression;
}

/**
 * Answers from the task's `examples` (the one whose input deep-equals the input; an example with `error`
 * fails), else `output`, else the first example's output.
 */
export interface MockImplementation {
  type: 'mock';
  /** The answer when no example matches. @default the first example's output */
  output?: unknown;
}

/** Sends an event into the system and outputs `{ emitted: event }`. */
export interface EmitImplementation {
  type: 'emit';
  event: string;
  /** An expression over `{ input }`. @default the input */
  payload?: Expression;
}

/** A built-in implementation of a task, tagged by `type`. */
export type BuiltinImplementation = HttpImplementation | TransformImplementation | MockImplementation | EmitImplementation;
export type BuiltinTaskKind = BuiltinImplementation['type'];

export interface EventDefinition {
  description?: string;
  payload?: JsonSchema;
}

// ─── processes ────────────────────────────────────────────────────────────────

export type ProcessAction =
  | { type: 'assign'; values: Record<string, Expression> }
  | { type: 'emit'; event: string; payload?: Expression }
  | { type: 'log'; message: Expression };

export interface TransitionObject {
  target?: string;
  guard?: Expression;
  actions?: ProcessAction[];
  description?: string;
}

/** A target state name, a transition, or guarded alternatives tried in order. */
export type Transition = string | TransitionObject | TransitionObject[];

export interface InvokeDefinition {
  task: string;
  input?: Expression;
  onDone?: Transition;
  onError?: Transition;
}

export interface StateDefinition {
  type?: 'atomic' | 'compound' | 'parallel' | 'final';
  description?: string;
  initial?: string;
  states?: Record<string, StateDefinition>;
  on?: Record<string, Transition>;
  /** Delayed transitions, keyed by duration (`'5m'`, `'1000'`). Durable: they survive a restart. */
  after?: Record<string, Transition>;
  invoke?: InvokeDefinition;
  entry?: ProcessAction[];
  exit?: ProcessAction[];
}

export interface FlatTransition {
  from: string;
  to: string;
  on: string;
  guard?: Expression;
}

export interface ProcessDefinition {
  description?: string;
  type?: 'compound' | 'parallel';
  initial?: string;
  context?: Record<string, unknown>;
  /** Statechart states, or the older flat list of names (the first is initial). */
  states: Record<string, StateDefinition> | string[];
  /** Only with the flat shape. */
  transitions?: FlatTransition[];
  /** Transitions taken from any state. */
  on?: Record<string, Transition>;
}

// ─── flows ────────────────────────────────────────────────────────────────────

export type ErrorPolicy = 'fail' | 'continue';

export interface StepBase {
  id: string;
  name?: string;
  description?: string;
  /** What a failure of this step does to the flow. @default the flow's onError */
  onError?: ErrorPolicy;
  /** Steps run when this step fails; the flow then goes on after this step. */
  catch?: FlowStep[];
}

export interface TaskStep extends StepBase {
  type: 'task';
  task: string;
  /** Maps the scope to the task input. @default the flow's input */
  input?: Expression;
  retry?: RetryPolicy;
  timeout?: Duration;
}

export interface ConditionStep extends StepBase {
  type: 'condition';
  if: Expression | ConditionFunction;
  then: FlowStep[];
  else?: FlowStep[];
}

export interface ParallelStep extends StepBase {
  type: 'parallel';
  branches: FlowStep[][];
}

export interface WaitStep extends StepBase {
  type: 'wait';
  duration: Duration;
}

export interface EventStep extends StepBase {
  type: 'event';
  event: string;
  match?: Expression;
  timeout?: Duration;
}

export interface ForEachStep extends StepBase {
  type: 'forEach';
  items: Expression;
  /** Items run at once. @default 1 */
  concurrency?: number;
  steps: FlowStep[];
}

export interface SubFlowStep extends StepBase {
  type: 'flow';
  flow: string;
  /** @default the flow's input */
  input?: Expression;
}

export type FlowStep = TaskStep | ConditionStep | ParallelStep | WaitStep | EventStep | ForEachStep | SubFlowStep;
export type StepType = FlowStep['type'];

export interface FlowDefinition {
  /** A name for people; the flow's id is its key in `flows`. */
  name?: string;
  description?: string;
  /** Event type(s) whose arrival starts the flow with the event payload as input. */
  trigger?: string | string[];
  input?: JsonSchema;
  /** The flow's output. @default the last executed step's output */
  output?: Expression;
  steps: FlowStep[];
  /** @default 'fail' */
  onError?: ErrorPolicy;
}

export interface BoundedContextDefinition {
  description?: string;
  processes?: string[];
  flows?: string[];
  tasks?: string[];
  events?: string[];
}

export interface SystemDefinition {
  id: string;
  name?: string;
  version?: string;
  description?: string;
  events?: Record<string, EventDefinition>;
  tasks?: Record<string, TaskDefinition>;
  processes?: Record<string, ProcessDefinition>;
  flows?: Record<string, FlowDefinition>;
  boundedContexts?: Record<string, BoundedContextDefinition>;
  metadata?: Record<string, unknown>;
}

// ─── the zod meta-schema ──────────────────────────────────────────────────────

/** Ids of systems, tasks, processes, flows and steps. */
export const IDENTIFIER_PATTERN = /^[A-Za-z_][A-Za-z0-9_-]*$/;

// `params.expected` lets validation say "expected a string or a function" when neither option of a union fits.
const fn = z.custom<(...args: never[]) => unknown>((v) => typeof v === 'function', {
  message: 'Expected a function',
  params: { expected: 'function' },
});

export const durationSchema = z.union([
  z.number().nonnegative(),
  z.string().regex(DURATION_PATTERN, "Expected a duration such as 250ms, 30s, 5m, 2h or 1d"),
]);
export const jsonSchemaSchema = z.record(z.string(), z.unknown());
export const expressionSchema = z.union([z.string().min(1, 'Expected a non-empty expression'), fn]);
const identifier = (what: string) =>
  z.string().regex(IDENTIFIER_PATTERN, `Expected a ${what} id of letters, digits, _ and - that starts with a letter or _`);

export const retryPolicySchema = z.strictObject({
  maxAttempts: z.number().int().min(1).optional(),
  initialDelay: durationSchema.optional(),
  backoff: z.enum(['fixed', 'exponential', 'linear']).optional(),
  multiplier: z.number().optional(),
  maxDelay: durationSchema.optional(),
  jitter: z.enum(['none', 'full']).optional(),
  nonRetryable: z.array(z.string()).optional(),
});

export const implementationSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('http'),
    url: z.string().min(1),
    method: z.enum(HTTP_METHODS).optional(),
    headers: z.record(z.string(), z.string()).optional(),
    body: expressionSchema.optional(),
  }),
  z.strictObject({ type: z.literal('transform'), expression: expressionSchema }),
  z.strictObject({ type: z.literal('mock'), output: z.unknown().optional() }),
  z.strictObject({ type: z.literal('emit'), event: z.string().min(1), payload: expressionSchema.optional() }),
]);

export const taskSchema = z.strictObject({
  description: z.string().optional(),
  input: jsonSchemaSchema.optional(),
  output: jsonSchemaSchema.optional(),
  retry: retryPolicySchema.optional(),
  timeout: durationSchema.optional(),
  examples: z
    .array(
      z.strictObject({
        input: z.unknown(),
        output: z.unknown().optional(),
        error: z.strictObject({ name: z.string().optional(), message: z.string().optional(), code: z.string().optional() }).optional(),
        description: z.string().optional(),
      }),
    )
    .optional(),
  implementation: implementationSchema.optional(),
});

const actionSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('assign'), values: z.record(z.string(), expressionSchema) }),
  z.strictObject({ type: z.literal('emit'), event: z.string().min(1), payload: expressionSchema.optional() }),
  z.strictObject({ type: z.literal('log'), message: expressionSchema }),
]);
const transitionObjectSchema = z.strictObject({
  target: z.string().min(1).optional(),
  guard: expressionSchema.optional(),
  actions: z.array(actionSchema).optional(),
  description: z.string().optional(),
});
const transitionSchema = z.union([z.string().min(1), transitionObjectSchema, z.array(transitionObjectSchema)]);

export const stateSchema: z.ZodType<StateDefinition> = z.lazy(() =>
  z.strictObject({
    type: z.enum(['atomic', 'compound', 'parallel', 'final']).optional(),
    description: z.string().optional(),
    initial: z.string().optional(),
    states: z.record(z.string(), stateSchema).optional(),
    on: z.record(z.string(), transitionSchema).optional(),
    after: z.record(z.string(), transitionSchema).optional(),
    invoke: z
      .strictObject({
        task: z.string().min(1),
        input: expressionSchema.optional(),
        onDone: transitionSchema.optional(),
        onError: transitionSchema.optional(),
      })
      .optional(),
    entry: z.array(actionSchema).optional(),
    exit: z.array(actionSchema).optional(),
  }),
) as z.ZodType<StateDefinition>;

export const processSchema = z.strictObject({
  description: z.string().optional(),
  type: z.enum(['compound', 'parallel']).optional(),
  initial: z.string().optional(),
  context: z.record(z.string(), z.unknown()).optional(),
  states: z.union([z.record(z.string(), stateSchema), z.array(z.string().min(1)).min(1)]),
  transitions: z
    .array(z.strictObject({ from: z.string().min(1), to: z.string().min(1), on: z.string().min(1), guard: expressionSchema.optional() }))
    .optional(),
  on: z.record(z.string(), transitionSchema).optional(),
});

const errorPolicySchema = z.enum(['fail', 'continue']);
const stepBase = {
  id: identifier('step'),
  name: z.string().optional(),
  description: z.string().optional(),
  onError: errorPolicySchema.optional(),
};

export const stepSchema: z.ZodType<FlowStep> = z.lazy(() => {
  const steps = z.array(stepSchema);
  const withCatch = { ...stepBase, catch: steps.optional() };
  return z.discriminatedUnion('type', [
    z.strictObject({
      ...withCatch,
      type: z.literal('task'),
      task: z.string().min(1),
      input: expressionSchema.optional(),
      retry: retryPolicySchema.optional(),
      timeout: durationSchema.optional(),
    }),
    z.strictObject({ ...withCatch, type: z.literal('condition'), if: expressionSchema, then: steps, else: steps.optional() }),
    z.strictObject({ ...withCatch, type: z.literal('parallel'), branches: z.array(steps).min(1) }),
    z.strictObject({ ...withCatch, type: z.literal('wait'), duration: durationSchema }),
    z.strictObject({
      ...withCatch,
      type: z.literal('event'),
      event: z.string().min(1),
      match: expressionSchema.optional(),
      timeout: durationSchema.optional(),
    }),
    z.strictObject({
      ...withCatch,
      type: z.literal('forEach'),
      items: expressionSchema,
      concurrency: z.number().int().min(1).optional(),
      steps,
    }),
    z.strictObject({ ...withCatch, type: z.literal('flow'), flow: z.string().min(1), input: expressionSchema.optional() }),
  ]);
}) as z.ZodType<FlowStep>;

export const flowSchema = z.strictObject({
  name: z.string().optional(),
  description: z.string().optional(),
  trigger: z.union([z.string().min(1), z.array(z.string().min(1))]).optional(),
  input: jsonSchemaSchema.optional(),
  output: expressionSchema.optional(),
  steps: z.array(stepSchema),
  onError: errorPolicySchema.optional(),
});

export const systemSchema = z.strictObject({
  id: identifier('system'),
  name: z.string().optional(),
  version: z.string().optional(),
  description: z.string().optional(),
  events: z.record(z.string(), z.strictObject({ description: z.string().optional(), payload: jsonSchemaSchema.optional() })).optional(),
  tasks: z.record(identifier('task'), taskSchema).optional(),
  processes: z.record(identifier('process'), processSchema).optional(),
  flows: z.record(identifier('flow'), flowSchema).optional(),
  boundedContexts: z
    .record(
      z.string(),
      z.strictObject({
        description: z.string().optional(),
        processes: z.array(z.string()).optional(),
        flows: z.array(z.string()).optional(),
        tasks: z.array(z.string()).optional(),
        events: z.array(z.string()).optional(),
      }),
    )
    .optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
});

/** Returns its argument, typed: the entry point of a `.dsl.ts` document. */
export function defineSystem<const T extends SystemDefinition>(system: T): T {
  return system;
}
