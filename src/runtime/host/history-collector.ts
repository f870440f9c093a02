import type { AnyActorRef, AnyEventObject, InspectionEvent, StateValue } from 'xstate';
import { AFTER_TIMER_PREFIX, TASK_ATTEMPT_ACTOR, TIMER_STATE_SUFFIXES } from '../../../compiler/names.js';
import type { StepRecord } from '../../../machines/flow-state.js';
import type { NewHistoryEntry } from '../../persistence/store.js';

interface MachineLike {
  value?: StateValue;
  status?: string;
  context?: { stepStatus?: Record<string, StepRecord> };
  children?: Record<string, { src?: unknown } | undefined>;
}

interface Seen {
  value: StateValue;
  stepStatus: Record<string, StepRecord>;
  /** Ids of the task attempts running. */
  attempts: Set<string>;
}

const DONE_ACTOR = 'xstate.done.actor.';

/**
 * Turns what XState reports about one instance's actors (its root, forEach bodies, sub-flows) into history
 * entries: events received, states entered, steps started, retried, completed and failed, timers fired.
 * It compares each machine snapshot with the one before it, so it sees what the machine did, not what was asked.
 */
export class HistoryCollector {
  private readonly last = new WeakMap<object, Seen>();

  constructor(
    private readonly root: AnyActorRef,
    private readonly now: () => number,
  ) {}

  /** Remembers where a restored instance is, so its first transitions are compared with that. */
  seed(actor: AnyActorRef = this.root): void {
    const snapshot = actor.getSnapshot() as MachineLike & { children?: Record<string, AnyActorRef | undefined> };
    if (snapshot.value === undefined) return;
    this.last.set(actor, seen(snapshot as MachineLike & { value: StateValue }));
    for (const child of Object.values(snapshot.children ?? {})) if (child) this.seed(child);
  }

  /** Entries for one inspection event (none for most). */
  collect(event: InspectionEvent, out: NewHistoryEntry[]): void {
    if (event.type !== '@xstate.snapshot') return;
    const next = event.snapshot as MachineLike;
    if (next.value === undefined) return;
    const actor = event.actorRef as AnyActorRef;
    const isRoot = actor === this.root;
    const scope = isRoot ? '' : `${this.path(actor)}/`;
    const previous = this.last.get(actor);
    const now = seen(next as MachineLike & { value: StateValue });
    this.last.set(actor, now);
    const at = this.now();
    const cause = event.event as AnyEventObject;
    if (isRoot && previous && !cause.type.startsWith('xstate.')) {
      const payload = (cause as { payload?: unknown }).payload;
      out.push({ at, type: 'event.received', data: payload === undefined ? { event: cause.type } : { event: cause.type, payload } });
    }
    if (cause.type.startsWith(DONE_ACTOR)) {
      const child = cause.type.slice(DONE_ACTOR.length);
      if (child.startsWith(AFTER_TIMER_PREFIX) || TIMER_STATE_SUFFIXES.some((suffix) => child.endsWith(suffix))) out.push({ at, type: 'timer.fired', data: { timer: `${scope}${child}` } });
    }
    const steps = next.context?.stepStatus;
    if (steps) {
      this.diffSteps(previous?.stepStatus ?? {}, steps, previous?.attempts, scope, at, out);
      // A task step without retry or timeout keeps no record while it runs: its attempt actor says it started.
      for (const id of now.attempts) {
        if (!previous?.attempts.has(id) && steps[id]?.status !== 'running') out.push({ at, type: 'step.started', data: { step: `${scope}${id}`, attempt: 1 } });
      }
    }
    else if (isRoot && previous && JSON.stringify(previous.value) !== JSON.stringify(next.value)) {
      out.push({ at, type: 'state.entered', data: { state: next.value } });
    }
  }

  /**
   * One macrostep can end a step and its container and start the next: ends of steps that were already going
   * come first, innermost (recorded last) first; then starts and retries in order; then ends of steps that
   * started in this same macrostep.
   */
  private diffSteps(before: Record<string, StepRecord>, after: Record<string, StepRecord>, attempts: ReadonlySet<string> | undefined, scope: string, at: number, out: NewHistoryEntry[]): void {
    if (before === after) return;
    const endedBefore: NewHistoryEntry[] = [];
    const begun: NewHistoryEntry[] = [];
    const endedNow: NewHistoryEntry[] = [];
    for (const [id, record] of Object.entries(after)) {
      const old = before[id];
      if (old === record) continue;
      const step = `${scope}${id}`;
      // New: started now, unless its attempt actor already said so. Running again with more attempts: a retry started.
      const started = old ? record.attempts > old.attempts && record.status === 'running' : record.status === 'running' || !attempts?.has(id);
      if (started) begun.push({ at, type: 'step.started', data: record.attempts > 0 ? { step, attempt: record.attempts } : { step } });
      if (record.delayMs !== undefined && old?.delayMs === undefined && record.status === 'running') {
        begun.push({ at, type: 'step.retrying', data: { step, attempt: record.attempts, delayMs: record.delayMs, ...(record.error ? { error: record.error } : {}) } });
      }
      const ended =
        record.status === 'completed' && old?.status !== 'completed'
          ? { at, type: 'step.completed' as const, data: { step, attempts: record.attempts } }
          : record.status === 'failed' && old?.status !== 'failed'
            ? { at, type: 'step.failed' as const, data: { step, attempts: record.attempts, ...(record.error ? { error: record.error } : {}) } }
            : undefined;
      if (ended) (started ? endedNow : endedBefore).push(ended);
    }
    out.push(...endedBefore.reverse(), ...begun, ...endedNow);
  }

  /** `lines[1]` for a forEach body, `ship` for a sub-flow, `lines[1]/ship` below both. */
  private path(actor: AnyActorRef): string {
    const parts: string[] = [];
    for (let ref: AnyActorRef | undefined = actor; ref && ref !== this.root; ref = ref._parent) parts.unshift(ref.id);
    return parts.join('/');
  }
}

function seen(snapshot: MachineLike & { value: StateValue }): Seen {
  const attempts = new Set<string>();
  for (const [id, child] of Object.entries(snapshot.children ?? {})) if (child?.src === TASK_ATTEMPT_ACTOR) attempts.add(id);
  return { value: snapshot.value, stepStatus: snapshot.context?.stepStatus ?? {}, attempts };
}
