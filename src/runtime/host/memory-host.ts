import { FLOW_CANCEL_EVENT } from '../../../compiler/names.js';
import type { FlowExecutionResult } from '../../../machines/flow-state.js';
import { NotFoundError, PersistenceError } from '../../errors.js';
import type { HistoryEntry, InstancePage, InstanceSummary, ListInstancesQuery } from '../../persistence/store.js';
import { statusOf } from '../instance-status.js';
import type { ResolvedRuntimeOptions } from '../options.js';
import { ActorRunner, type HostedSystem, type LifecycleNotices } from './actor-runner.js';
import { ActorTable, type LocalInstance } from './actor-table.js';
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
  private opened: Promise<RecoveryReport> | undefined;
  private counter = 0;

  constructor(
    private readonly system: HostedSystem,
    options: Pick<ResolvedRuntimeOptions, 'clock' | 'inspect' | 'logger'>,
    notices: LifecycleNotices,
  ) {
    this.local = new ActorTable(options);
    this.runner = new ActorRunner(this.local, system, notices, options.logger);
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

  /** A flow cancels through its machine; anything else stops where it is. */
  end(instanceId: string, status: 'cancelled' | 'terminated', reason: string): Promise<void> {
    const instance = this.find(instanceId);
    if (status === 'cancelled' && instance.kind === 'flow') {
      instance.actor.send({ type: FLOW_CANCEL_EVENT });
      return Promise.resolve();
    }
    this.runner.noteTermination(instanceId, reason);
    this.local.drop(instanceId);
    instance.actor.stop();
    return Promise.resolve();
  }

  result(instanceId: string): Promise<FlowExecutionResult> {
    return this.runner.runningResult(instanceId) ?? Promise.reject(new NotFoundError('instance', instanceId, this.runner.runningFlowIds(), 'among running flows'));
  }

  async get(instanceId: string): Promise<InstanceSummary> {
    return this.summary(this.find(instanceId));
  }

  async list(query: ListInstancesQuery): Promise<InstancePage> {
    const statuses = query.status === undefined ? undefined : typeof query.status === 'string' ? [query.status] : query.status;
    const instances = this.local
      .ids()
      .map((id) => this.summary(this.local.get(id) as LocalInstance))
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

  purgeFinished(): Promise<number> {
    throw noStore('purgeFinished');
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
    if (!instance || instance.kind === 'task') throw new NotFoundError('instance', instanceId, this.local.ids());
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
