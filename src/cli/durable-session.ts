import type { AnyActorRef, InspectionEvent, StateValue } from 'xstate';
import { ExpressionCache } from '../../machines/expression.js';
import type { SystemDefinition } from '../dsl/schema.js';
import { abortedFailure } from '../failure.js';
import type { SnapshotStore } from '../persistence/store.js';
import { createBuiltinTask } from '../runtime/builtin-tasks/index.js';
import type { RecoveryReport } from '../runtime/host/instance-host.js';
import { ReactiveSystemRuntime } from '../runtime/runtime.js';
import { getTaskContext } from '../runtime/task-context.js';
import type { TaskImplementation } from '../runtime/task-runner.js';
import { cliLogger, type CliIo } from './io.js';

/** An attempt of a task that has no implementation in this command: it waits, unrun, until the command ends. */
export interface ParkedAttempt {
  taskId: string;
  instanceId: string;
  attempt: number;
}

/** Where a root instance is: its XState snapshot's status and state value. */
export interface RootState {
  status: string;
  value: StateValue | undefined;
}

export interface DurableSessionOptions {
  system: SystemDefinition;
  store: SnapshotStore;
  /** From `--tasks`. */
  tasks: Record<string, TaskImplementation>;
  io: CliIo;
  /** Another observer of the inspection events (the inspector). */
  inspect?: (event: InspectionEvent) => void;
}

type AnyImplementation = (input: unknown) => unknown;

/**
 * A runtime on a store, as a command runs it: it recovers what the store holds, runs until the instances
 * settle, and closes (the instances stay stored). Tasks that have no implementation here (no `--tasks`) are
 * parked, not failed: their attempt waits, and the next runtime that has the implementation runs it.
 */
export class DurableSession {
  readonly runtime: ReactiveSystemRuntime;
  readonly store: SnapshotStore;
  /** Parked attempts by idempotency key. */
  readonly parked = new Map<string, ParkedAttempt>();
  private readonly roots = new Map<string, AnyActorRef>();
  private inFlight = 0;
  private activity = 0;
  private wakers: Array<() => void> = [];

  constructor(options: DurableSessionOptions) {
    const { io, store } = options;
    this.store = store;
    this.runtime = new ReactiveSystemRuntime(options.system, {
      store,
      inspect: (event) => {
        this.observe(event);
        options.inspect?.(event);
      },
      logger: cliLogger(io),
    });
    this.runtime.registerTaskImplementations(this.implementations(options.tasks));
  }

  /** Recovers the stored instances (call once, before anything else). */
  start(): Promise<RecoveryReport> {
    return this.runtime.start();
  }

  /** Root instances seen by this runtime, by id (finished flows included: their actor keeps its last snapshot). */
  states(): Map<string, RootState> {
    const out = new Map<string, RootState>();
    for (const [id, actor] of this.roots) {
      const snapshot = actor.getSnapshot() as { status: string; value?: StateValue };
      out.set(id, { status: snapshot.status, value: snapshot.value });
    }
    return out;
  }

  /** Whether the root instance ran here and finished. */
  finished(instanceId: string): boolean {
    const snapshot = this.roots.get(instanceId)?.getSnapshot() as { status?: string } | undefined;
    return snapshot !== undefined && snapshot.status !== 'active';
  }

  /**
   * Runs until nothing more can happen before `deadline` (ms since the epoch) without an event from outside:
   * every write is stored, no task attempt runs, and each watched instance has finished or waits for an event
   * or for a timer due after the deadline. Resolves false when the deadline passes first. With a parked
   * attempt, timers are not waited for: those instances cannot finish here.
   */
  async settle(deadline: number, watched?: () => Iterable<string>): Promise<boolean> {
    for (;;) {
      const before = this.activity;
      // listInstances waits for every pending write; a macrotask lets attempts that waited for those writes start.
      await this.runtime.listInstances({ limit: 1 });
      await new Promise<void>((done) => setImmediate(done));
      const quiet = this.activity === before;
      if (quiet && this.idle(deadline, watched)) return true;
      const left = deadline - Date.now();
      if (left <= 0) return false;
      if (quiet) await this.nextActivity(left);
    }
  }

  /** Waits for pending writes and stops every instance where it is; closes the store. */
  close(): Promise<void> {
    for (const wake of this.wakers.splice(0)) wake();
    return this.runtime.close();
  }

  private idle(deadline: number, watched: (() => Iterable<string>) | undefined): boolean {
    if (this.inFlight > 0) return false;
    if (this.parked.size > 0) return true;
    for (const id of watched?.() ?? this.roots.keys()) {
      const actor = this.roots.get(id);
      if (!actor || (actor.getSnapshot() as { status: string }).status !== 'active') continue;
      const next = nextTimer(actor);
      if (next !== undefined && next <= deadline) return false;
    }
    return true;
  }

  private observe(event: InspectionEvent): void {
    const actor = event.actorRef as AnyActorRef;
    if (event.type === '@xstate.actor' && actor.sessionId === event.rootId) this.roots.set(actor.id, actor);
    this.bump();
  }

  private bump(): void {
    this.activity++;
    for (const wake of this.wakers.splice(0)) wake();
  }

  private nextActivity(ms: number): Promise<void> {
    return new Promise((done) => {
      const timer = setTimeout(finish, Math.min(ms, 2_147_483_647));
      function finish() {
        clearTimeout(timer);
        done();
      }
      this.wakers.push(finish);
    });
  }

  /** Every task the system declares, and every one `--tasks` gives, counted while it runs; the others parked. */
  private implementations(given: Record<string, TaskImplementation>): Record<string, TaskImplementation> {
    const expressions = new ExpressionCache();
    const out: Record<string, TaskImplementation> = {};
    const declared = this.runtime.system.tasks ?? {};
    for (const taskId of new Set([...Object.keys(declared), ...Object.keys(given)])) {
      const definition = declared[taskId];
      const implementation = (given[taskId] ?? (definition && createBuiltinTask(taskId, definition, expressions))) as AnyImplementation | undefined;
      out[taskId] = implementation ? this.counted(implementation) : this.park(taskId);
    }
    return out;
  }

  private counted(implementation: AnyImplementation): TaskImplementation {
    return async (input: unknown) => {
      this.inFlight++;
      this.bump();
      try {
        return await implementation(input);
      } finally {
        this.inFlight--;
        this.bump();
      }
    };
  }

  private park(taskId: string): TaskImplementation {
    return () => {
      const { signal, idempotencyKey, instanceId, attempt } = getTaskContext();
      this.parked.set(idempotencyKey, { taskId, instanceId, attempt });
      this.bump();
      return new Promise<never>((_resolve, reject) => {
        const stop = () => {
          this.parked.delete(idempotencyKey);
          reject(abortedFailure(`Task "${taskId}" has no implementation in this command`));
        };
        if (signal.aborted) stop();
        else signal.addEventListener('abort', stop, { once: true });
      });
    };
  }
}

/** The earliest deadline of the durable timers (waits, backoffs, timeouts, `after`) running under `actor`. */
export function nextTimer(actor: AnyActorRef): number | undefined {
  let next: number | undefined;
  const visit = (ref: AnyActorRef, root: boolean) => {
    const snapshot = ref.getSnapshot() as { status?: string; deadline?: unknown; children?: Record<string, AnyActorRef | undefined> };
    // An event step's timeout is a fallback, not what the instance waits for: it counts as waiting for the event.
    // (A task's timeout runs only with its attempt, which keeps the session busy anyway.)
    const fallback = ref.id.endsWith(':timeout');
    if (!root && !fallback && snapshot.status === 'active' && typeof snapshot.deadline === 'number') next = next === undefined ? snapshot.deadline : Math.min(next, snapshot.deadline);
    for (const child of Object.values(snapshot.children ?? {})) if (child) visit(child, false);
  };
  visit(actor, true);
  return next;
}
