import type { AnyStateMachine } from 'xstate';
import { MachineCatalog } from '../../compiler/catalog.js';
import { compileFlowDefinition } from '../../compiler/flow.js';
import { compileSystemDefinitions, compileTaskDefinition, type SystemMachineDefinitions } from '../../compiler/system.js';
import { assignListens } from '../../compiler/listens.js';
import type { MachineEnvironment } from '../../machines/environment.js';
import type { NormalizedSystem } from '../dsl/normalize.js';
import { convertFlowToDsl, type RuntimeFlow } from '../dsl/programmatic-flow.js';
import type { FlowDefinition } from '../dsl/schema.js';
import { assertValidSystem } from '../dsl/validate.js';
import { SystemValidationError, UsageError } from '../errors.js';
import type { InstanceKind } from '../persistence/store.js';
import type { HostedSystem } from './host/actor-runner.js';
import { machineHash } from './host/machine-hash.js';
import { flowRunId, flowVariant, parseFlowRunId, type FlowRunOptions } from './flow-variants.js';
import { TaskRegistry } from './task-registry.js';

/**
 * A validated system and its compiled machines: what every host runs. Flows registered in code join it here,
 * so the machines, the hashes and what each machine listens to stay one consistent set.
 */
export class SystemModel implements HostedSystem {
  readonly tasks: TaskRegistry;
  private readonly flows: Record<string, FlowDefinition>;
  private readonly definitions: SystemMachineDefinitions;
  private catalog: MachineCatalog | undefined;
  private readonly hashes = new Map<string, string>();
  private readonly listenSets = new Map<string, ReadonlySet<string>>();
  /** Ids of the compiled variants of each flow (`executeFlow` options), to compile again when the flow is replaced. */
  private readonly variants = new Map<string, Set<string>>();

  constructor(readonly system: NormalizedSystem) {
    this.tasks = new TaskRegistry(system.tasks ?? {});
    this.flows = { ...(system.flows ?? {}) };
    this.definitions = compileSystemDefinitions(system);
  }

  get systemId(): string {
    return this.system.id;
  }

  get systemVersion(): string {
    return this.system.version;
  }

  /** Builds every machine now, with what they call out to: an event emitted from inside a machine must not build another one mid-action. */
  build(environment: MachineEnvironment): void {
    this.catalog = new MachineCatalog(environment, this.definitions);
    this.catalog.buildAll();
  }

  flow(flowId: string): FlowDefinition | undefined {
    return Object.prototype.hasOwnProperty.call(this.flows, flowId) ? this.flows[flowId] : undefined;
  }

  flowIds(): string[] {
    return Object.keys(this.flows);
  }

  processIds(): string[] {
    return [...this.definitions.processes.keys()];
  }

  flowIdOf(definitionId: string): string {
    return parseFlowRunId(definitionId)?.flowId ?? definitionId;
  }

  hasProcess(processId: string): boolean {
    return this.definitions.processes.has(processId);
  }

  /** Event types each process listens for, over all processes (lifecycle notices to them are not skipped). */
  processEvents(): string[] {
    return [...this.definitions.processes.values()].flatMap((definition) => definition.events);
  }

  machineFor(kind: InstanceKind | 'task', definitionId: string): AnyStateMachine | undefined {
    const catalog = this.built();
    if (kind === 'flow') return this.flow(definitionId) || this.hasVariant(definitionId) ? catalog.flow(definitionId) : undefined;
    if (kind === 'process') return catalog.process(definitionId);
    return this.taskMachine(definitionId);
  }

  /** The single-step machine of a task; a task that is implemented but not declared gets one on first use. */
  private taskMachine(taskId: string): AnyStateMachine | undefined {
    const catalog = this.built();
    const machine = catalog.task(taskId);
    if (machine) return machine;
    const definition = this.tasks.definition(taskId);
    if (!definition) return undefined;
    catalog.setTask(taskId, compileTaskDefinition(taskId, { [taskId]: definition }));
    return catalog.task(taskId);
  }

  listens(kind: InstanceKind, definitionId: string): ReadonlySet<string> {
    const key = `${kind}:${definitionId}`;
    let events = this.listenSets.get(key);
    if (!events) {
      if (kind === 'flow') this.hasVariant(definitionId);
      // The compiler lists them (forEach bodies and sub-flows included); one Set per definition, shared by its instances.
      const definition = kind === 'process' ? this.definitions.processes.get(definitionId) : this.definitions.flows.get(definitionId);
      this.listenSets.set(key, (events = new Set(definition?.listens ?? [])));
    }
    return events;
  }

  hashOf(kind: InstanceKind, definitionId: string): string {
    const key = `${kind}:${definitionId}`;
    let hash = this.hashes.get(key);
    if (hash === undefined) {
      if (kind === 'flow') this.hasVariant(definitionId);
      this.hashes.set(key, (hash = machineHash(this.definitions, kind, definitionId)));
    }
    return hash;
  }

  /** Adds a flow built in code (FlowStepType steps, function conditions) or in DSL form; checked as part of the system. */
  addFlow(flow: RuntimeFlow | (FlowDefinition & { id: string })): { id: string; definition: FlowDefinition } {
    if (!flow || typeof flow.id !== 'string') throw new UsageError('registerFlow(flow) expects a flow with a string id');
    const { id, ...definition } = convertFlowToDsl(flow as RuntimeFlow);
    const tasks = this.tasks.definitionsFor(definition);
    const document = { ...this.system, tasks, flows: { ...this.flows, [id]: definition } };
    try {
      assertValidSystem(document);
    } catch (error) {
      if (error instanceof SystemValidationError) throw new SystemValidationError(error.issues, `Flow "${id}"`);
      throw error;
    }
    this.flows[id] = definition;
    const catalog = this.built();
    catalog.setFlow(id, compileFlowDefinition(id, definition, { tasks, flows: this.definitions.flows }));
    catalog.flow(id);
    for (const variantId of this.variants.get(id) ?? []) this.compileVariant(variantId);
    // Flows that invoke this one listen to its events too.
    for (const flow of this.definitions.flows.values()) if (flow.subflows.length > 0) assignListens(flow, this.definitions.flows);
    this.hashes.clear();
    this.listenSets.clear();
    return { id, definition };
  }

  /**
   * The definition id a run of `flowId` with `options` starts: the flow's own, or that of a variant of it
   * (continueOnError, task timeout and retry count applied to its steps), compiled once per distinct options.
   */
  runId(flowId: string, options: FlowRunOptions): string {
    const id = flowRunId(flowId, options);
    if (id !== flowId) this.hasVariant(id);
    return id;
  }

  /** Whether `id` is a variant of a flow of the system; compiles it on first use (a run recovered from a store, too). */
  private hasVariant(id: string): boolean {
    if (this.variants.get(parseFlowRunId(id)?.flowId ?? '')?.has(id)) return true;
    return this.compileVariant(id);
  }

  private compileVariant(id: string): boolean {
    const parsed = parseFlowRunId(id);
    const flow = parsed && this.flow(parsed.flowId);
    if (!parsed || !flow) return false;
    const definition = flowVariant(flow, parsed.options);
    const tasks = this.tasks.definitionsFor(definition);
    // Compiled under the flow's own id (its context's flowId); only the machine id and the catalog key are the variant's.
    this.built().setFlow(id, compileFlowDefinition(parsed.flowId, definition, { tasks, flows: this.definitions.flows, machineId: id }));
    let ids = this.variants.get(parsed.flowId);
    if (!ids) this.variants.set(parsed.flowId, (ids = new Set()));
    ids.add(id);
    this.hashes.delete(`flow:${id}`);
    this.listenSets.delete(`flow:${id}`);
    return true;
  }

  private built(): MachineCatalog {
    if (!this.catalog) throw new UsageError('The system\'s machines are not built yet', 'INVALID_ARGUMENT');
    return this.catalog;
  }
}
