import type { AnyActorRef, InspectionEvent } from 'xstate';
import { ConcurrencyConflictError, PersistenceError, type SerializedError } from '../errors.js';
import { HistoryCollector } from '../persistence/history.js';
import type { InstanceKind, InstanceRecord, InstanceStatus, NewHistoryEntry, SnapshotStore } from '../persistence/store.js';
import { toSerializedError } from '../failure.js';

/** What the runtime learns from the persistence of its instances. */
export interface DurabilityListener {
  /** Another runtime advanced the instance: this one must drop its copy. */
  conflict(instanceId: string, error: ConcurrencyConflictError): void;
  /** A write failed (first failure of an outage) or succeeded again after failing. */
  unavailable(instanceId: string, error: PersistenceError): void;
  restored(instanceId: string): void;
}

export interface DurabilityOptions {
  store: SnapshotStore;
  systemId: string;
  systemVersion: string;
  now: () => number;
  listener: DurabilityListener;
  /** First and longest wait between attempts to write while the store is unavailable. */
  retry: { initialDelayMs: number; maxDelayMs: number };
  /** Writes in flight at once, over all instances. */
  maxConcurrentWrites: number;
}

export interface TrackSpec {
  instanceId: string;
  kind: InstanceKind;
  definitionId: string;
  machineHash: string;
  /** Of the stored record: 0 for a new instance. */
  version: number;
  createdAt: number;
  /** Written with the first save. */
  history: NewHistoryEntry[];
}

/**
 * Persists instances after every macrostep: the snapshot, status and history in one versioned write per
 * instance at a time. Writes are coalesced per microtask; a task attempt starts only once the snapshot
 * that started it is stored (`whenDurable`), so a crash never forgets a step that ran to completion.
 */
export class Durability {
  private readonly instances = new Map<string, DurableInstance>();
  private writes = 0;
  private readonly queued: Array<() => void> = [];

  constructor(readonly options: DurabilityOptions) {}

  /**
   * A slot for one write. Writes beyond `maxConcurrentWrites` wait here, in order, rather than in a database
   * pool whose wait counts against its connection timeout (10,000 instances recovered at once, say).
   * @internal
   */
  acquire(): Promise<void> {
    if (this.writes < this.options.maxConcurrentWrites) {
      this.writes++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.queued.push(resolve));
  }

  /** @internal */
  release(): void {
    const next = this.queued.shift();
    if (next) next();
    else this.writes--;
  }

  /** Starts persisting an instance; its `inspect` callback goes to the actor's options, then `bind(actor)`. */
  track(spec: TrackSpec): DurableInstance {
    const durable = new DurableInstance(this, spec);
    this.instances.set(spec.instanceId, durable);
    return durable;
  }

  get(instanceId: string): DurableInstance | undefined {
    return this.instances.get(instanceId);
  }

  /** @internal */
  forget(durable: DurableInstance): void {
    if (this.instances.get(durable.instanceId) === durable) this.instances.delete(durable.instanceId);
  }

  /**
   * Resolves once the latest state of the instance that `instanceId` belongs to (a forEach body's id is
   * `<root>/<step>[i]`) is stored; stays pending while the store is unavailable.
   */
  whenDurable(instanceId: string): Promise<void> {
    let id = instanceId;
    for (;;) {
      const durable = this.instances.get(id);
      if (durable) return durable.whenDurable();
      const slash = id.lastIndexOf('/');
      if (slash < 0) return Promise.resolve();
      id = id.slice(0, slash);
    }
  }

  /** Resolves once every instance's latest state is stored; stays pending while the store is unavailable. */
  async whenAllDurable(): Promise<void> {
    await Promise.all([...this.instances.values()].map((durable) => durable.whenDurable()));
  }

  /** Waits for every pending write (those that can succeed). */
  async drain(): Promise<void> {
    await Promise.all([...this.instances.values()].map((durable) => durable.drained()));
  }

  /** Stops writing: the stored state stays what it was, so the next runtime recovers from there. */
  detachAll(): void {
    for (const durable of this.instances.values()) durable.detach();
    this.instances.clear();
  }
}

type Waiter = { resolve: () => void; reject: (error: unknown) => void };

/** One persisted instance: what was written, what is pending, and who waits for it. */
export class DurableInstance {
  readonly instanceId: string;
  private actor: AnyActorRef | undefined;
  private collector: HistoryCollector | undefined;
  private version: number;
  private pending: NewHistoryEntry[];
  private dirty = true;
  private scheduled = false;
  private writing: Promise<void> | undefined;
  /** Satisfied by the write in flight / by the next write. */
  private inflightWaiters: Waiter[] = [];
  private nextWaiters: Waiter[] = [];
  private detached = false;
  private degraded = false;
  private retryDelayMs = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  /** Set when the runtime ends the instance itself (terminate, cancel of a process): overrides the snapshot's status. */
  private ending: { status: InstanceStatus; error?: SerializedError } | undefined;
  private finished = false;
  private readonly spec: TrackSpec;

  constructor(
    private readonly owner: Durability,
    spec: TrackSpec,
  ) {
    this.spec = spec;
    this.instanceId = spec.instanceId;
    this.version = spec.version;
    this.pending = [...spec.history];
  }

  /** The actor's `inspect` option: every event and snapshot of its system marks the instance dirty. */
  readonly inspect = (event: InspectionEvent): void => {
    if (this.detached || this.ending) return;
    if (event.type === '@xstate.snapshot') this.collector?.collect(event, this.pending);
    else if (event.type !== '@xstate.event') return;
    this.markDirty();
  };

  /** Called once the actor exists, before it starts. */
  bind(actor: AnyActorRef, restored: boolean): void {
    this.actor = actor;
    this.collector = new HistoryCollector(actor, this.owner.options.now);
    if (restored) this.collector.seed(actor);
    // A restored instance is written at once too: that write claims it (version check) before any task runs,
    // so two runtimes recovering one database never both run the same attempt.
    this.markDirty();
  }

  /** Whether writes are failing right now. */
  get unavailable(): boolean {
    return this.degraded;
  }

  whenDurable(): Promise<void> {
    if (this.detached) return new Promise(() => undefined);
    if (!this.dirty && !this.writing) return Promise.resolve();
    return new Promise((resolve, reject) => (this.dirty ? this.nextWaiters : this.inflightWaiters).push({ resolve, reject }));
  }

  async drained(): Promise<void> {
    while (!this.detached && !this.degraded && (this.dirty || this.writing)) {
      if (this.writing) await this.writing.catch(() => undefined);
      else await this.flush();
    }
  }

  /** Ends the instance for good with `status`; the last snapshot is kept. Resolves when it is stored. */
  async end(status: InstanceStatus, history: NewHistoryEntry, error?: SerializedError): Promise<void> {
    if (this.ending || this.finished) return;
    this.pending.push(history);
    this.ending = error ? { status, error } : { status };
    this.markDirty();
    await this.drained();
  }

  /** Stops writing (the runtime stops without touching the stored state, or lost a conflict). */
  detach(): void {
    this.detached = true;
    if (this.retryTimer !== undefined) clearTimeout(this.retryTimer);
    this.owner.forget(this);
  }

  private markDirty(): void {
    this.dirty = true;
    if (this.scheduled || this.writing || this.degraded || !this.actor) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private flush(): Promise<void> {
    if (this.writing || this.detached || !this.dirty || !this.actor) return this.writing ?? Promise.resolve();
    // A write waits for a free slot, then stores the state of that moment (not of when it queued).
    const write = this.owner.acquire().then(() => this.write());
    this.writing = write;
    return write;
  }

  private write(): Promise<void> {
    if (this.detached || !this.dirty) {
      this.writing = undefined;
      this.owner.release();
      return Promise.resolve();
    }
    this.dirty = false;
    this.inflightWaiters.push(...this.nextWaiters);
    this.nextWaiters = [];
    const history = this.pending;
    this.pending = [];
    let record: InstanceRecord;
    try {
      record = this.record(history);
    } catch (thrown) {
      this.owner.release();
      this.failed(new PersistenceError('STORE_CORRUPT', `Instance "${this.instanceId}": its snapshot cannot be read: ${toSerializedError(thrown).message}`, { instanceId: this.instanceId, cause: thrown }), history);
      return Promise.resolve();
    }
    return this.owner.options.store.save({ record, expectedVersion: this.version, history }).then(
      () => {
        this.owner.release();
        this.written(record);
      },
      (error: unknown) => {
        this.owner.release();
        this.failed(error, history);
      },
    );
  }

  private written(record: InstanceRecord): void {
    this.writing = undefined;
    this.version = record.version;
    const waiters = this.inflightWaiters;
    this.inflightWaiters = [];
    for (const waiter of waiters) waiter.resolve();
    if (this.degraded) {
      this.degraded = false;
      this.retryDelayMs = 0;
      this.owner.options.listener.restored(this.instanceId);
    }
    if (record.status !== 'running' && record.status !== 'needs-migration') {
      this.finished = true;
      this.detach();
      return;
    }
    if (this.dirty) void this.flush();
  }

  private failed(error: unknown, history: NewHistoryEntry[]): void {
    this.writing = undefined;
    if (error instanceof ConcurrencyConflictError) {
      const waiters = [...this.inflightWaiters, ...this.nextWaiters];
      this.inflightWaiters = [];
      this.nextWaiters = [];
      this.detach();
      for (const waiter of waiters) waiter.reject(error);
      this.owner.options.listener.conflict(this.instanceId, error);
      return;
    }
    // Keep everything for the next attempt: nothing is lost, and tasks keep waiting for their snapshot.
    this.pending = [...history, ...this.pending];
    this.nextWaiters = [...this.inflightWaiters, ...this.nextWaiters];
    this.inflightWaiters = [];
    this.dirty = true;
    const { initialDelayMs, maxDelayMs } = this.owner.options.retry;
    this.retryDelayMs = this.retryDelayMs === 0 ? initialDelayMs : Math.min(this.retryDelayMs * 2, maxDelayMs);
    if (!this.degraded) {
      this.degraded = true;
      // A snapshot the store cannot serialise (a BigInt or a cycle in context) is a machine's bug, not an outage.
      const failure =
        error instanceof PersistenceError
          ? error
          : error instanceof TypeError
            ? new PersistenceError('STORE_CORRUPT', `Instance "${this.instanceId}": its snapshot cannot be stored: ${error.message}`, { instanceId: this.instanceId, cause: error })
            : new PersistenceError('STORE_UNAVAILABLE', `Instance "${this.instanceId}": the store failed: ${toSerializedError(error).message}`, { instanceId: this.instanceId, cause: error });
      this.owner.options.listener.unavailable(this.instanceId, failure);
    }
    // Referenced on purpose: a process must not exit while it holds state the store has not taken yet.
    // stop() and close() clear it.
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.flush();
    }, this.retryDelayMs);
  }

  private record(history: readonly NewHistoryEntry[]): InstanceRecord {
    const actor = this.actor as AnyActorRef;
    const snapshot = actor.getPersistedSnapshot() as { status?: string; value?: unknown; output?: unknown; error?: unknown };
    const { status, error } = this.ending ?? statusOf(this.spec.kind, snapshot);
    const now = this.owner.options.now();
    const finished = status !== 'running' && status !== 'needs-migration';
    if (finished && !this.ending && !history.some((entry) => entry.type.startsWith('instance.'))) {
      (history as NewHistoryEntry[]).push({ at: now, type: `instance.${status}` as NewHistoryEntry['type'], ...(error ? { data: { error } } : {}) });
    }
    return {
      instanceId: this.instanceId,
      kind: this.spec.kind,
      definitionId: this.spec.definitionId,
      status,
      systemId: this.owner.options.systemId,
      systemVersion: this.owner.options.systemVersion,
      machineHash: this.spec.machineHash,
      version: this.version + 1,
      createdAt: this.spec.createdAt,
      updatedAt: now,
      ...(finished ? { finishedAt: now } : {}),
      ...(error ? { error } : {}),
      // Serialised once, by the store. XState never changes a snapshot in place, so it cannot move under an async write.
      snapshot,
    };
  }
}

/** The stored status a snapshot stands for. */
export function statusOf(kind: InstanceKind, snapshot: { status?: string; value?: unknown; output?: unknown; error?: unknown }): { status: InstanceStatus; error?: SerializedError } {
  if (snapshot.status === 'error') return { status: 'failed', error: toSerializedError(snapshot.error) };
  if (snapshot.status !== 'done') return { status: 'running' };
  if (kind === 'process') return { status: 'completed' };
  if (snapshot.value === 'cancelled') return { status: 'cancelled' };
  const output = snapshot.output as { success?: boolean; error?: SerializedError } | undefined;
  return output?.success ? { status: 'completed' } : { status: 'failed', ...(output?.error ? { error: output.error } : {}) };
}
