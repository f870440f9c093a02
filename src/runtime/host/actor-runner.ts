import type { AnyStateMachine } from 'xstate';
import type { FlowExecutionResult } from '../../../machines/flow-state.js';
import { NotFoundError } from '../../errors.js';
import { toSerializedError } from '../../failure.js';
import type { InstanceKind } from '../../persistence/store.js';
import { flowResultOf, type Ending } from '../instance-status.js';
import type { RuntimeLogger } from '../options.js';
import { ActorTable, type LocalInstance, type Settlement } from './actor-table.js';
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
  /** Why an instance was terminated, until its actor settles. */
  private readonly terminations = new Map<string, string>();

  constructor(
    table: ActorTable,
    private readonly system: HostedSystem,
    private readonly notices: LifecycleNotices,
    private readonly logger: RuntimeLogger,
  ) {
    this.table = table;
    this.processSettlement = {
      table,
      keep: true,
      onSettled: (settled, outcome) => {
        if (outcome.error !== undefined) logger.error(`Process instance "${settled.instanceId}" crashed`, { error: toSerializedError(outcome.error) });
      },
    };
  }

  /** Starts an instance (or continues one from `snapshot`), its writes going through `writer` if it has one. */
  run(spec: InstanceSpec, writer?: InstanceWriter, snapshot?: unknown): StartedInstance & { instance: LocalInstance } {
    const { kind, definitionId, instanceId } = spec;
    const machine = this.system.machineFor(kind, definitionId) as AnyStateMachine;
    const restored = snapshot !== undefined;
    if (kind === 'process') {
      const instance = this.table.start({
        kind,
        definitionId,
        instanceId,
        machine,
        input: spec.input,
        listens: this.system.listens(kind, definitionId),
        ...(restored ? { snapshot } : {}),
        ...(writer ? { writer } : {}),
        settlement: this.processSettlement,
      });
      return { instanceId, actor: instance.actor, result: Promise.resolve(undefined), instance };
    }
    let resolve!: (result: FlowExecutionResult) => void;
    const result = new Promise<FlowExecutionResult>((r) => (resolve = r));
    const isFlow = kind === 'flow';
    if (isFlow) this.results.set(instanceId, result);
    const input = (spec.input as { input?: unknown } | undefined)?.input;
    const instance = this.table.start({
      kind,
      definitionId,
      instanceId,
      machine,
      input: spec.input,
      listens: isFlow ? this.system.listens('flow', definitionId) : NO_LISTENS,
      ...(restored ? { snapshot } : {}),
      ...(writer ? { writer } : {}),
      beforeStart: () => {
        if (isFlow && !restored) this.notices.lifecycle('flow.started', () => ({ flowId: definitionId, instanceId }));
      },
      settlement: { table: this.table, keep: false, onSettled: (settled, outcome) => {
        const terminated = this.terminations.get(instanceId);
        this.terminations.delete(instanceId);
        const ending: Ending = outcome.error !== undefined ? { crashed: outcome.error } : terminated !== undefined ? { terminated } : { stopped: true };
        const flowResult = flowResultOf(settled.actor.getSnapshot(), instanceId, ending);
        if (outcome.error !== undefined) this.logger.error(`Flow instance "${instanceId}" crashed`, { error: flowResult.error });
        if (isFlow) {
          this.notices.lifecycle(flowResult.success ? 'flow.completed' : 'flow.failed', () => ({
            flowId: definitionId,
            instanceId,
            input,
            output: flowResult.output,
            error: flowResult.error,
            result: flowResult,
          }));
          this.results.delete(instanceId);
        }
        resolve(flowResult);
      } },
    });
    return { instanceId, actor: instance.actor, result, instance };
  }

  /** One settlement for every process instance: an object each would cost memory on every idle instance. */
  private readonly processSettlement: Settlement;

  /** The result of a flow running here. */
  runningResult(instanceId: string): Promise<FlowExecutionResult> | undefined {
    return this.results.get(instanceId);
  }

  runningFlowIds(): string[] {
    return [...this.results.keys()];
  }

  /** Remembers why an instance is being terminated, for its flow result. */
  noteTermination(instanceId: string, reason: string): void {
    this.terminations.set(instanceId, reason);
  }

  /** The instance an event is addressed to; throws for an unknown one. */
  target(address: EventAddress): LocalInstance {
    if ('instanceId' in address) {
      const instance = this.table.get(address.instanceId);
      if (!instance || instance.kind === 'task') throw new NotFoundError('instance', address.instanceId, this.table.ids());
      return instance;
    }
    return this.process(address.processId, address.processId);
  }

  /** A process instance running here; throws for an unknown process or instance. */
  process(processId: string, instanceId: string): LocalInstance {
    const processIds = this.system.processIds();
    if (!processIds.includes(processId)) throw new NotFoundError('process', processId, processIds);
    const instance = this.table.get(instanceId);
    if (!instance || instance.kind !== 'process' || instance.definitionId !== processId) {
      const ids = this.table.ids('process').filter((id) => this.table.get(id)?.definitionId === processId);
      throw new NotFoundError('instance', instanceId, ids, `of process "${processId}"`);
    }
    return instance;
  }

  /** Delivers to the addressed instance, or to every instance listening. */
  deliver(event: { type: string; payload: Record<string, unknown> }, target: LocalInstance | undefined): void {
    if (target) this.table.deliver(target, event);
    else for (const instance of this.table.listening(event.type)) this.table.deliver(instance, event);
  }

  /** Stops every actor here. */
  stopAll(): void {
    this.table.stopAll();
  }
}
