import type { AnyStateMachine, Actor, StateValue } from 'xstate';
import { MachineCatalog } from '../../compiler/catalog.js';
import { compileFlowDefinition } from '../../compiler/flow.js';
import { compileSystemDefinitions, compileTaskDefinition, type SystemMachineDefinitions } from '../../compiler/system.js';
import type { FlowMachineDefinition } from '../../compiler/types.js';
import type { MachineEnvironment } from '../../machines/environment.js';
import { failedFlowResult, type FlowContext, type FlowExecutionResult } from '../../machines/flow-state.js';
import { toSerializedError } from '../../machines/task-attempt.js';
import type { NormalizedSystem } from '../dsl/normalize.js';
import { convertFlowToDsl, type RuntimeFlow } from '../dsl/programmatic-flow.js';
import type { FlowDefinition, SystemDefinition } from '../dsl/schema.js';
import { assertValidSystem } from '../dsl/validate.js';
import { isLegacySystem, logMigrationReport, migrateSystem } from '../dsl/migrate/index.js';
import { InputValidationError, MissingImplementationError, NotFoundError, RuntimeCoreError, SystemValidationError, type SerializedError } from '../errors.js';
import type { EventHandler } from './event-handlers.js';
import { EventRouter } from './event-router.js';
import { InstanceRegistry, type Instance } from './instances.js';
import { checkJsonSchema } from './json-schemas.js';
import { resolveRuntimeOptions, type ResolvedRuntimeOptions, type RuntimeOptions } from './options.js';
import { TaskRegistry } from './task-registry.js';
import { createTaskRunner, type TaskImplementation } from './task-runner.js';

/** What `executeTask` resolves with: failures are data. */
export interface TaskExecutionResult {
  success: boolean;
  output?: unknown;
  error?: SerializedError;
  /** Attempts made, the first included. */
  attempts: number;
}

/** A running flow. */
export interface FlowHandle {
  readonly instanceId: string;
  readonly flowId: string;
  /** The XState actor: subscribe to it, read its snapshot, persist it. */
  readonly actor: Actor<AnyStateMachine>;
  /** Resolves when the flow ends (completed, failed or cancelled); never rejects. */
  result(): Promise<FlowExecutionResult>;
  /** Ends the flow; running tasks see their AbortSignal fire. */
  cancel(): void;
}

export interface StartFlowOptions {
  /** @default `<flowId>-<n>` */
  instanceId?: string;
}

export interface CreateProcessOptions {
  /** @default `<processId>-<n>` */
  instanceId?: string;
  /** Merged over the process's default context. */
  context?: Record<string, unknown>;
}

/**
 * Runs a system: compiles its processes and flows into XState machines, creates a default instance of
 * every process, runs tasks, routes events and reports results.
 */
export class ReactiveSystemRuntime {
  readonly system: NormalizedSystem;
  private readonly options: ResolvedRuntimeOptions;
  private readonly tasks: TaskRegistry;
  private readonly flows: Record<string, FlowDefinition>;
  private readonly definitions: SystemMachineDefinitions;
  private readonly catalog: MachineCatalog;
  private readonly instances: InstanceRegistry;
  private readonly events: EventRouter;
  private readonly processEventSets = new Map<string, ReadonlySet<string>>();
  private counter = 0;
  private stopped = false;

  constructor(system: SystemDefinition, options: RuntimeOptions = {}) {
    this.options = resolveRuntimeOptions(options);
    // A document in the older shape of the original Runtime Core (JSON, typically) is migrated first; the report goes to the logger.
    let document: unknown = system;
    if (isLegacySystem(system)) {
      const migrated = migrateSystem(system);
      logMigrationReport(migrated.report, this.options.logger);
      document = migrated.system;
    }
    this.system = assertValidSystem(document);
    this.tasks = new TaskRegistry(this.system.tasks ?? {});
    this.flows = { ...(this.system.flows ?? {}) };
    this.instances = new InstanceRegistry(this.options);
    this.events = new EventRouter(this.instances, (flowId, input) => this.startFlow(flowId, input), this.options.logger);
    this.definitions = compileSystemDefinitions(this.system);
    this.catalog = new MachineCatalog(this.environment(), this.definitions);
    // Built now, not lazily: an event emitted from inside a machine must not build another one mid-action.
    this.catalog.buildAll();
    for (const [flowId, flow] of Object.entries(this.flows)) this.events.setTriggers(flowId, flow);
    for (const definition of this.definitions.processes.values()) for (const type of definition.events) this.events.addProcessListener(type);
    for (const processId of this.definitions.processes.keys()) this.startProcess(processId, processId, undefined);
  }

  // ─── tasks ──────────────────────────────────────────────────────────────────

  /** Registers the function that runs a task; it is called with the task's input alone. */
  registerTaskImplementation(taskId: string, implementation: TaskImplementation): void {
    this.tasks.register(taskId, implementation);
  }

  registerTaskImplementations(implementations: Record<string, TaskImplementation>): void {
    for (const [taskId, implementation] of Object.entries(implementations)) this.registerTaskImplementation(taskId, implementation);
  }

  /**
   * Runs a task with its retry and timeout policy. Resolves `{ success, output | error, attempts }`;
   * rejects only for programmer errors: unknown task, no implementation, input that fails the schema.
   */
  async executeTask(taskId: string, input?: unknown): Promise<TaskExecutionResult> {
    const definition = this.tasks.definition(taskId);
    if (!definition) throw new NotFoundError('task', taskId, this.tasks.declaredIds());
    if (!this.tasks.implementation(taskId)) throw new MissingImplementationError(taskId, this.tasks.implemented());
    if (definition.input) {
      const issues = checkJsonSchema(definition.input, input, 'input');
      if (issues.length) throw new InputValidationError(`Input of task "${taskId}"`, issues);
    }
    let machine = this.catalog.task(taskId);
    if (!machine) {
      this.definitions.tasks.set(taskId, compileTaskDefinition(taskId, { [taskId]: definition }));
      machine = this.catalog.task(taskId) as AnyStateMachine;
    }
    const result = await this.run(`task:${taskId}`, this.nextId(taskId), machine, input, new Set()).result;
    const step = result.steps[taskId];
    const out: TaskExecutionResult = { success: result.success, attempts: step?.attempts ?? 0 };
    if (result.success) out.output = step?.output;
    else out.error = step?.error ?? result.error ?? { name: 'Error', message: 'The task failed' };
    return out;
  }

  // ─── flows ──────────────────────────────────────────────────────────────────

  /** Registers a flow built in code (FlowStepType steps, function conditions) or in DSL form. */
  registerFlow(flow: RuntimeFlow | (FlowDefinition & { id: string })): void {
    if (!flow || typeof flow.id !== 'string') throw new TypeError('registerFlow(flow) expects a flow with a string id');
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
    this.catalog.setFlow(id, compileFlowDefinition(id, definition, { tasks }));
    this.catalog.flow(id);
    this.events.setTriggers(id, definition);
  }

  /** Starts a flow and returns its handle at once. */
  startFlow(flowId: string, input?: unknown, options: StartFlowOptions = {}): FlowHandle {
    this.assertRunning();
    const flow = this.flows[flowId];
    const machine = flow && this.catalog.flow(flowId);
    if (!flow || !machine) throw new NotFoundError('flow', flowId, Object.keys(this.flows));
    if (flow.input) {
      const issues = checkJsonSchema(flow.input, input, 'input');
      if (issues.length) throw new InputValidationError(`Input of flow "${flowId}"`, issues);
    }
    const listens = this.flowEvents(flowId, new Set());
    const { instance, result } = this.run(flowId, options.instanceId ?? this.nextId(flowId), machine, input, listens);
    return {
      instanceId: instance.instanceId,
      flowId,
      actor: instance.actor,
      result: () => result,
      cancel: () => instance.actor.send({ type: 'flow.cancel' }),
    };
  }

  /** Runs a flow to its end. Rejects only for programmer errors (unknown flow, invalid input). */
  async executeFlow(flowId: string, input?: unknown, options?: StartFlowOptions): Promise<FlowExecutionResult> {
    return this.startFlow(flowId, input, options).result();
  }

  // ─── processes ──────────────────────────────────────────────────────────────

  /** Spawns another instance of a process. */
  createProcess(processId: string, options: CreateProcessOptions = {}): string {
    this.assertRunning();
    if (!this.definitions.processes.has(processId)) throw new NotFoundError('process', processId, [...this.definitions.processes.keys()]);
    if (options.context !== undefined && (typeof options.context !== 'object' || options.context === null || Array.isArray(options.context))) {
      throw new InputValidationError(`Context of process "${processId}"`, [{ path: 'context', code: 'invalid_type', message: 'Expected an object' }]);
    }
    const instanceId = options.instanceId ?? this.nextId(processId);
    this.startProcess(processId, instanceId, options.context);
    return instanceId;
  }

  /** The state value of a process instance (its default instance unless `instanceId` is given). */
  getProcessState(processId: string, instanceId: string = processId): StateValue {
    return this.processInstance(processId, instanceId).actor.getSnapshot().value;
  }

  /** The context of a process instance. */
  getProcessContext(processId: string, instanceId: string = processId): Record<string, unknown> {
    return this.processInstance(processId, instanceId).actor.getSnapshot().context as Record<string, unknown>;
  }

  /** The XState actor of a process or flow instance. */
  getActor(instanceId: string): Actor<AnyStateMachine> {
    const instance = this.instances.get(instanceId);
    if (!instance) throw new NotFoundError('instance', instanceId, this.instances.ids());
    return instance.actor;
  }

  // ─── events ─────────────────────────────────────────────────────────────────

  /** Calls `handler` for every event of `type` (`'*'` for all), lifecycle events included. Returns an unsubscribe function. */
  registerEventHandler(type: string, handler: EventHandler): () => void {
    return this.events.addHandler(type, handler);
  }

  /**
   * Sends an event: to its handlers; to one instance when the payload names `instanceId` (or the default
   * instance of `processId`), else to every process instance that listens for it; it wakes flows waiting
   * for it and starts flows it triggers. The payload is checked against the event's schema.
   */
  sendEvent(type: string, payload: Record<string, unknown> = {}): void {
    this.send(type, payload, undefined);
  }

  private send(type: string, payload: Record<string, unknown>, source: string | undefined): void {
    this.assertRunning();
    if (typeof type !== 'string' || type.length === 0) throw new TypeError('sendEvent(type, payload) expects a non-empty event type');
    const schema = this.system.events?.[type]?.payload;
    if (schema) {
      const issues = checkJsonSchema(schema, payload, 'payload');
      if (issues.length) throw new InputValidationError(`Payload of event "${type}"`, issues, 'INVALID_PAYLOAD');
    }
    this.events.dispatch(type, payload, this.targetOf(payload), source);
  }

  /** Stops every instance; running tasks see their AbortSignal fire. */
  stop(): void {
    this.stopped = true;
    this.events.stop();
    this.instances.stopAll();
  }

  // ─── internals ──────────────────────────────────────────────────────────────

  private environment(): MachineEnvironment {
    const runTask = createTaskRunner({
      definition: (taskId) => this.tasks.definition(taskId),
      implementation: (taskId) => this.tasks.implementation(taskId),
      implementedTasks: () => this.tasks.implemented(),
      dispatch: (type, payload) => this.sendEvent(type, payload),
      lifecycle: (type, payload) => this.events.lifecycle(type, payload),
    });
    return {
      runTask,
      emit: (type, payload, source) => (type.startsWith('task.') ? this.events.lifecycle(type, () => payload) : this.emitFromProcess(type, payload, source)),
      log: (message, meta) => this.options.logger.info(typeof message === 'string' ? message : JSON.stringify(message), meta),
      reportError: (message, meta) => {
        const instanceId = meta.instanceId ?? this.events.currentInstance?.instanceId;
        const full = { ...meta, ...(instanceId === undefined ? {} : { instanceId }), message: instanceId === undefined ? message : `Process instance "${String(instanceId)}": ${message}` };
        this.options.logger.error(full.message, meta);
        this.events.lifecycle('process.error', () => full);
      },
      random: this.options.random,
    };
  }

  private run(definitionId: string, instanceId: string, machine: AnyStateMachine, input: unknown, listens: ReadonlySet<string>) {
    let resolve!: (result: FlowExecutionResult) => void;
    const result = new Promise<FlowExecutionResult>((r) => (resolve = r));
    const flowId = definitionId.startsWith('task:') ? undefined : definitionId;
    const instance = this.instances.start({
      kind: 'flow',
      definitionId,
      instanceId,
      machine,
      input: { input, instanceId },
      listens,
      beforeStart: () => {
        if (flowId) this.events.lifecycle('flow.started', () => ({ flowId, instanceId }));
      },
      onSettled: (settled, outcome) => {
        const context = settled.actor.getSnapshot().context as FlowContext | undefined;
        const flowResult =
          outcome.error !== undefined
            ? failedFlowResult(context, instanceId, toSerializedError(outcome.error))
            : ((outcome.output as FlowExecutionResult | undefined) ?? failedFlowResult(context, instanceId, { name: 'CancelledError', message: 'The flow was stopped' }));
        if (outcome.error !== undefined) this.options.logger.error(`Flow instance "${instanceId}" crashed`, { error: flowResult.error });
        if (flowId) {
          this.events.lifecycle(flowResult.success ? 'flow.completed' : 'flow.failed', () => ({
            flowId,
            instanceId,
            input,
            output: flowResult.output,
            error: flowResult.error,
            result: flowResult,
          }));
        }
        resolve(flowResult);
      },
    });
    return { instance, result };
  }

  private startProcess(processId: string, instanceId: string, context: Record<string, unknown> | undefined): Instance {
    return this.instances.start({
      kind: 'process',
      definitionId: processId,
      instanceId,
      machine: this.catalog.process(processId) as AnyStateMachine,
      input: { context },
      listens: this.processEvents(processId),
      onSettled: (instance, outcome) => {
        if (outcome.error !== undefined) this.options.logger.error(`Process instance "${instance.instanceId}" crashed`, { error: toSerializedError(outcome.error) });
      },
      keepWhenDone: true,
    });
  }

  private processInstance(processId: string, instanceId: string): Instance {
    if (!this.definitions.processes.has(processId)) throw new NotFoundError('process', processId, [...this.definitions.processes.keys()]);
    const instance = this.instances.get(instanceId);
    if (!instance || instance.kind !== 'process' || instance.definitionId !== processId) {
      const ids = this.instances.ids('process').filter((id) => this.instances.get(id)?.definitionId === processId);
      throw new NotFoundError('instance', instanceId, ids, `of process "${processId}"`);
    }
    return instance;
  }

  private targetOf(payload: Record<string, unknown>): Instance | undefined {
    if (typeof payload.instanceId === 'string') {
      const instance = this.instances.get(payload.instanceId);
      if (!instance) throw new NotFoundError('instance', payload.instanceId, this.instances.ids());
      return instance;
    }
    if (typeof payload.processId === 'string') return this.processInstance(payload.processId, payload.processId);
    return undefined;
  }

  /**
   * A process `emit` goes through `sendEvent` (schema, addressing) once the emitting transition is over:
   * actors it starts or moves must not be created inside another actor's action. A bad one is reported.
   */
  private emitFromProcess(type: string, payload: Record<string, unknown>, source: string | undefined): void {
    queueMicrotask(() => {
      if (this.stopped) return;
      try {
        this.send(type, payload, source);
      } catch (error) {
        const message = `emit of "${type}" failed: ${error instanceof Error ? error.message : String(error)}`;
        this.options.logger.error(message, { event: type, ...(source === undefined ? {} : { instanceId: source }) });
        this.events.lifecycle('process.error', () => ({ event: type, message, ...(source === undefined ? {} : { instanceId: source }) }));
      }
    });
  }

  /** The event types a process listens for: one Set per process, shared by all its instances. */
  private processEvents(processId: string): ReadonlySet<string> {
    let events = this.processEventSets.get(processId);
    if (!events) this.processEventSets.set(processId, (events = new Set(this.definitions.processes.get(processId)?.events ?? [])));
    return events;
  }

  /** Event types that move a flow: its event steps, those of its forEach bodies and of the flows it invokes. */
  private flowEvents(flowId: string, seen: Set<string>): Set<string> {
    const events = new Set<string>();
    if (seen.has(flowId)) return events;
    seen.add(flowId);
    const visit = (definition: FlowMachineDefinition) => {
      for (const type of definition.events) events.add(type);
      for (const body of Object.values(definition.bodies)) visit(body);
      for (const sub of definition.subflows) for (const type of this.flowEvents(sub, seen)) events.add(type);
    };
    const definition = this.definitions.flows.get(flowId);
    if (definition) visit(definition);
    return events;
  }

  private nextId(prefix: string): string {
    return `${prefix}-${++this.counter}`;
  }

  private assertRunning(): void {
    if (this.stopped) throw new RuntimeCoreError('RUNTIME_STOPPED', 'The runtime was stopped; create a new ReactiveSystemRuntime');
  }
}
