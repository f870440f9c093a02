import type { SerializedError } from '../errors.js';

/**
 * Where an instance is in its life. `running` covers waiting (a timer, an event); `needs-migration` is an
 * instance whose machine changed under it in a way it cannot follow: it is left as it was until
 * `runtime.migrateInstance` moves it on.
 */
export type InstanceStatus = 'running' | 'completed' | 'failed' | 'cancelled' | 'terminated' | 'needs-migration';

/** Statuses an instance never leaves. */
export const FINISHED_STATUSES: readonly InstanceStatus[] = ['completed', 'failed', 'cancelled', 'terminated'];

/** Every status, unfinished ones first. */
export const INSTANCE_STATUSES: readonly InstanceStatus[] = ['running', 'needs-migration', ...FINISHED_STATUSES];

export type InstanceKind = 'flow' | 'process';

/** What a list shows of an instance: everything but its snapshot. */
export interface InstanceSummary {
  instanceId: string;
  kind: InstanceKind;
  /** The flow or process id. */
  definitionId: string;
  status: InstanceStatus;
  /** Of the system document the instance was last advanced by. */
  systemId: string;
  systemVersion: string;
  /** sha256 (hex) of the compiled machine the snapshot belongs to. */
  machineHash: string;
  /** Optimistic-concurrency version: 1 after the first write, +1 per write. */
  version: number;
  /** Milliseconds since the epoch, from the runtime's clock. */
  createdAt: number;
  updatedAt: number;
  /** Set when the status became a finished one. */
  finishedAt?: number;
  /** Why it failed, was terminated or needs migration. */
  error?: SerializedError & { missing?: string[] };
}

/** One instance as stored: its summary and the persisted XState snapshot (JSON). */
export interface InstanceRecord extends InstanceSummary {
  snapshot: unknown;
}

export type HistoryEntryType =
  | 'instance.created'
  | 'instance.recovered'
  | 'instance.upgraded'
  | 'instance.completed'
  | 'instance.failed'
  | 'instance.cancelled'
  | 'instance.terminated'
  | 'instance.needs-migration'
  | 'instance.migrated'
  | 'event.received'
  | 'state.entered'
  | 'step.started'
  | 'step.completed'
  | 'step.failed'
  | 'step.retrying'
  | 'timer.fired';

/** One thing that happened to an instance. */
export interface HistoryEntry {
  instanceId: string;
  /** 1, 2, 3… per instance, in the order things happened; assigned by the store. */
  seq: number;
  /** Milliseconds since the epoch, from the runtime's clock. */
  at: number;
  type: HistoryEntryType;
  /** `{ step, attempt, error, delayMs, event, payload, state, reason, … }` as the type calls for; JSON only. */
  data?: Record<string, unknown>;
}

export type NewHistoryEntry = Omit<HistoryEntry, 'instanceId' | 'seq'>;

/** One write: the instance's new record and what happened since the last write, in one transaction. */
export interface SaveRequest {
  record: InstanceRecord;
  /** The version the writer read: 0 to create the instance. The store writes `expectedVersion + 1` or throws `ConcurrencyConflictError`. */
  expectedVersion: number;
  history: readonly NewHistoryEntry[];
}

export interface ListInstancesQuery {
  status?: InstanceStatus | readonly InstanceStatus[];
  flowId?: string;
  processId?: string;
  /** Only instances of this system (several systems may share a store). */
  systemId?: string;
  /** @default 100 (at most 1000) */
  limit?: number;
  /** From the previous page's `nextCursor`. */
  cursor?: string;
}

export interface InstancePage {
  instances: InstanceSummary[];
  /** Absent on the last page. */
  nextCursor?: string;
}

/** A stored row that could not be read back (bad JSON, missing columns): reported, never fatal. */
export interface UnreadableInstance {
  instanceId: string;
  error: SerializedError;
}

/**
 * Durable home of instances: their latest snapshot and an append-only history. Implementations: memory,
 * SQLite (`better-sqlite3`) and PostgreSQL (`pg`). Every method may throw `PersistenceError`
 * (`STORE_UNAVAILABLE` when the database cannot be reached or written, `STORE_SCHEMA` for a schema newer than
 * the code) and `save` throws `ConcurrencyConflictError` when `expectedVersion` is not the stored version.
 */
export interface SnapshotStore {
  /** A short name for messages: `memory`, `sqlite:./runtime.db`, `postgres://host/db`. */
  readonly description: string;
  /** Creates or upgrades the schema; idempotent, safe to call from several runtimes at once. */
  init(): Promise<void>;
  /** Writes the record and appends the history entries in one transaction, checking the version. */
  save(request: SaveRequest): Promise<void>;
  load(instanceId: string): Promise<InstanceRecord | undefined>;
  /** Instances whose status is `running` (and `needs-migration`, so they can be reported), oldest first. */
  loadUnfinished(): Promise<{ records: InstanceRecord[]; unreadable: UnreadableInstance[] }>;
  /** Newest first by `updatedAt`, then by id. */
  list(query?: ListInstancesQuery): Promise<InstancePage>;
  /** In `seq` order; `afterSeq` skips entries up to and including it. */
  history(instanceId: string, options?: { afterSeq?: number; limit?: number }): Promise<HistoryEntry[]>;
  /** Removes finished instances (and their history) whose `finishedAt` is before `before`; returns how many. */
  deleteFinished(before: number): Promise<number>;
  close(): Promise<void>;
}
