import { randomUUID } from 'node:crypto';
import type { StateValue } from 'xstate';
import { FLOW_CANCEL_EVENT } from '../../../compiler/names.js';
import type { FlowExecutionResult } from '../../../machines/flow-state.js';
import type { TaskAttemptRequest } from '../../../machines/environment.js';
import { NotFoundError, PersistenceError, type ConcurrencyConflictError } from '../../errors.js';
import { abortedFailure, cancelledFailure, terminatedFailure, toSerializedError } from '../../failure.js';
import type { HistoryEntry, InstanceKind, InstancePage, InstanceRecord, InstanceSummary, ListInstancesQuery, NewHistoryEntry, SnapshotStore } from '../../persistence/store.js';
import { isFinished, storedFlowResult } from '../instance-status.js';
import type { ResolvedRuntimeOptions } from '../options.js';
import { ActorRunner, type HostedSystem, type LifecycleNotices } from './actor-runner.js';
import { ActorTable, type LocalInstance } from './actor-table.js';
import { FinishedInstances } from './finished-instances.js';
import type { DeliveryOptions, InstanceEvent, InstanceHost, InstanceSpec, RecoveryReport, SnapshotTransform, StartedInstance } from './instance-host.js';
import type { InstanceWriter } from './instance-writer.js';
import { migrateInstance, recoverInstances, type RecoveryTarget } from './store-recovery.js';
import { WriteScheduler } from './write-scheduler.js';

/** The tasks a store host asks about before an attempt: one may be declared but not implemented yet. */
export interface ImplementationSource {
  hasImplementation(taskId: string): boolean;
  isDeclared(taskId: string): boolean;
  /** Resolves once an implementation of `taskId` is registered. */
  whenImplemented(taskId: string): Promise<void>;
}

/**
 * Instances that run here as actors and are kept in a `SnapshotStore`: written after every macrostep
 * (write-ahead: a task attempt starts only once the state that started it is stored), recovered by `open()`.
 * Instances that do not run here are read and ended through the store, with the version check that keeps two
 * runtimes from advancing the same instance.
 */
export class StoreHost implements InstanceHost, RecoveryTarget {
  readonly description: string;
  readonly local: ActorTable;
  readonly writes: WriteScheduler;
  private readonly runner: ActorRunner;
  /** Finished processes, for the synchronous reads (`getProcessState`) once their actors are let go; the rows are the record. */
  private readonly finished: FinishedInstances;
  private recovery: Promise<RecoveryReport> | undefined;
  private recovered = false;
  /** Tasks whose attempts wait for an implementation (warned once each). */
  private readonly awaited = new Set<string>();

  constructor(
    readonly store: SnapshotStore,
    readonly system: HostedSystem,
    readonly options: ResolvedRuntimeOptions,
    readonly notices: LifecycleNotices,
    private readonly tasks: ImplementationSource,
  ) {
    this.description = store.description;
    this.finished = new FinishedInstances(options.finished, () => options.clock.now());
    this.local = new ActorTable(options, this.finished);
    this.runner = new ActorRunner(this.local, system, notices, options.logger, this.finished, () => options.clock.now());
    this.writes = new WriteScheduler({
      store,
      systemId: system.systemId,
      systemVersion: system.systemVersion,
      now: () => Math.floor(options.clock.now()),
      retry: options.storeRetry,
      maxConcurrentWrites: options.storeConcurrency,
      listener: {
        conflict: (instanceId, error) => this.lost(instanceId, error),
        unavailable: (instanceId, error) => {
          options.logger.error(error.message, { instanceId, code: error.code });
          notices.lifecycle('store.unavailable', () => ({ instanceId, error: toSerializedError(error) }));
        },
        restored: (instanceId) => {
          options.logger.info(`Instance "${instanceId}": the store accepts writes again`, { instanceId });
          notices.lifecycle('store.restored', () => ({ instanceId }));
        },
      },
    });
  }

  open(): Promise<RecoveryReport> {
    this.recovery ??= recoverInstances(this).then((report) => {
      this.recovered = true;
      return report;
    });
    return this.recovery;
  }

  assertOpen(): void {
    if (!this.recovered) throw new PersistenceError('NOT_STARTED', 'This runtime has a store: await runtime.start() first, so stored instances are recovered before anything runs');
  }

  /** Ids stay unique across restarts: a counter would start again at 1. */
  newInstanceId(prefix: string): string {
    return `${prefix}-${randomUUID()}`;
  }

  start(spec: InstanceSpec): StartedInstance {
    // executeTask's single-task instances answer one call: they are not persisted.
    if (spec.kind === 'task') return this.runner.run(spec);
    const now = this.options.clock.now();
    const writer = this.track(spec.kind, spec.definitionId, spec.instanceId, { version: 0, createdAt: now, history: [{ at: now, type: 'instance.created', data: spec.created }] });
    return this.runner.run(spec, writer);
  }

  has(instanceId: string): boolean {
    return this.local.get(instanceId) !== undefined;
  }

  restore(record: InstanceRecord, snapshot: unknown, history: NewHistoryEntry[]): LocalInstance {
    const writer = this.track(record.kind, record.definitionId, record.instanceId, { version: record.version, createdAt: record.createdAt, history });
    const input = record.kind === 'process' ? undefined : { input: undefined, instanceId: record.instanceId };
    return this.runner.run({ kind: record.kind, definitionId: record.definitionId, instanceId: record.instanceId, input, created: {} }, writer, snapshot).instance;
  }

  /** A finished process read back from the store: its state stays readable, with no actor. */
  rememberFinished(record: InstanceRecord): void {
    const snapshot = record.snapshot as { value?: StateValue; context?: unknown } | undefined;
    this.finished.add({
      instanceId: record.instanceId,
      kind: record.kind,
      definitionId: record.definitionId,
      status: record.status,
      value: snapshot?.value,
      context: snapshot?.context,
      ...(record.error ? { error: record.error } : {}),
      machineHash: record.machineHash,
      createdAt: record.createdAt,
      finishedAt: record.finishedAt ?? record.updatedAt,
    });
  }

  startDefaultProcess(processId: string): void {
    this.start({ kind: 'process', definitionId: processId, instanceId: processId, input: undefined, created: {} });
  }

  /** An event for an instance whose writes are failing is refused, so the caller knows it was not taken. */
  deliver(event: InstanceEvent, options: DeliveryOptions = {}): undefined {
    const target = options.address && this.runner.target(options.address);
    if (!options.notice) this.assertWritable(event.type, target);
    options.accepted?.();
    this.runner.deliver(event, target);
    return undefined;
  }

  private assertWritable(type: string, target: LocalInstance | undefined): void {
    for (const instance of target ? [target] : this.local.listening(type)) {
      if (instance.writer?.unavailable) {
        throw new PersistenceError('STORE_UNAVAILABLE', `Event "${type}" was not delivered: instance "${instance.instanceId}" cannot be persisted right now (${this.store.description} is unavailable); send it again later`, {
          instanceId: instance.instanceId,
        });
      }
    }
  }

  /** Ends an instance for good with `status`; running tasks see their AbortSignal fire. */
  async end(instanceId: string, status: 'cancelled' | 'terminated', reason: string): Promise<void> {
    const error = status === 'terminated' ? terminatedFailure(reason) : cancelledFailure(reason);
    const entry: NewHistoryEntry = { at: this.options.clock.now(), type: `instance.${status}`, data: { reason } };
    const live = this.local.get(instanceId);
    if (live?.writer) {
      if (status === 'cancelled' && live.kind === 'flow') {
        // A flow cancels through its machine: it leaves `running` for `cancelled`, which the write records.
        live.actor.send({ type: FLOW_CANCEL_EVENT });
        await live.writer.drained();
        return;
      }
      this.runner.noteEnding(instanceId, status, reason);
      const ended = live.writer.end(status, entry, error);
      this.local.drop(instanceId);
      live.actor.stop();
      await ended;
      return;
    }
    const record = await this.store.load(instanceId);
    if (!record) throw this.unknown(instanceId);
    if (isFinished(record.status)) throw new PersistenceError('INSTANCE_FINISHED', `Instance "${instanceId}" is already ${record.status}`, { instanceId });
    const now = this.options.clock.now();
    await this.store.save({ record: { ...record, status, error, version: record.version + 1, updatedAt: now, finishedAt: now }, expectedVersion: record.version, history: [entry] });
  }

  /** The result of a flow running here, else the stored one. */
  async result(instanceId: string): Promise<FlowExecutionResult> {
    const running = this.runner.runningResult(instanceId);
    if (running) return running;
    await this.writes.get(instanceId)?.drained();
    const record = await this.store.load(instanceId);
    if (!record || record.kind !== 'flow') throw this.unknown(instanceId);
    return storedFlowResult(record);
  }

  async get(instanceId: string): Promise<InstanceSummary> {
    await this.writes.get(instanceId)?.drained();
    const record = await this.store.load(instanceId);
    if (!record) throw this.unknown(instanceId);
    const { snapshot: _snapshot, ...summary } = record;
    return summary;
  }

  /** This system's instances unless the query names another system. */
  async list(query: ListInstancesQuery): Promise<InstancePage> {
    await this.writes.drain();
    return this.store.list({ systemId: this.system.systemId, ...query });
  }

  async history(instanceId: string, options?: { afterSeq?: number; limit?: number }): Promise<HistoryEntry[]> {
    await this.writes.get(instanceId)?.drained();
    const entries = await this.store.history(instanceId, options);
    if (entries.length === 0 && !(await this.store.load(instanceId))) throw this.unknown(instanceId);
    return entries;
  }

  async settled(instanceId?: string): Promise<void> {
    await (instanceId === undefined ? this.writes.whenAllDurable() : this.writes.whenDurable(instanceId));
  }

  purgeFinished(before: number): Promise<number> {
    this.finished.purge(before);
    return this.store.deleteFinished(before);
  }

  migrate(instanceId: string, transform: SnapshotTransform): Promise<void> {
    return migrateInstance(this, instanceId, transform, (id) => this.unknown(id));
  }

  /**
   * Write-ahead: an attempt starts only once the snapshot that started it is stored. An attempt of a declared
   * task with no implementation waits for one (as a durable engine's activity waits for a worker) instead of
   * failing the instance for good: a runtime started before its implementations are registered must not
   * destroy what it recovered.
   */
  beforeAttempt(request: TaskAttemptRequest): Promise<void> {
    return this.writes.whenDurable(request.instanceId).then(() => {
      if (!this.tasks.hasImplementation(request.taskId) && this.tasks.isDeclared(request.taskId)) return this.implementationOf(request).then(() => this.assertNotStopped(request));
      this.assertNotStopped(request);
      return undefined;
    });
  }

  private assertNotStopped(request: TaskAttemptRequest): void {
    if (request.aborted) throw abortedFailure('The task attempt was stopped before it started');
  }

  /** Stopping is not an ending: the store keeps each instance where it was, for the next runtime to recover. */
  stop(): void {
    this.writes.detachAll();
    this.runner.stopAll();
  }

  drain(): Promise<void> {
    return this.writes.drain();
  }

  async close(): Promise<void> {
    this.stop();
    await this.store.close();
  }

  private implementationOf(request: TaskAttemptRequest): Promise<void> {
    const { taskId, instanceId, attempt, signal } = request;
    if (!this.awaited.has(taskId)) {
      this.awaited.add(taskId);
      this.options.logger.warn(`Task "${taskId}" has no implementation; its attempts wait until runtime.registerTaskImplementation("${taskId}", fn) is called`, { taskId });
    }
    this.notices.lifecycle('task.waiting', () => ({ taskId, instanceId, stepId: request.stepId, attempt }));
    const registered = this.tasks.whenImplemented(taskId);
    return new Promise<void>((resolve) => {
      const stop = () => resolve();
      signal.addEventListener('abort', stop, { once: true });
      void registered.then(() => {
        signal.removeEventListener('abort', stop);
        resolve();
      });
    });
  }

  /** Starts the writes of an instance (a new one, or one restored from the store). */
  private track(kind: InstanceKind, definitionId: string, instanceId: string, from: { version: number; createdAt: number; history: NewHistoryEntry[] }): InstanceWriter {
    return this.writes.track({ instanceId, kind, definitionId, machineHash: this.system.hashOf(kind, definitionId), ...from });
  }

  /** Another runtime advanced this instance: stop the copy here without writing, and say so. */
  private lost(instanceId: string, error: ConcurrencyConflictError): void {
    this.options.logger.error(`${error.message}; this runtime stopped its copy`, { instanceId, code: error.code });
    this.notices.lifecycle('instance.conflict', () => ({ instanceId, error: toSerializedError(error) }));
    const instance = this.local.drop(instanceId);
    if (instance) {
      // Its flow result says why; it did not finish here, so nothing of it stays here either.
      this.runner.noteEnding(instanceId, 'terminated', error.message);
      instance.actor.stop();
      this.finished.delete(instanceId);
    }
  }

  private unknown(instanceId: string): NotFoundError {
    return new NotFoundError('instance', instanceId, this.local.ids(), `in ${this.store.description}`);
  }
}
