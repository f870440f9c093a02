// The workloads as a person would write them by hand in XState v5: one state per step, each invoking a
// `fromPromise` actor and assigning its output to context on done.
import { assign, createActor, fromPromise, setup, toPromise, type AnyEventObject, type AnyStateMachine } from 'xstate';
import type { FlowRunner } from '../workloads/types.js';

type Task = (input: unknown) => Promise<unknown>;

interface FlowContext {
  input: unknown;
  steps: Record<string, unknown>;
  attempts: number;
}

/** `setup()` with the tasks as named `fromPromise` actors, and the context every baseline machine keeps. */
function flowSetup(tasks: Record<string, Task>) {
  const actors: Record<string, ReturnType<typeof fromPromise<unknown, unknown>>> = {};
  for (const [name, task] of Object.entries(tasks)) actors[name] = fromPromise<unknown, unknown>(({ input }) => task(input));
  return setup({
    types: { context: {} as FlowContext, input: {} as unknown, output: {} as unknown },
    actors,
  });
}

/** The assign action that records a step's output, as the done transition of its state. */
const saveOutput = (step: string) =>
  assign(({ context, event }: { context: FlowContext; event: AnyEventObject }) => ({ steps: { ...context.steps, [step]: event.output } }));

/** Invokes `src` with the flow input, saves the output, goes to the sibling `next`; an error fails the flow. */
const taskState = (src: string, step: string, next: string) => ({
  invoke: { src, input: ({ context }: { context: FlowContext }) => context.input, onDone: { target: next, actions: saveOutput(step) }, onError: '#flow.failed' },
});

const initialContext = ({ input }: { input: unknown }): FlowContext => ({ input, steps: {}, attempts: 0 });
const endStates = { done: { type: 'final' as const }, failed: { type: 'final' as const } };

/** `step0 → step1 → … → done`; the output is the last step's output. */
export function sequentialMachine(stepIds: readonly string[], task: Task): AnyStateMachine {
  const states: Record<string, unknown> = {};
  stepIds.forEach((id, i) => (states[id] = taskState('task', id, stepIds[i + 1] ?? 'done')));
  const last = stepIds.at(-1) ?? '';
  return flowSetup({ task }).createMachine({
    id: 'flow',
    context: initialContext,
    initial: stepIds[0] ?? 'done',
    states: { ...states, ...endStates } as never,
    output: ({ context }: { context: FlowContext }) => context.steps[last],
  }) as unknown as AnyStateMachine;
}

/** A `type: 'parallel'` state with one region per branch, each `running → finished`; the output lists each branch's output. */
export function parallelMachine(branchIds: readonly string[], task: Task): AnyStateMachine {
  const regions: Record<string, unknown> = {};
  for (const id of branchIds) {
    regions[id] = { initial: 'running', states: { running: taskState('task', id, 'finished'), finished: { type: 'final' } } };
  }
  return flowSetup({ task }).createMachine({
    id: 'flow',
    context: initialContext,
    initial: 'branches',
    states: { branches: { type: 'parallel', states: regions as never, onDone: 'done' }, ...endStates },
    output: ({ context }: { context: FlowContext }) => branchIds.map((id) => context.steps[id]),
  }) as unknown as AnyStateMachine;
}

/**
 * Retry as states: `attempt` (counts itself on entry) fails to `backoff` while attempts remain, and
 * `backoff` goes straight back to `attempt`. With a zero delay a hand-written machine needs no timer, so
 * `backoff` is an eventless (`always`) transition; `after: { 0: … }` would cost a setTimeout (≥ 1 ms) per retry.
 */
export function retryMachine(task: Task, maxAttempts: number): AnyStateMachine {
  return flowSetup({ task }).createMachine({
    id: 'flow',
    context: initialContext,
    initial: 'attempt',
    states: {
      attempt: {
        entry: assign({ attempts: ({ context }) => context.attempts + 1 }),
        invoke: {
          src: 'task',
          input: ({ context }) => context.input,
          onDone: { target: 'done', actions: assign({ steps: ({ context, event }) => ({ ...context.steps, flaky: event.output }) }) },
          onError: [{ guard: ({ context }) => context.attempts < maxAttempts, target: 'backoff' }, { target: 'failed' }],
        },
      },
      backoff: { always: 'attempt' },
      ...endStates,
    },
    output: ({ context }: { context: FlowContext }) => context.steps.flaky,
  }) as unknown as AnyStateMachine;
}

/** `check` (an eventless choice on the input) → `then` or `else`, each one task. */
export function conditionMachine(thenTask: Task, elseTask: Task): AnyStateMachine {
  return flowSetup({ thenTask, elseTask }).createMachine({
    id: 'flow',
    context: initialContext,
    initial: 'check',
    states: {
      check: { always: [{ guard: ({ context }) => (context.input as { big?: unknown }).big === true, target: 'then' }, { target: 'else' }] },
      then: taskState('thenTask', 'choice', 'done') as never,
      else: taskState('elseTask', 'choice', 'done') as never,
      ...endStates,
    },
    output: ({ context }: { context: FlowContext }) => context.steps.choice,
  }) as unknown as AnyStateMachine;
}

/** Runs one actor of `machine` per flow with `createActor(…).start()` and `toPromise`; a failed flow rejects. */
export function xstateRunner(machine: AnyStateMachine, input: (i: number) => unknown): FlowRunner {
  return async (i) => {
    const actor = createActor(machine, { input: input(i) });
    const done = toPromise(actor);
    actor.start();
    const output = await done;
    if (actor.getSnapshot().value === 'failed') throw new Error('hand-written XState flow failed');
    return output;
  };
}
