import type { AnyEventObject, AnyStateMachine, InspectionEvent } from 'xstate';
import type { StepRecord } from '../../machines/flow-state.js';
import { activeStateIds } from './graph.js';
import {
  toJson,
  type DefinitionKind,
  type EventEntry,
  type InstanceStatus,
  type InstanceSummary,
  type ServerMessage,
  type StepTiming,
  type TransitionSummary,
} from './page/protocol.js';

// ─── live instances, from inspection events ────────────────────────────────────

interface ActorRefInternals {
  id: string;
  sessionId: string;
  logic?: unknown;
}

interface LiveInstance {
  summary: InstanceSummary;
  machine: AnyStateMachine;
  /** Announced to the pages: its first snapshot, which tells a flow from a process, was seen. */
  announced: boolean;
  active: string[];
  log: EventEntry[];
  steps: Record<string, StepTiming>;
  stepStatus: unknown;
}

/** Follows root actors (the runtime's instances): their states, events, transitions and flow steps. */
export class InstanceTracker {
  private readonly bySession = new Map<string, LiveInstance>();
  private readonly byId = new Map<string, LiveInstance>();
  private readonly finished: LiveInstance[] = [];
  private seq = 0;

  constructor(
    private readonly limits: { maxEvents: number; maxFinished: number; now: () => number },
    private readonly emit: (message: ServerMessage) => void,
    private readonly onMachine: (key: string, machine: AnyStateMachine) => void,
  ) {}

  observe(event: InspectionEvent): void {
    const actor = event.actorRef as unknown as ActorRefInternals;
    if (event.type === '@xstate.actor') {
      if (actor.sessionId === event.rootId && isMachine(actor.logic)) this.register(actor, actor.logic);
      return;
    }
    const instance = this.bySession.get(actor.sessionId);
    if (!instance) return;
    if (event.type === '@xstate.event') this.record(instance, event.event, event.sourceRef as ActorRefInternals | undefined);
    else if (event.type === '@xstate.microstep') this.update(instance, event.snapshot, event._transitions.map(transitionSummary));
    else if (event.type === '@xstate.snapshot') this.update(instance, event.snapshot, undefined);
  }

  summaries(): InstanceSummary[] {
    return [...this.byId.values()].filter((i) => i.announced).map((i) => i.summary);
  }

  /** The summary of an announced instance. */
  summary(instanceId: string): InstanceSummary | undefined {
    const instance = this.byId.get(instanceId);
    return instance?.announced ? instance.summary : undefined;
  }

  detail(instanceId: string): Extract<ServerMessage, { type: 'detail' }> | undefined {
    const instance = this.byId.get(instanceId);
    if (!instance?.announced) return undefined;
    return { type: 'detail', instance: instance.summary, active: instance.active, log: instance.log, steps: instance.steps };
  }

  private register(actor: ActorRefInternals, machine: AnyStateMachine): void {
    const previous = this.byId.get(actor.id);
    if (previous) this.forget(previous);
    const instance: LiveInstance = {
      summary: { instanceId: actor.id, kind: 'flow', definitionId: machine.id, definitionKey: '', status: 'active', startedAt: this.limits.now() },
      machine,
      announced: false,
      active: [],
      log: [],
      steps: {},
      stepStatus: undefined,
    };
    this.bySession.set(actor.sessionId, instance);
    this.byId.set(actor.id, instance);
  }

  private record(instance: LiveInstance, event: AnyEventObject, source: ActorRefInternals | undefined): void {
    const { type, ...rest } = event;
    const keys = Object.keys(rest);
    const payload = keys.length === 1 && keys[0] === 'payload' ? rest.payload : keys.length ? rest : undefined;
    const entry: EventEntry = { seq: ++this.seq, at: this.limits.now(), type, payload: toJson(payload), transitions: [] };
    if (source?.id !== undefined) entry.source = source.id;
    instance.log.push(entry);
    if (instance.log.length > this.limits.maxEvents) instance.log.shift();
    if (instance.announced) this.emit({ type: 'event', instanceId: instance.summary.instanceId, entry });
  }

  private update(instance: LiveInstance, snapshot: unknown, transitions: TransitionSummary[] | undefined): void {
    const { value, status, context } = snapshot as { value?: unknown; status?: string; context?: unknown };
    const at = this.limits.now();
    const { summary } = instance;
    const nextStatus: InstanceStatus = status === 'done' || status === 'error' || status === 'stopped' ? status : 'active';
    const statusChanged = nextStatus !== summary.status;
    if (statusChanged) {
      summary.status = nextStatus;
      if (nextStatus !== 'active') summary.endedAt = at;
    }
    if (!instance.announced) this.announce(instance, context);
    else if (statusChanged) this.emit({ type: 'instance', instance: summary });
    const active = activeStateIds(value);
    const moved = active.join('\n') !== instance.active.join('\n');
    instance.active = active;
    if (transitions?.length) instance.log.at(-1)?.transitions.push(...transitions);
    if (moved || statusChanged || transitions?.length) {
      this.emit({ type: 'state', instanceId: summary.instanceId, active, status: nextStatus, microstep: transitions !== undefined, transitions: transitions ?? [], at });
    }
    this.updateSteps(instance, context, active, at);
    if (statusChanged && nextStatus !== 'active') this.finish(instance);
  }

  private announce(instance: LiveInstance, context: unknown): void {
    const { summary, machine } = instance;
    const kind: DefinitionKind = machine.id.startsWith('task:') ? 'task' : context && typeof context === 'object' && 'stepStatus' in context ? 'flow' : 'process';
    summary.kind = kind;
    summary.definitionId = kind === 'task' ? machine.id.slice('task:'.length) : machine.id;
    summary.definitionKey = `${kind}:${summary.definitionId}`;
    instance.announced = true;
    this.onMachine(summary.definitionKey, machine);
    this.emit({ type: 'instance', instance: summary });
    // Events it received before its first snapshot (xstate.init) were kept; the page reads them with `select`.
  }

  /** A step starts when its state is entered (or its record appears) and ends when its record says so. */
  private updateSteps(instance: LiveInstance, context: unknown, active: string[], at: number): void {
    if (instance.summary.kind === 'process') return;
    const records = (context as { stepStatus?: Record<string, StepRecord> } | undefined)?.stepStatus ?? {};
    let changed = false;
    const set = (step: string, timing: StepTiming) => {
      const before = instance.steps[step];
      if (before && JSON.stringify(before) === JSON.stringify(timing)) return;
      instance.steps[step] = timing;
      changed = true;
    };
    const paths = stepPaths(instance.machine);
    for (const path of active) {
      const step = paths.get(path);
      if (step !== undefined && !instance.steps[step]) set(step, { status: 'running', attempts: records[step]?.attempts ?? 0, startedAt: at });
    }
    if (records !== instance.stepStatus) {
      instance.stepStatus = records;
      for (const [step, record] of Object.entries(records)) set(step, stepTiming(record, instance.steps[step], at));
    }
    if (changed) this.emit({ type: 'steps', instanceId: instance.summary.instanceId, steps: instance.steps });
  }

  private finish(instance: LiveInstance): void {
    this.finished.push(instance);
    while (this.finished.length > this.limits.maxFinished) {
      const oldest = this.finished.shift();
      if (oldest && this.byId.get(oldest.summary.instanceId) === oldest) this.forget(oldest);
    }
  }

  private forget(instance: LiveInstance): void {
    for (const [session, candidate] of this.bySession) if (candidate === instance) this.bySession.delete(session);
    this.byId.delete(instance.summary.instanceId);
    if (instance.announced) this.emit({ type: 'removed', instanceId: instance.summary.instanceId });
  }
}

const stepPathCache = new WeakMap<AnyStateMachine, Map<string, string>>();

/** Each flow step's state path, by the state ids the compiler gives steps: `<machineId>:<stepId>`. */
function stepPaths(machine: AnyStateMachine): Map<string, string> {
  let paths = stepPathCache.get(machine);
  if (paths) return paths;
  const found = new Map<string, string>();
  const prefix = `${machine.id}:`;
  const visit = (node: AnyStateMachine['root']) => {
    const id = node.config.id;
    if (id?.startsWith(prefix) && !node.key.startsWith('$')) found.set(node.path.join('.'), id.slice(prefix.length));
    for (const child of Object.values(node.states)) visit(child);
  };
  visit(machine.root);
  stepPathCache.set(machine, (paths = found));
  return paths;
}

function isMachine(logic: unknown): logic is AnyStateMachine {
  return typeof logic === 'object' && logic !== null && 'root' in logic && typeof (logic as { id?: unknown }).id === 'string';
}

function transitionSummary(transition: { source: { path: string[] }; target?: readonly { path: string[] }[] | undefined; eventType: string }): TransitionSummary {
  return { source: transition.source.path.join('.'), targets: (transition.target ?? []).map((t) => t.path.join('.')), event: transition.eventType };
}

function stepTiming(record: StepRecord, before: StepTiming | undefined, at: number): StepTiming {
  const timing: StepTiming = { status: record.status, attempts: record.attempts, startedAt: before?.startedAt ?? at };
  if (record.status !== 'running') {
    timing.endedAt = before?.endedAt ?? at;
    timing.durationMs = timing.endedAt - timing.startedAt;
  } else if (record.delayMs !== undefined) timing.delayMs = record.delayMs;
  if (record.error) timing.error = record.error;
  return timing;
}
