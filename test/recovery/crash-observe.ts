import { existsSync, readFileSync } from 'node:fs';
import type { StateValue } from 'xstate';
import type { FlowContext } from '../../machines/flow-state.js';
import type { FlowStep } from '../../src/dsl/schema.js';
import type { InstanceRecord, SnapshotStore } from '../../src/persistence/store.js';
import { stepKey, type FlowRun, type TaskLogLine } from './crash-system.js';

// What the crash-recovery test reads while a child runs and after it died: stored snapshots and the task log.

export interface PersistedChild {
  src?: string;
  snapshot?: PersistedActor;
}

/** A persisted flow machine snapshot, or one of its children's (task attempt, timer, forEach body). */
export interface PersistedActor {
  status?: string;
  value?: StateValue;
  context?: FlowContext;
  children?: Record<string, PersistedChild | undefined>;
  input?: { stepId: string; instanceId: string; attempt: number };
  deadline?: number;
}

export interface Observation {
  records: Map<string, InstanceRecord | undefined>;
  log: TaskLogLine[];
}

export const snapshotOf = (record: InstanceRecord | undefined): PersistedActor => (record?.snapshot ?? {}) as PersistedActor;

export function readLog(file: string): TaskLogLine[] {
  if (!existsSync(file)) return [];
  // Only whole lines: the writer may be in the middle of one.
  const lines = readFileSync(file, 'utf8').split('\n').slice(0, -1);
  return lines.map((line) => JSON.parse(line) as TaskLogLine);
}

export async function observe(store: SnapshotStore, runs: readonly FlowRun[], logFile: string): Promise<Observation> {
  const records = new Map<string, InstanceRecord | undefined>();
  for (const run of runs) records.set(run.instanceId, await store.load(run.instanceId));
  return { records, log: readLog(logFile) };
}

/** Ids of the task steps of a flow, those of parallel branches and forEach bodies included. */
export function taskStepIds(steps: readonly FlowStep[], out = new Set<string>()): Set<string> {
  for (const step of steps) {
    if (step.type === 'task') out.add(step.id);
    if (step.type === 'parallel') for (const branch of step.branches) taskStepIds(branch, out);
    if (step.type === 'forEach') taskStepIds(step.steps, out);
    if (step.type === 'condition') taskStepIds([...step.then, ...(step.else ?? [])], out);
  }
  return out;
}

/** Keys (`<instance>/<step>`) of the task steps the snapshot records completed, in the flow and in its forEach bodies. */
export function completedTaskSteps(actor: PersistedActor, taskSteps: ReadonlySet<string>, out = new Set<string>()): Set<string> {
  const context = actor.context;
  if (context) {
    for (const [step, record] of Object.entries(context.stepStatus)) {
      if (record.status === 'completed' && taskSteps.has(step)) out.add(stepKey({ instanceId: context.instanceId, step }));
    }
  }
  for (const child of Object.values(actor.children ?? {})) if (child?.snapshot?.context) completedTaskSteps(child.snapshot, taskSteps, out);
  return out;
}

/** Task attempts the snapshot has running, as idempotency keys. */
export function runningAttempts(actor: PersistedActor, out: string[] = []): string[] {
  for (const child of Object.values(actor.children ?? {})) {
    const snapshot = child?.snapshot;
    if (!snapshot) continue;
    if (child.src === 'taskAttempt' && snapshot.status === 'active' && snapshot.input) out.push(`${snapshot.input.instanceId}/${snapshot.input.stepId}/${snapshot.input.attempt}`);
    if (snapshot.context) runningAttempts(snapshot, out);
  }
  return out.sort();
}

export const lineFor = (log: readonly TaskLogLine[], key: string, phase: TaskLogLine['phase']) => log.filter((line) => line.idempotencyKey === key && line.phase === phase);
export const hasLine = (log: readonly TaskLogLine[], key: string, phase: TaskLogLine['phase']) => lineFor(log, key, phase).length > 0;

