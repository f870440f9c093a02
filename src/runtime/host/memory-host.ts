import { FLOW_CANCEL_EVENT } from '../../../compiler/names.js';
import type { FlowExecutionResult } from '../../../machines/flow-state.js';
import { NotFoundError, PersistenceError } from '../../errors.js';
import type { HistoryEntry, InstancePage, InstanceSummary, ListInstancesQuery } from '../../persistence/store.js';
import { statusOf } from '../instance-status.js';
import type { ResolvedRuntimeOptions } from '../options.js';
import { ActorRunner, type HostedSystem, type LifecycleNotices } from './actor-runner.js';
import { ActorTable, type LocalInstance } from './actor-table.js';
import { FinishedInstances, summaryOf } from './finished-instances.js';
import type { DeliveryOptions, InstanceEvent, InstanceHost, InstanceSpec, RecoveryReport, StartedInstance } from './instance-host.js';

const NOTHING_RECOVERED: RecoveryReport = Object.freeze({ recovered: [], upgraded: [], needsMigration: [], unreadable: [], removed: 0 }) as RecoveryReport;

/**
 * Instances that live in this process only, as XState actors: the host of a runtime without a store.
 * It describes them the way a store would, so the facade answers alike on every host.
 */
export class MemoryHost implements InstanceHost {
  readonly description = 'memory';
  readonly local: ActorTable;
  private readonly runner: ActorRunner;
  private readonly finished: FinishedInstances;
  private opened: Promise<RecoveryReport> | undefined;
  private counter = 0;

  constructor(
    private readonly system: HostedSystem,
    options: Pick<ResolvedRuntimeOptions, 'clock' | 'inspect' | 'logger' | 'finished'>,
    notices: LifecycleNotices,
  ) {
    this.finished = new FinishedInstances(options.finished, () => options.clock.now());
    this.local = new ActorTable(options, this.finished);
    this.runner = new ActorRunner(this.local, system, notices, options.logger, this.finished, () => options.clock.now());
  }

  /** Creates the default instance of every process (synchronously: they exist once this returns). */
  open(): Promise<RecoveryReport> {
    if (!this.opened) {
      this.opened = Promise.resolve(NOTHING_RECOVERED);
      for (const processId of this.system.processIds()) this.runner.run({ kind: 'process', definitionId: processId, instanceId: processId, input: undefined, created: {} });
    }
    return this.opened;
  }

  assertOpen(): void {}

  newInstanceId(prefix: string): string {
    return `${prefix}-${++this.counter}`;
  }

  start(spec: InstanceSpec): StartedInstance {
    return this.runner.run(spec);
  }

  deliver(event: InstanceEvent, options: DeliveryOptions = {}): undefined {
    const target = options.address && this.runner.target(options.address);
    options.accepted?.();
    this.runner.deliver(event, target);
    return undefined;
  }

  /** A flow cancels through its machine; anything else stops where it is. A finished instance is refused (`INSTANCE_FINISHED`). */
  end(instanceId: string, status: 'cancelled' | 'terminated', reason: string): Promise<void> {
    const instance = this.find(instanceId);
    if (status === 'cancelled' && instance.kind === 'flow') {
      instance.actor.send({ type: FLOW_CANCEL_EVENT });
      return Promise.resolve();
    }
    this.runner.noteEnding(instanceId, status, reason);
    this.local.drop(instanceId);
    instance.actor.stop();
    return Promise.resolve();
  }

  /** The result of a flow running here, or of one that finished (while its summary is kept). */
  result(instanceId: string): Promise<FlowExecutionResult> {
    const running = this.runner.runningResult(instanceId);
    if (running) return running;
    const finished = this.finished.get(instanceId)?.result;
    if (finished) return Promise.resolve(finished);
    const known = [...this.runner.runningFlowIds(), ...this.finished.ids('flow')];
    return Promise.reject(new NotFoundError('instance', instanceId, known, 'among running and finished flows'));
  }

  async get(instanceId: string): Promise<InstanceSummary> {
    const finished = this.finished.get(instanceId);
    if (finished && !this.local.get(instanceId)) return summaryOf(finished, this.system);
    return this.summary(this.find(instanceId));
  }

  /** Running instances, then finished ones (newest first). */
  async list(query: ListInstancesQuery): Promise<InstancePage> {
    const statuses = query.status === undefined ? undefined : typeof query.status === 'string' ? [query.status] : query.status;
    const running = this.local.ids().map((id) => this.summary(this.local.get(id) as LocalInstance));
    const finished = this.finished.list().map((summary) => summaryOf(summary, this.system));
    const instances = [...running, ...finished]
      .filter((summary) => !statuses || statuses.includes(summary.status))
      .filter((summary) => query.flowId === undefined || (summary.kind === 'flow' && summary.definitionId === query.flowId))
      .filter((summary) => query.processId === undefined || (summary.kind === 'process' && summary.definitionId === query.processId));
    return { instances: instances.slice(0, query.limit ?? 100) };
  }

  /** Throws at once: history is what a store keeps. */
  history(): Promise<HistoryEntry[]> {
    throw noStore('getHistory');
  }

  settled(): Promise<void> {
    return Promise.resolve();
  }

  /** Forgets the summaries of instances that finished before `before`. */
  purgeFinished(before: number): Promise<number> {
    return Promise.resolve(this.finished.purge(before));
  }

  migrate(): Promise<void> {
    throw noStore('migrateInstance');
  }

  beforeAttempt(): undefined {
    return undefined;
  }

  drain(): Promise<void> {
    return Promise.resolve();
  }

  stop(): void {
    this.runner.stopAll();
  }

  async close(): Promise<void> {
    this.stop();
  }

  private find(instanceId: string): LocalInstance {
    const instance = this.local.get(instanceId);
    if (!instance || instance.kind === 'task') throw this.runner.notRunning(instanceId);
    return instance;
  }

  private summary(instance: LocalInstance): InstanceSummary {
    const kind = instance.kind === 'process' ? 'process' : 'flow';
    return {
      instanceId: instance.instanceId,
      kind,
      definitionId: instance.definitionId,
      status: statusOf(kind, instance.actor.getSnapshot()).status,
      systemId: this.system.systemId,
      systemVersion: this.system.systemVersion,
      machineHash: this.system.hashOf(kind, instance.definitionId),
      version: 0,
      createdAt: 0,
      updatedAt: 0,
    };
  }
}

/** The store-only calls, on a runtime without a store. */
export function noStore(method: string): PersistenceError {
  return new PersistenceError('NO_STORE', `runtime.${method}() needs a store: new ReactiveSystemRuntime(system, { store: new SqliteStore('./runtime.db') })`);
}
