import type { AnyStateMachine } from 'xstate';
import type { FlowExecutionResult } from '../../machines/flow-state.js';
import { NotFoundError, PersistenceError, type ConcurrencyConflictError, type SerializedError } from '../errors.js';
import { toSerializedError } from '../failure.js';
import { findMissingStates } from '../persistence/compatibility.js';
import {
  FINISHED_STATUSES,
  type HistoryEntry,
  type InstanceKind,
  type InstancePage,
  type InstanceRecord,
  type InstanceSummary,
  type ListInstancesQuery,
  type NewHistoryEntry,
  type SnapshotStore,
  type UnreadableInstance,
} from '../persistence/store.js';
import { Durability } from './durability.js';
import type { Instance, InstanceRegistry } from './instances.js';
import type { ResolvedRuntimeOptions } from './options.js';

/** What `runtime.start()` found in the store. */
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

/** The parts of the runtime that durable operations act through. */
export interface RuntimeInternals {
  readonly instances: InstanceRegistry;
  readonly options: ResolvedRuntimeOptions;
  readonly systemId: string;
  readonly systemVersion: string;
  machineFor(kind: InstanceKind, definitionId: string): AnyStateMachine | undefined;
  hashOf(kind: InstanceKind, definitionId: string): string;
  /** Creates the actor of a stored instance from `snapshot` and starts it. */
  restore(record: InstanceRecord, snapshot: unknown, history: NewHistoryEntry[]): Instance;
  /** Process ids whose default instance must exist. */
  processIds(): string[];
  startDefaultProcess(processId: string): void;
  lifecycle(type: string, payload: () => Record<string, unknown>): void;
  /** Remembers why an instance was terminated, for its flow result. */
  noteTermination(instanceId: string, reason: string): void;
}

const isFinished = (status: string) => (FINISHED_STATUSES as readonly string[]).includes(status);

/**
 * Recovery, queries and control of durable instances: what `ReactiveSystemRuntime` does with its store.
 * Instances that run here are acted on through their actors; the others through the store, with the
 * version check that keeps two runtimes from advancing the same instance.
 */
export class DurableInstances {
  /** Persistence of each instance; the runtime's task runner waits on it (write-ahead). */
  readonly durability: Durability;

  constructor(
    private readonly store: SnapshotStore,
    private readonly runtime: RuntimeInternals,
  ) {
    const { options } = runtime;
    this.durability = new Durability({
      store,
      systemId: runtime.systemId,
      systemVersion: runtime.systemVersion,
      now: () => Math.floor(options.clock.now()),
      retry: options.storeRetry,
      maxConcurrentWrites: options.storeConcurrency,
      listener: {
        conflict: (instanceId, error) => this.lost(instanceId, error),
        unavailable: (instanceId, error) => {
          options.logger.error(error.message, { instanceId, code: error.code });
          runtime.lifecycle('store.unavailable', () => ({ instanceId, error: toSerializedError(error) }));
        },
        restored: (instanceId) => {
          options.logger.info(`Instance "${instanceId}": the store accepts writes again`, { instanceId });
          runtime.lifecycle('store.restored', () => ({ instanceId }));
        },
      },
    });
  }

  /** Another runtime advanced this instance: stop the copy here without writing, and say so. */
  private lost(instanceId: string, error: ConcurrencyConflictError): void {
    this.runtime.options.logger.error(`${error.message}; this runtime stopped its copy`, { instanceId, code: error.code });
    this.runtime.lifecycle('instance.conflict', () => ({ instanceId, error: toSerializedError(error) }));
    const instance = this.runtime.instances.drop(instanceId);
    if (instance) {
      this.runtime.noteTermination(instanceId, error.message);
      instance.actor.stop();
    }
  }

  /** Creates the schema, removes expired instances, brings back every unfinished one, creates default process instances. */
  async recover(): Promise<RecoveryReport> {
    const report: RecoveryReport = { recovered: [], upgraded: [], needsMigration: [], unreadable: [], removed: 0 };
    await this.store.init();
    if (this.runtime.options.retentionMs !== undefined) report.removed = await this.purge(this.runtime.options.retentionMs);
    const { records, unreadable } = await this.store.loadUnfinished();
    for (const problem of unreadable) {
      report.unreadable.push(problem);
      this.runtime.options.logger.error(`Instance "${problem.instanceId}" cannot be read from the store and was skipped: ${problem.error.message}`, { instanceId: problem.instanceId });
      this.runtime.lifecycle('instance.unreadable', () => ({ ...problem }));
    }
    // A store may hold other systems' instances too: each runtime recovers its own.
    for (const record of records) if (record.systemId === this.runtime.systemId) await this.recoverOne(record, report);
    for (const processId of this.runtime.processIds()) {
      if (this.runtime.instances.get(processId)) continue;
      const stored = await this.store.load(processId);
      if (stored && stored.systemId !== this.runtime.systemId) {
        throw new PersistenceError(
          'CONCURRENCY_CONFLICT',
          `The default instance of process "${processId}" cannot be created: instance "${processId}" in ${this.store.description} belongs to system "${stored.systemId}". Give each system its own store (or PostgreSQL schema), or rename the process`,
          { instanceId: processId },
        );
      }
      if (!stored) this.runtime.startDefaultProcess(processId);
      // A finished default instance stays readable, as it would have in the runtime that ran it.
      else if (isFinished(stored.status) && stored.kind === 'process') this.restoreFinished(stored);
    }
    return report;
  }

  private async recoverOne(record: InstanceRecord, report: RecoveryReport): Promise<void> {
    if (this.runtime.instances.get(record.instanceId)) return;
    const machine = this.runtime.machineFor(record.kind, record.definitionId);
    const missing = machine ? this.missing(record, machine, record.snapshot) : [`${record.kind} "${record.definitionId}" (no longer in the system)`];
    if (missing.length > 0) {
      await this.markNeedsMigration(record, missing);
      report.needsMigration.push({ instanceId: record.instanceId, definitionId: record.definitionId, missing });
      return;
    }
    const hash = this.runtime.hashOf(record.kind, record.definitionId);
    const now = this.runtime.options.clock.now();
    const history: NewHistoryEntry[] = [{ at: now, type: 'instance.recovered', data: { version: record.version } }];
    if (hash !== record.machineHash) history.push({ at: now, type: 'instance.upgraded', data: { fromHash: record.machineHash, toHash: hash } });
    try {
      this.runtime.restore(record, record.snapshot, history);
    } catch (thrown) {
      const detail = thrown instanceof Error ? thrown.message : String(thrown);
      await this.markNeedsMigration(record, [`snapshot does not restore: ${detail}`]);
      report.needsMigration.push({ instanceId: record.instanceId, definitionId: record.definitionId, missing: [`snapshot does not restore: ${detail}`] });
      return;
    }
    report.recovered.push(record.instanceId);
    if (hash !== record.machineHash) report.upgraded.push(record.instanceId);
  }

  /** States and invocations the snapshot needs that the current machine lacks (none when the hash is unchanged). */
  private missing(record: InstanceRecord, machine: AnyStateMachine, snapshot: unknown): string[] {
    if (this.runtime.hashOf(record.kind, record.definitionId) === record.machineHash && snapshot === record.snapshot) return [];
    return findMissingStates(machine, snapshot);
  }

  private async markNeedsMigration(record: InstanceRecord, missing: string[]): Promise<void> {
    const message = `Instance "${record.instanceId}" of ${record.kind} "${record.definitionId}" cannot continue on the current machine; missing: ${missing.join(', ')}. Move it on with runtime.migrateInstance("${record.instanceId}", transform).`;
    this.runtime.options.logger.warn(message, { instanceId: record.instanceId, missing });
    this.runtime.lifecycle('instance.needs-migration', () => ({ instanceId: record.instanceId, definitionId: record.definitionId, missing }));
    const error = { name: 'NeedsMigrationError', code: 'NEEDS_MIGRATION', message, missing };
    if (record.status === 'needs-migration' && JSON.stringify(record.error?.missing) === JSON.stringify(missing)) return;
    const now = this.runtime.options.clock.now();
    await this.store.save({
      record: { ...record, status: 'needs-migration', error, version: record.version + 1, updatedAt: now },
      expectedVersion: record.version,
      history: [{ at: now, type: 'instance.needs-migration', data: { missing } }],
    });
  }

  private restoreFinished(record: InstanceRecord): void {
    try {
      this.runtime.restore(record, record.snapshot, []);
    } catch (thrown) {
      this.runtime.options.logger.warn(`Finished instance "${record.instanceId}" could not be shown: ${thrown instanceof Error ? thrown.message : String(thrown)}`);
    }
  }

  // ─── queries ────────────────────────────────────────────────────────────────

  async history(instanceId: string, options?: { afterSeq?: number; limit?: number }): Promise<HistoryEntry[]> {
    await this.durability.get(instanceId)?.drained();
    const entries = await this.store.history(instanceId, options);
    if (entries.length === 0 && !(await this.store.load(instanceId))) throw this.unknown(instanceId);
    return entries;
  }

  /** This system's instances unless the query names another system. */
  async list(query: ListInstancesQuery = {}): Promise<InstancePage> {
    await this.durability.drain();
    return this.store.list({ systemId: this.runtime.systemId, ...query });
  }

  async get(instanceId: string): Promise<InstanceSummary> {
    await this.durability.get(instanceId)?.drained();
    const record = await this.store.load(instanceId);
    if (!record) throw this.unknown(instanceId);
    const { snapshot: _snapshot, ...summary } = record;
    return summary;
  }

  /** The stored result of a flow instance that does not run here (the runtime answers for those that do). */
  async result(instanceId: string): Promise<FlowExecutionResult> {
    await this.durability.get(instanceId)?.drained();
    const record = await this.store.load(instanceId);
    if (!record || record.kind !== 'flow') throw this.unknown(instanceId);
    const output = (record.snapshot as { output?: FlowExecutionResult } | undefined)?.output;
    if (output) return output;
    const error: SerializedError = record.error ?? { name: 'Error', message: `Instance "${instanceId}" is ${record.status} and has no result${record.status === 'running' ? ' here: it runs in another runtime or was not recovered' : ''}` };
    return { success: false, output: undefined, steps: {}, error, instanceId };
  }

  // ─── control ────────────────────────────────────────────────────────────────

  /** Ends an instance for good with `status`; running tasks see their AbortSignal fire. */
  async end(instanceId: string, status: 'cancelled' | 'terminated', reason: string): Promise<void> {
    const error: SerializedError = status === 'terminated' ? { name: 'TerminatedError', message: reason } : { name: 'CancelledError', message: reason };
    const entry: NewHistoryEntry = { at: this.runtime.options.clock.now(), type: `instance.${status}`, data: { reason } };
    const live = this.runtime.instances.get(instanceId);
    if (live?.durable) {
      if (status === 'cancelled' && live.kind === 'flow') {
        // A flow cancels through its machine: it leaves `running` for `cancelled`, which the write records.
        live.actor.send({ type: 'flow.cancel' });
        await live.durable.drained();
        return;
      }
      this.runtime.noteTermination(instanceId, reason);
      const ended = live.durable.end(status, entry, error);
      this.runtime.instances.drop(instanceId);
      live.actor.stop();
      await ended;
      return;
    }
    const record = await this.store.load(instanceId);
    if (!record) throw this.unknown(instanceId);
    if (isFinished(record.status)) throw new PersistenceError('INSTANCE_FINISHED', `Instance "${instanceId}" is already ${record.status}`, { instanceId });
    const now = this.runtime.options.clock.now();
    await this.store.save({ record: { ...record, status, error, version: record.version + 1, updatedAt: now, finishedAt: now }, expectedVersion: record.version, history: [entry] });
  }

  /** Applies `transform` to a stored instance's snapshot, checks it fits the current machine, and runs it. */
  async migrate(instanceId: string, transform: SnapshotTransform): Promise<void> {
    if (this.runtime.instances.get(instanceId)) {
      throw new PersistenceError('NEEDS_MIGRATION', `Instance "${instanceId}" runs on the current machine already; only instances marked needs-migration can be migrated`, { instanceId });
    }
    const record = await this.store.load(instanceId);
    if (!record) throw this.unknown(instanceId);
    if (isFinished(record.status)) throw new PersistenceError('INSTANCE_FINISHED', `Instance "${instanceId}" is already ${record.status}`, { instanceId });
    if (record.systemId !== this.runtime.systemId) {
      throw new PersistenceError('NEEDS_MIGRATION', `Instance "${instanceId}" belongs to system "${record.systemId}", not "${this.runtime.systemId}": migrate it with a runtime of its own system`, { instanceId });
    }
    const machine = this.runtime.machineFor(record.kind, record.definitionId);
    if (!machine) throw new NotFoundError(record.kind, record.definitionId, [], `(instance "${instanceId}" belongs to it)`);
    const snapshot = await transform(structuredClone(record.snapshot), structuredClone(record));
    const missing = findMissingStates(machine, snapshot);
    if (missing.length > 0) {
      throw new PersistenceError('NEEDS_MIGRATION', `Instance "${instanceId}": the migrated snapshot still needs what the machine lacks: ${missing.join(', ')}`, { instanceId });
    }
    const now = this.runtime.options.clock.now();
    const history: NewHistoryEntry[] = [{ at: now, type: 'instance.migrated', data: { fromHash: record.machineHash, toHash: this.runtime.hashOf(record.kind, record.definitionId) } }];
    const instance = this.runtime.restore({ ...record, status: 'running' }, snapshot, history);
    await instance.durable?.drained();
  }

  purge(olderThanMs: number): Promise<number> {
    return this.store.deleteFinished(this.runtime.options.clock.now() - olderThanMs);
  }

  private unknown(instanceId: string): NotFoundError {
    return new NotFoundError('instance', instanceId, this.runtime.instances.ids(), `in ${this.store.description}`);
  }
}
