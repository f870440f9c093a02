import { createEmptyActor, type ActorLogic, type AnyActorRef, type AnyEventObject, type AnyMachineSnapshot, type AnyStateNode, type AnyTransitionDefinition, type Snapshot } from 'xstate';
import type { NormalizedSystem } from '../dsl/normalize.js';
import { failedFailure } from '../failure.js';
import type { JsonSchema } from '../dsl/schema.js';
import { applyHints, eventHints, type EventHint } from './guard-analysis.js';
import { guardsOf, transitionsOf, type MachineTransition } from './machine-transitions.js';
import type { DrivenChild, ModelTarget, TaskOutcome, TaskOutcomeError } from './model-target-types.js';
import { distinct, enumVariants, sampleFromSchema } from './samples.js';

export type { TaskOutcome, TaskOutcomeError } from './model-target-types.js';
export type { MachineTransition } from './machine-transitions.js';

/** One step of a generated path: what the test does to the instance. */
export type PathEvent =
  /** Send this event to the instance (`sendEvent(type, payload, { instanceId })`; `flow.cancel` cancels the flow). */
  | { kind: 'event'; type: string; payload: Record<string, unknown> }
  /** Let a task answer: its waiting call (of this step) resolves with the output or fails with the error. */
  | { kind: 'task'; taskId: string; stepId: string; actorId: string; outcome: TaskOutcome }
  /** Move the clock to the deadline of this timer, so it fires. */
  | { kind: 'timer'; actorId: string; delayMs: number };

/** Options of the model that decide which paths exist. */
export interface PathModelOptions {
  /** Payloads to send, per event type; they replace the generated ones for that type. */
  events?: Record<string, readonly Record<string, unknown>[]>;
  /** Outcomes of tasks, per task id; they replace the generated ones for that task. */
  tasks?: Record<string, readonly TaskOutcome[]>;
  /** Paths are at most this many events long. @default 12 */
  maxDepth?: number;
  /**
   * Walk every state up to `maxDepth`, not only until every transition is taken: more combinations of
   * parallel states get a case of their own, at a cost that grows fast. @default false
   */
  exhaustive?: boolean;
}

interface ChildState {
  ref: AnyActorRef;
  child: DrivenChild;
  /** Timers: simulated time it fires at. */
  deadline: number;
  /** It answered (a timer fired, a task gave its outcome). */
  settled: boolean;
}

/** A state of the model: the machine's snapshot, plus simulated time and the children it drives. */
export type ModelSnapshot = Snapshot<undefined> & {
  machine: AnyMachineSnapshot;
  /** Simulated milliseconds since the instance started. */
  now: number;
  children: Readonly<Record<string, ChildState>>;
  /** Events taken to get here. */
  depth: number;
  /** The transitions the last event took, eventless and done-state ones included. */
  taken: readonly AnyTransitionDefinition[];
};

/** An event of the model: the path step, and the machine event it becomes. */
export interface ModelEvent {
  type: string;
  step: PathEvent;
  event: AnyEventObject;
}

/** The walkable model of a process or flow, for `xstate/graph`. */
export interface PathModel {
  target: ModelTarget;
  logic: ActorLogic<ModelSnapshot, ModelEvent, unknown>;
  /** The events a test can cause in a state. */
  events(state: ModelSnapshot): ModelEvent[];
  /** A state's identity: state value, the context guards can tell apart, and the children still to answer. */
  serialize(state: ModelSnapshot): string;
  transitions: Map<AnyTransitionDefinition, MachineTransition>;
  /** Whether to expand a state: within `maxDepth`, and (unless exhaustive) while some transition is not taken yet. */
  expand(state: ModelSnapshot): boolean;
}

/**
 * An actor scope for `machine.transition` that runs no effects, and records the transitions each
 * microstep takes (XState reports them through the system's inspection hook).
 */
function recordingScope() {
  const empty = createEmptyActor();
  let taken: AnyTransitionDefinition[] = [];
  const system = Object.create(empty.system) as Record<string, unknown>;
  system._sendInspectionEvent = (event: { type: string; _transitions?: AnyTransitionDefinition[] }) => {
    if (event.type === '@xstate.microstep') taken.push(...(event._transitions ?? []));
  };
  const scope = { self: empty, logger: () => undefined, id: '', sessionId: 'model', defer: () => undefined, system, stopChild: () => undefined, emit: () => undefined, actionExecutor: () => undefined };
  /** Runs `fn` with the scope, and returns what it returned and the transitions taken meanwhile. */
  return <T>(fn: (scope: never) => T): [T, AnyTransitionDefinition[]] => {
    taken = [];
    return [fn(scope as never), taken];
  };
}

/**
 * The model generated tests walk. Time is part of it: a timer fires only when it is the next one due; an
 * opaque task (a process `invoke`) answers before any timer fires, as the tests answer at once; events
 * can be sent at any time.
 */
export function buildPathModel(system: NormalizedSystem, target: ModelTarget, options: PathModelOptions = {}): PathModel {
  const transitions = transitionsOf(target);
  const maxDepth = options.maxDepth ?? 12;
  const guards = guardsOf(transitions);

  const basePayloads = new Map<string, unknown[]>();
  const payloadsOf = (type: string, context: unknown): Record<string, unknown>[] => {
    const given = options.events?.[type];
    if (given) return [...given];
    let bases = basePayloads.get(type);
    if (!bases) basePayloads.set(type, (bases = basePayloadsOf(system.events?.[type]?.payload)));
    const hints = (guards.byEvent.get(type) ?? []).flatMap((guard) => eventHints(guard));
    const scope = target.scope(context);
    return distinct([...bases, ...hints.flatMap((h) => bases.map((base) => applyHints(base, h, scope)))]).map(asObject);
  };
  const outcomes = new Map<string, TaskOutcome[]>();
  const outcomesOf = (taskId: string): TaskOutcome[] => {
    let list = outcomes.get(taskId);
    if (!list) outcomes.set(taskId, (list = options.tasks?.[taskId] ? [...options.tasks[taskId]] : generatedOutcomes(taskId, system, guards.byTask.get(taskId))));
    return list;
  };

  const track = (snapshot: AnyMachineSnapshot, now: number, before?: ModelSnapshot): Record<string, ChildState> => {
    const children: Record<string, ChildState> = {};
    for (const [id, ref] of Object.entries(snapshot.children as Record<string, AnyActorRef | undefined>)) {
      if (!ref) continue;
      const known = before?.children[id];
      if (known?.ref === ref) {
        children[id] = known;
        continue;
      }
      const child = target.child(ref);
      if (child) children[id] = { ref, child, deadline: child.kind === 'timer' ? now + child.delayMs : now, settled: false };
    }
    return children;
  };

  const recording = recordingScope();
  const covered = new Set<AnyTransitionDefinition>();
  const cover = (taken: readonly AnyTransitionDefinition[]) => {
    for (const definition of taken) if (transitions.has(definition)) covered.add(definition);
  };
  const logic: ActorLogic<ModelSnapshot, ModelEvent, unknown> = {
    getInitialSnapshot: () => {
      const [machine, taken] = recording((scope) => target.machine.getInitialSnapshot(scope, target.actorInput));
      cover(taken);
      return { status: 'active', output: undefined, error: undefined, machine, now: 0, depth: 0, children: track(machine, 0), taken } as ModelSnapshot;
    },
    transition: (state, { step, event }) => {
      const answered = step.kind === 'event' ? undefined : state.children[step.actorId];
      const now = step.kind === 'timer' ? Math.max(state.now, answered?.deadline ?? state.now) : state.now;
      const [machine, taken] = recording((scope) => target.machine.transition(state.machine, event, scope));
      cover(taken);
      const children = track(machine, now, state);
      // The child that answered is done, whether or not a transition took its state away.
      if (answered && step.kind !== 'event' && children[step.actorId]?.ref === answered.ref) children[step.actorId] = { ...answered, settled: true };
      return { status: 'active', output: undefined, error: undefined, machine, now, depth: state.depth + 1, children, taken } as ModelSnapshot;
    },
    getPersistedSnapshot: (state) => state,
  };

  const events = (state: ModelSnapshot): ModelEvent[] => {
    if (state.machine.status !== 'active') return [];
    const out: ModelEvent[] = [];
    const types = new Set<string>();
    for (const node of state.machine._nodes as AnyStateNode[]) for (const type of node.transitions.keys()) if (!type.startsWith('xstate.') && type !== '*') types.add(type);
    for (const type of types) {
      // Cancelling takes the one root transition from anywhere: offered at the start only, it is covered and does not double the states.
      if (type === 'flow.cancel' && target.kind === 'flow' && state.depth > 0) continue;
      for (const payload of payloadsOf(type, state.machine.context)) out.push({ type, step: { kind: 'event', type, payload }, event: { type, payload } });
    }
    const waiting = Object.entries(state.children).filter(([, c]) => !c.settled);
    for (const [actorId, { child }] of waiting) {
      if (child.kind !== 'task') continue;
      for (const outcome of outcomesOf(child.taskId)) {
        const event = target.outcomeEvent(actorId, child, outcome);
        out.push({ type: event.type, step: { kind: 'task', taskId: child.taskId, stepId: child.stepId, actorId, outcome }, event });
      }
    }
    if (waiting.some(([, c]) => c.child.kind === 'task' && c.child.opaque)) return out;
    const timers = waiting.filter(([, c]) => c.child.kind === 'timer');
    const due = Math.min(...timers.map(([, c]) => c.deadline));
    for (const [actorId, timer] of timers) {
      if (timer.deadline !== due || timer.child.kind !== 'timer') continue;
      const type = `xstate.done.actor.${actorId}`;
      out.push({ type, step: { kind: 'timer', actorId, delayMs: timer.child.delayMs }, event: { type, output: { firedAt: timer.deadline } } });
    }
    return out;
  };

  const project = (context: unknown): unknown => {
    const fields = target.contextFields;
    if (!fields || typeof context !== 'object' || context === null) return context;
    return Object.fromEntries(fields.map((field) => [field, (context as Record<string, unknown>)[field]]));
  };
  const serialize = (state: ModelSnapshot): string =>
    JSON.stringify([
      state.machine.value,
      state.machine.status,
      project(state.machine.context),
      Object.entries(state.children)
        .filter(([, c]) => !c.settled)
        .map(([id, c]) => [id, c.deadline - state.now])
        .sort(),
    ]);

  const expand = (state: ModelSnapshot) => state.depth < maxDepth && (options.exhaustive === true || covered.size < transitions.size);
  return { target, logic, events, serialize, transitions, expand };
}

const asObject = (value: unknown): Record<string, unknown> => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {});

/** Payloads of an event type before guards: the schema's examples (or one sample), and its enum variants. */
function basePayloadsOf(schema: JsonSchema | undefined): unknown[] {
  const examples = Array.isArray(schema?.examples) ? (schema.examples as unknown[]) : [];
  const base = examples.length ? examples : [sampleFromSchema(schema)];
  return distinct([...base, ...enumVariants(schema, base[0])]);
}

/** Outcomes of a task: its examples' outputs (or a sample output), their errors and a generic failure, and guard variants. */
function generatedOutcomes(taskId: string, system: NormalizedSystem, guards: { succeeded: string[]; failed: string[] } | undefined): TaskOutcome[] {
  const definition = system.tasks?.[taskId];
  const examples = definition?.examples ?? [];
  const outputs = examples.filter((example) => !example.error && 'output' in example).map((example) => example.output);
  const errors: TaskOutcomeError[] = examples.flatMap((example) =>
    example.error ? [{ name: example.error.name ?? 'Error', message: example.error.message ?? `${taskId} failed`, ...(example.error.code === undefined ? {} : { code: example.error.code }) }] : [],
  );
  if (outputs.length === 0) outputs.push(...basePayloadsOf(definition?.output));
  // A generic failure besides the examples' errors: it takes a failure route no example's error name leads to.
  errors.push(failedFailure(`A generated failure of task "${taskId}"`));
  const variants = (list: string[], base: unknown) => list.flatMap((guard) => eventHints(guard)).map((hints: EventHint[]) => applyHints(base, hints));
  return [
    ...distinct([...outputs, ...variants(guards?.succeeded ?? [], outputs[0])]).map((output) => ({ output })),
    ...distinct([...errors, ...variants(guards?.failed ?? [], errors[0])]).map((error) => ({ error: error as TaskOutcomeError })),
  ];
}
