// The machine a path model walks and how its children are driven: what model targets of processes and flows share.
import type { AnyActorRef, AnyEventObject, AnyStateMachine, AnyTransitionDefinition } from 'xstate';

/** How a task invoked by the machine ends in a generated path: with an output, or failing with an error. */
export type TaskOutcome = { output: unknown } | { error: TaskOutcomeError };

/** The error of a failing outcome, as the task throws it. */
export interface TaskOutcomeError {
  name: string;
  message: string;
  code?: string;
}

/** A child actor the model drives: a timer it fires, or a task it answers. */
export type DrivenChild =
  | { kind: 'timer'; delayMs: number }
  /** `opaque`: the task runs as a whole machine (a process `invoke`), its retries and timeouts unseen. */
  | { kind: 'task'; taskId: string; stepId: string; opaque: boolean };

/** The machine a path model walks, a process's or a flow's, and what differs between the two. */
export interface ModelTarget {
  kind: 'process' | 'flow';
  id: string;
  machine: AnyStateMachine;
  /** What the runtime starts the machine's actor with. */
  actorInput: unknown;
  /** The flow input the runner starts the flow with (flows). */
  flowInput?: unknown;
  /** The tasks it runs itself: a process's `invoke`s, a flow's task steps. */
  taskIds: readonly string[];
  /** Guards read only these context fields (processes), or `undefined`: the whole context tells states apart. */
  contextFields: readonly string[] | undefined;
  /** The child actors the model drives; others are left alone. */
  child(ref: AnyActorRef): DrivenChild | undefined;
  /** The machine event a task outcome becomes. */
  outcomeEvent(actorId: string, task: Extract<DrivenChild, { kind: 'task' }>, outcome: TaskOutcome): AnyEventObject;
  /** What `input`, `steps` and `context` are in an expression, for guards that compare the event with them. */
  scope(context: unknown): Record<string, unknown>;
  /** Transitions no test can take: a crashed actor's `xstate.error.actor.*` (failures of tasks are data). */
  unreachable(transition: AnyTransitionDefinition): boolean;
}
