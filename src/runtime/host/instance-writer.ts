import type { AnyActorRef, InspectionEvent } from 'xstate';
import { ConcurrencyConflictError, PersistenceError } from '../../errors.js';
import { toSerializedError, type SerializedError } from '../../failure.js';
import type { InstanceRecord, InstanceStatus, NewHistoryEntry } from '../../persistence/store.js';
import { statusOf } from '../instance-status.js';
import { HistoryCollector } from './history-collector.js';
import { persistedSnapshotOf } from './persisted-snapshot.js';
import type { TrackSpec, WriteOwner } from './write-types.js';

type Waiter = { resolve: () => void; reject: (error: unknown) => void };

/** The writes of one instance to its store: what was written, what is pending, and who waits for it. */
export class InstanceWriter {
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
    private readonly owner: WriteOwner,
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

  /** When the instance was created (ms since the epoch). */
  get createdAt(): number {
    return this.spec.createdAt;
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
    const snapshot = persistedSnapshotOf(actor) as { status?: string; value?: unknown; output?: unknown; error?: unknown };
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

