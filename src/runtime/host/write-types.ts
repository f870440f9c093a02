import type { ConcurrencyConflictError, PersistenceError } from '../../errors.js';
import type { InstanceKind, NewHistoryEntry, SnapshotStore } from '../../persistence/store.js';

/** What the runtime learns from the persistence of its instances. */
export interface WriteListener {
  /** Another runtime advanced the instance: this one must drop its copy. */
  conflict(instanceId: string, error: ConcurrencyConflictError): void;
  /** A write failed (first failure of an outage) or succeeded again after failing. */
  unavailable(instanceId: string, error: PersistenceError): void;
  restored(instanceId: string): void;
}

export interface WriteSchedulerOptions {
  store: SnapshotStore;
  systemId: string;
  systemVersion: string;
  now: () => number;
  listener: WriteListener;
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

/** What an instance's writer asks of the scheduler it belongs to. */
export interface WriteOwner {
  readonly options: WriteSchedulerOptions;
  /** A slot for one write; resolves when the writer may write. */
  acquire(): Promise<void>;
  release(): void;
  /** The writer stops writing: the scheduler lets it go. */
  forget(writer: { readonly instanceId: string }): void;
}
