import type { AnyStateMachine, StateValue } from 'xstate';
import type { FlowExecutionResult } from '../../../machines/flow-state.js';
import { NotFoundError, PersistenceError, type RuntimeCoreError } from '../../errors.js';
import { cancelledFailure, terminatedFailure, toSerializedError } from '../../failure.js';
import type { InstanceKind } from '../../persistence/store.js';
import { flowResultOf, statusOf, type Ending } from '../instance-status.js';
import type { FinishedInstances, FinishedSummary } from './finished-instances.js';
import type { RuntimeLogger } from '../options.js';
import { ActorTable, type InstanceKindInfo, type LocalInstance } from './actor-table.js';
import type { EventAddress, InstanceSpec, StartedInstance } from './instance-host.js';
import type { InstanceWriter } from './instance-writer.js';

/** What a host needs of the system it runs: compiled machines and what they listen to. */
export interface HostedSystem {
  readonly systemId: string;
  readonly systemVersion: string;
  machineFor(kind: InstanceKind | 'task', definitionId: string): AnyStateMachine | undefined;
  /** Event types that move an instance of the definition: one Set per definition, shared by its instances. */
  listens(kind: InstanceKind, definitionId: string): ReadonlySet<string>;
  /** sha256 of the compiled machine (and all it invokes). */
  hashOf(kind: InstanceKind, definitionId: string): string;
  processIds(): string[];
  hasProcess(processId: string): boolean;
  /** The flow a definition id runs: itself, or the flow a variant (run options of `executeFlow`) was made from. */
  flowIdOf(definitionId: string): string;
}

/** Lifecycle notices (`flow.started`, `flow.completed`, …): cheap when nobody listens. */
export interface LifecycleNotices {
  lifecycle(type: string, payload: () => Record<string, unknown>): void;
}

const NO_LISTENS: ReadonlySet<string> = new Set();

/**
 * Runs instances as actors in this process, for the hosts that do (memory, store): starts them, turns how
 * they end into a flow result and lifecycle notices, and finds the instance an event is addressed to.
 */
export class ActorRunner {
  readonly table: ActorTable;
  /** Results of the flows running here, by instance id. */
  private readonly results = new Map<string, Promise<FlowExecutionResult>>();
  /** How an instance was ended from outside (terminate, cancel of a process), until its actor settles. */
  private readonly endings = new Map<string, { status: 'cancelled' | 'terminated'; reason: string }>();
  /** Set while every actor is being stopped: a runtime stopping is not its instances finishing. */
  private stopping = false;

  constructor(
    table: ActorTable,
    private readonly system: HostedSystem,
    private readonly notices: LifecycleNotices,
    private readonly logger: RuntimeLogger,
    /** What stays of finished instances once their actors are let go. */
    readonly finished: FinishedInstances,
    private readonly now: () => number,
  ) {
    this.table = table;
  }

  /** What instances of a process share: one object per process (and per set of events it listens to). */
  private processInfo(processId: string): InstanceKindInfo {
    const listens = this.system.listens('process', processId);
    let info = this.processInfos.get(processId);
    if (info?.listens !== listens) {
      info = { kind: 'process', definitionId: processId, listens, table: this.table, onSettled: this.processSettled };
      this.processInfos.set(processId, info);
    }
    return info;
  }

  private readonly processSettled = (settled: LocalInstance, outcome: { error?: unknown }): void => {
    if (outcome.error !== undefined) this.logger.error(`Process instance "${settled.instanceId}" crashed`, { error: toSerializedError(outcome.error) });
    this.remember(settled, outcome.error, undefined, this.takeEnding(settled.instanceId));
  };

  private takeEnding(instanceId: string): { status: 'cancelled' | 'terminated'; reason: string } | undefined {
    const ended = this.endings.get(instanceId);
    this.endings.delete(instanceId);
    return ended;
  }

  /** Starts an instance (or continues one from `snapshot`), its writes going through `writer` if it has one. */
  run(spec: InstanceSpec, writer?: InstanceWriter, snapshot?: unknown): StartedInstance & { instance: LocalInstance } {
    const { kind, definitionId, instanceId } = spec;
    const machine = this.system.machineFor(kind, definitionId) as AnyStateMachine;
    const restored = snapshot !== undefined;
    if (kind === 'process') {
      const instance = this.table.start({
        info: this.processInfo(definitionId),
        instanceId,
        machine,
        input: spec.input,
        ...(restored ? { snapshot } : {}),
        ...(writer ? { writer } : {}),
      });
      return { instanceId, actor: instance.actor, result: Promise.resolve(undefined), instance };
    }
    let resolve!: (result: FlowExecutionResult) => void;
    const result = new Promise<FlowExecutionResult>((r) => (resolve = r));
    const isFlow = kind === 'flow';
    if (isFlow) this.results.set(instanceId, result);
    const input = (spec.input as { input?: unknown } | undefined)?.input;
    const onSettled = (settled: LocalInstance, outcome: { error?: unknown }) => {
      const ended = this.takeEnding(instanceId);
      const ending: Ending = outcome.error !== undefined ? { crashed: outcome.error } : ended !== undefined ? { terminated: ended.reason } : { stopped: true };
      const flowResult = flowResultOf(settled.actor.getSnapshot(), instanceId, ending);
      if (outcome.error !== undefined) this.logger.error(`Flow instance "${instanceId}" crashed`, { error: flowResult.error });
      if (isFlow) {
        this.notices.lifecycle(flowResult.success ? 'flow.completed' : 'flow.failed', () => ({
          flowId: this.system.flowIdOf(definitionId),
          instanceId,
          input,
          output: flowResult.output,
          error: flowResult.error,
          result: flowResult,
        }));
        this.results.delete(instanceId);
        this.remember(settled, outcome.error, flowResult, ended);
      }
      resolve(flowResult);
    };
    const instance = this.table.start({
      info: { kind, definitionId, listens: isFlow ? this.system.listens('flow', definitionId) : NO_LISTENS, table: this.table, onSettled },
      instanceId,
      machine,
      input: spec.input,
      ...(restored ? { snapshot } : {}),
      ...(writer ? { writer } : {}),
      beforeStart: () => {
        if (isFlow && !restored) this.notices.lifecycle('flow.started', () => ({ flowId: this.system.flowIdOf(definitionId), instanceId }));
      },
    });
    return { instanceId, actor: instance.actor, result, instance };
  }

  /** What the instances of each process share: an object each would cost memory on every idle instance. */
  private readonly processInfos = new Map<string, InstanceKindInfo>();

  /** The result of a flow running here. */
  runningResult(instanceId: string): Promise<FlowExecutionResult> | undefined {
    return this.results.get(instanceId);
  }

  runningFlowIds(): string[] {
    return [...this.results.keys()];
  }

  /** Remembers that an instance is being ended from outside and why, for its result and summary. */
  noteEnding(instanceId: string, status: 'cancelled' | 'terminated', reason: string): void {
    this.endings.set(instanceId, { status, reason });
  }

  /** Keeps a summary of an instance that finished; its actor can go. */
  private remember(instance: LocalInstance, crash: unknown, result: FlowExecutionResult | undefined, ended: { status: 'cancelled' | 'terminated'; reason: string } | undefined): void {
    if (this.stopping || instance.kind === 'task') return;
    const snapshot = instance.actor.getSnapshot() as { value?: StateValue; context?: unknown };
    const { status, error } = ended
      ? { status: ended.status, error: ended.status === 'terminated' ? terminatedFailure(ended.reason) : cancelledFailure(ended.reason) }
      : crash !== undefined
        ? { status: 'failed' as const, error: toSerializedError(crash) }
        : result
          ? statusOf('flow', { status: 'done', value: snapshot.value, output: result })
          : statusOf('process', { status: 'done' });
    this.finished.add({
      instanceId: instance.instanceId,
      kind: instance.kind,
      definitionId: instance.definitionId,
      status,
      value: snapshot.value,
      ...(instance.kind === 'process' ? { context: snapshot.context } : {}),
      ...(result ? { result } : {}),
      ...(error ? { error } : {}),
      machineHash: this.system.hashOf(instance.kind, instance.definitionId),
      createdAt: instance.writer?.createdAt ?? 0,
      finishedAt: this.now(),
    });
  }

  /** The instance an event is addressed to; throws for an unknown one. */
  target(address: EventAddress): LocalInstance {
    if ('instanceId' in address) {
      const instance = this.table.get(address.instanceId);
      if (!instance || instance.kind === 'task') throw this.notRunning(address.instanceId);
      return instance;
    }
    return this.process(address.processId, address.processId);
  }

  /** A process instance running here; throws for an unknown process or instance. */
  process(processId: string, instanceId: string): LocalInstance {
    if (!this.system.hasProcess(processId)) throw new NotFoundError('process', processId, this.system.processIds());
    const instance = this.table.get(instanceId);
    if (!instance || instance.kind !== 'process' || instance.definitionId !== processId) {
      const finished = this.finished.get(instanceId);
      if (finished?.kind === 'process' && finished.definitionId === processId) throw finishedError(finished);
      const ids = this.table.ids('process').filter((id) => this.table.get(id)?.definitionId === processId);
      throw new NotFoundError('instance', instanceId, ids, `of process "${processId}"`);
    }
    return instance;
  }

  /** Why an instance that does not run here cannot be acted on: it finished, or it is unknown. */
  notRunning(instanceId: string): RuntimeCoreError {
    const finished = this.finished.get(instanceId);
    return finished ? finishedError(finished) : new NotFoundError('instance', instanceId, this.table.ids());
  }

  /** Delivers to the addressed instance, or to every instance listening. */
  deliver(event: { type: string; payload: Record<string, unknown> }, target: LocalInstance | undefined): void {
    if (target) this.table.deliver(target, event);
    else for (const instance of this.table.listening(event.type)) this.table.deliver(instance, event);
  }

  /** Stops every actor here. */
  stopAll(): void {
    this.stopping = true;
    this.table.stopAll();
  }
}

/** An instance that finished takes no more events and cannot be ended again. */
export function finishedError(finished: FinishedSummary): PersistenceError {
  return new PersistenceError('INSTANCE_FINISHED', `Instance "${finished.instanceId}" is already ${finished.status}; it takes no more events`, { instanceId: finished.instanceId });
}
