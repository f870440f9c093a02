import type { AnyStateMachine, Actor } from 'xstate';
import type { FlowExecutionResult } from '../../../machines/flow-state.js';
import type { TaskAttemptRequest } from '../../../machines/environment.js';
import type { FinishedSummary } from './finished-instances.js';
import type { HistoryEntry, InstanceKind, InstancePage, InstanceRecord, InstanceSummary, ListInstancesQuery, UnreadableInstance } from '../../persistence/store.js';

/** What `runtime.start()` found where instances are kept. */
export interface RecoveryReport {
  /** Instances brought back and running again. */
  recovered: string[];
  /** Of those, instances whose machine changed in a way they can follow. */
  upgraded: string[];
  /** Instances left as they were: their machine changed under them (`runtime.migrateInstance` moves them on). */
  needsMigration: Array<{ instanceId: string; definitionId: string; missing: string[] }>;
  /** Rows that could not be read; skipped. */
  unreadable: UnreadableInstance[];
  /** Finished instances removed by the retention period. */
  removed: number;
}

/** Turns a stored snapshot into one the new machine accepts; may be async. */
export type SnapshotTransform = (snapshot: unknown, record: InstanceRecord) => unknown;

/** What to start: a flow or process instance, or `task`, the one-off machine of an `executeTask` call (never kept or listed). */
export interface InstanceSpec {
  kind: InstanceKind | 'task';
  /** The flow, process or task id. */
  definitionId: string;
  instanceId: string;
  /** The machine's input. */
  input: unknown;
  /** Recorded with the instance's creation (`instance.created`). */
  created: Record<string, unknown>;
}

/** An instance a host accepted. The promises settle as the host learns; nothing here needs the instance to be in this process. */
export interface StartedInstance {
  readonly instanceId: string;
  /** The XState actor, when the instance runs in this process. */
  readonly actor: Actor<AnyStateMachine> | undefined;
  /** A flow's (or task call's) result when it ends; never rejects. Resolves `undefined` for processes. */
  readonly result: Promise<FlowExecutionResult | undefined>;
}

/** Where an event goes: one instance by id, the default instance of a process, or (none) every instance listening. */
export type EventAddress = { instanceId: string } | { processId: string };

/** An event as instances receive it. */
export interface InstanceEvent {
  type: string;
  payload: Record<string, unknown>;
}

/** Instances that run in this process, as XState actors: for the synchronous parts of the original API. */
export interface LocalInstances {
  actor(instanceId: string): Actor<AnyStateMachine> | undefined;
  /** The kind and definition of a running instance. */
  describe(instanceId: string): { kind: InstanceKind; definitionId: string } | undefined;
  ids(kind?: InstanceKind): string[];
  /** What stays of an instance that finished here (its actor was let go), while it is kept. */
  finished(instanceId: string): FinishedSummary | undefined;
  /** The instance an event is being delivered to right now, for reports from guards (which XState gives no `self`). */
  readonly currentInstance: { readonly instanceId: string } | undefined;
}

export interface DeliveryOptions {
  /** One instance to deliver to; without it, every instance that listens for the event. */
  address?: EventAddress;
  /** Runs once the host has taken the event (the address is known, the instance can keep what it does), before any instance sees it. */
  accepted?: () => void;
  /** A lifecycle notice: delivered even while writes fail, as it is no caller's to send again. */
  notice?: boolean;
}

/**
 * Where instances live and how their state is kept: in memory, in a snapshot store, or in a distributed engine.
 * `ReactiveSystemRuntime` validates and delegates here. Nothing in this interface assumes one process or
 * synchronous access: every answer is a promise, and `local` is there only for hosts whose actors run here.
 * A host that can tell at once that a call is wrong (an unknown id, a duplicate) may throw at once.
 */
export interface InstanceHost {
  /** `memory`, `sqlite:./runtime.db`, … for messages. */
  readonly description: string;
  /** Actors running in this process; undefined for a host whose instances run elsewhere. */
  readonly local: LocalInstances | undefined;
  /** Brings the host up (a store's schema, recovery, default process instances). Idempotent. */
  open(): Promise<RecoveryReport>;
  /** Throws `NOT_STARTED` when the host must be opened before it takes work. */
  assertOpen(): void;
  /** A new instance id, unique where the host keeps instances. */
  newInstanceId(prefix: string): string;
  start(spec: InstanceSpec): StartedInstance;
  /** To one addressed instance, or to every instance that listens for the event. Nothing to wait for when it was delivered at once. */
  deliver(event: InstanceEvent, options?: DeliveryOptions): Promise<void> | undefined;
  /** Cancelled: a flow runs its way to `cancelled`, a process stops. Terminated: ends at once. Both record `reason`. */
  end(instanceId: string, status: 'cancelled' | 'terminated', reason: string): Promise<void>;
  /** A flow instance's result when it ends, including one recovered after a restart. */
  result(instanceId: string): Promise<FlowExecutionResult>;
  get(instanceId: string): Promise<InstanceSummary>;
  list(query: ListInstancesQuery): Promise<InstancePage>;
  history(instanceId: string, options?: { afterSeq?: number; limit?: number }): Promise<HistoryEntry[]>;
  /** Resolves once the latest state of `instanceId` (of every instance, without) is kept as the host keeps state. */
  settled(instanceId?: string): Promise<void>;
  /** Removes finished instances that finished before `before` (ms since the epoch); resolves how many. */
  purgeFinished(before: number): Promise<number>;
  migrate(instanceId: string, transform: SnapshotTransform): Promise<void>;
  /** Called before every task attempt starts: a durable host waits until the state that started it is kept (write-ahead). */
  beforeAttempt(request: TaskAttemptRequest): Promise<void> | undefined;
  /** Waits for the pending writes that can succeed (not for a store that is down). */
  drain(): Promise<void>;
  /** Stops every instance here; kept state stays as it was. */
  stop(): void;
  /** Stops, and closes what the host opened (a store). */
  close(): Promise<void>;
}
