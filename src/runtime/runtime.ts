import { randomUUID } from 'node:crypto';
import type { AnyStateMachine, Actor, StateValue } from 'xstate';
import { MachineCatalog } from '../../compiler/catalog.js';
import { compileFlowDefinition } from '../../compiler/flow.js';
import { compileSystemDefinitions, compileTaskDefinition, type SystemMachineDefinitions } from '../../compiler/system.js';
import type { FlowMachineDefinition } from '../../compiler/types.js';
import type { MachineEnvironment, TaskAttemptRequest } from '../../machines/environment.js';
import { failedFlowResult, type FlowContext, type FlowExecutionResult } from '../../machines/flow-state.js';
import { toSerializedError } from '../failure.js';
import type { NormalizedSystem } from '../dsl/normalize.js';
import { parseDuration } from '../dsl/duration.js';
import { convertFlowToDsl, type RuntimeFlow } from '../dsl/programmatic-flow.js';
import type { FlowDefinition, SystemDefinition } from '../dsl/schema.js';
import { assertValidSystem } from '../dsl/validate.js';
import { isLegacySystem, logMigrationReport, migrateSystem } from '../dsl/migrate/index.js';
import { InputValidationError, MissingImplementationError, NotFoundError, PersistenceError, RuntimeCoreError, SystemValidationError, type SerializedError } from '../errors.js';
import { machineHash } from '../persistence/machine-hash.js';
import type { HistoryEntry, InstanceKind, InstancePage, InstanceRecord, InstanceSummary, ListInstancesQuery, NewHistoryEntry } from '../persistence/store.js';
import { DurableInstances, type RecoveryReport, type SnapshotTransform } from './durable-instances.js';
import type { Durability, DurableInstance } from './durability.js';
import { LiveInstances } from './live-instances.js';
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

/** A stored instance to continue from. */
interface Restore {
  record: InstanceRecord;
  snapshot: unknown;
  history: NewHistoryEntry[];
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
  /** With a store: resolves once the flow's latest state is stored (a crash after that does not lose it). At once without a store. */
  stored(): Promise<void>;
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
  private readonly flowEventSets = new Map<string, ReadonlySet<string>>();
  private counter = 0;
  private stopped = false;
  /** With a store: persistence of each instance, and what the runtime does with the store. */
  private readonly durability: Durability | undefined;
  private readonly durable: DurableInstances | undefined;
  private readonly live: LiveInstances;
  private recovery: Promise<RecoveryReport> | undefined;
  private recovered = false;
  private readonly hashes = new Map<string, string>();
  private readonly liveResults = new Map<string, Promise<FlowExecutionResult>>();
  private readonly terminations = new Map<string, string>();
  /** With a store: attempts of declared tasks that have no implementation yet wait for one, by task id. */
  private readonly awaitedImplementations = new Map<string, { registered: Promise<void>; resolve: () => void }>();

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
    if (this.options.store) {
      this.durable = new DurableInstances(this.options.store, this.internals());
      this.durability = this.durable.durability;
    }
    this.live = new LiveInstances(this.instances, { systemId: this.system.id, systemVersion: this.system.version, hashOf: (i) => this.hashOf(i.kind, i.definitionId) }, (id, reason) => void this.terminations.set(id, reason));
    this.catalog = new MachineCatalog(this.environment(), this.definitions);
    // Built now, not lazily: an event emitted from inside a machine must not build another one mid-action.
    this.catalog.buildAll();
    for (const [flowId, flow] of Object.entries(this.flows)) this.events.setTriggers(flowId, flow);
    for (const definition of this.definitions.processes.values()) for (const type of definition.events) this.events.addProcessListener(type);
    // With a store, default instances may already exist there: `start()` recovers them first.
    if (!this.durable) for (const processId of this.definitions.processes.keys()) this.startProcess(processId, processId, undefined);
  }

  // ─── durability ─────────────────────────────────────────────────────────────

  /**
   * With a store: creates its schema, brings back every unfinished instance (a running task attempt runs again
   * with the same idempotency key; timers resume with the time that remained) and creates the default process
   * instances that are not stored yet. Register task implementations first: recovered tasks run at once.
   * Without a store it does nothing. Idempotent: every call returns the same report.
   */
  start(): Promise<RecoveryReport> {
    if (!this.durable) return Promise.resolve({ recovered: [], upgraded: [], needsMigration: [], unreadable: [], removed: 0 });
    this.recovery ??= this.durable.recover().then((report) => {
      this.recovered = true;
      return report;
    });
    return this.recovery;
  }

  /** What happened to an instance, in order: events received, steps started, retried, completed, failed, timers fired. Needs a store. */
  getHistory(instanceId: string, options?: { afterSeq?: number; limit?: number }): Promise<HistoryEntry[]> {
    return this.requireStore('getHistory').history(instanceId, options);
  }

  /** Pages through instances, newest first. Without a store, lists the instances running in memory. */
  async listInstances(query: ListInstancesQuery = {}): Promise<InstancePage> {
    return this.durable ? this.durable.list(query) : this.live.list(query);
  }

  /** One instance's status, versions and times. */
  async getInstance(instanceId: string): Promise<InstanceSummary> {
    return this.durable ? this.durable.get(instanceId) : this.live.get(instanceId);
  }

  /** Resolves with a flow instance's result when it ends, including one recovered after a restart. */
  flowResult(instanceId: string): Promise<FlowExecutionResult> {
    const live = this.liveResults.get(instanceId);
    if (live) return live;
    if (this.durable) return this.durable.result(instanceId);
    return Promise.reject(new NotFoundError('instance', instanceId, [...this.liveResults.keys()], 'among running flows'));
  }

  /** Cancels an instance: a flow runs its way to `cancelled`; a process stops. Running tasks see their AbortSignal fire. */
  cancel(instanceId: string, reason = 'Cancelled'): Promise<void> {
    return this.endInstance(instanceId, 'cancelled', reason);
  }

  /** Ends an instance at once, for good, recording `reason`. Running tasks see their AbortSignal fire. */
  terminate(instanceId: string, reason: string): Promise<void> {
    return this.endInstance(instanceId, 'terminated', reason);
  }

  /**
   * Moves on an instance marked needs-migration: `transform` gets its stored snapshot and returns one the current
   * machine accepts (checked), and the instance runs again from there.
   */
  migrateInstance(instanceId: string, transform: SnapshotTransform): Promise<void> {
    return this.requireStore('migrateInstance').migrate(instanceId, transform);
  }

  /** Removes finished instances older than `olderThan` (default: the `retention` option); returns how many. */
  purgeFinished(olderThan?: string | number): Promise<number> {
    const durable = this.requireStore('purgeFinished');
    const ms = olderThan === undefined ? this.options.retentionMs : parseDuration(olderThan, 'olderThan');
    if (ms === undefined) return Promise.reject(new TypeError('purgeFinished(olderThan) needs a duration when the runtime has no retention option'));
    return durable.purge(ms);
  }

  /**
   * With a store: resolves once the latest state of `instanceId` (of every instance, without an id) is stored;
   * `startFlow`, `createProcess` and `sendEvent` return before their write. Stays pending while the store is unavailable.
   */
  async whenStored(instanceId?: string): Promise<void> {
    if (!this.durability) return;
    await (instanceId === undefined ? this.durability.whenAllDurable() : this.durability.whenDurable(instanceId));
  }

  /** Waits for pending writes, stops every instance (they stay stored as they were) and closes the store. */
  async close(): Promise<void> {
    await this.durability?.drain();
    this.stop();
    await this.options.store?.close();
  }

  // ─── tasks ──────────────────────────────────────────────────────────────────

  /** Registers the function that runs a task; it is called with the task's input alone. */
  registerTaskImplementation(taskId: string, implementation: TaskImplementation): void {
    this.tasks.register(taskId, implementation);
    this.awaitedImplementations.get(taskId)?.resolve();
    this.awaitedImplementations.delete(taskId);
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
    this.hashes.clear();
    this.flowEventSets.clear();
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
    const listens = this.flowListens(flowId);
    const { instance, result } = this.run(flowId, options.instanceId ?? this.nextId(flowId), machine, input, listens);
    return {
      instanceId: instance.instanceId,
      flowId,
      actor: instance.actor,
      result: () => result,
      cancel: () => instance.actor.send({ type: 'flow.cancel' }),
      stored: () => this.whenStored(instance.instanceId),
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
    const target = this.targetOf(payload);
    this.assertWritable(type, target);
    this.events.dispatch(type, payload, target, source);
  }

  /** Stops every instance; running tasks see their AbortSignal fire. */
  stop(): void {
    this.stopped = true;
    // Stopping is not an ending: the store keeps each instance where it was, for the next runtime to recover.
    this.durability?.detachAll();
    this.events.stop();
    this.instances.stopAll();
  }

  // ─── internals ──────────────────────────────────────────────────────────────

  private environment(): MachineEnvironment {
    const run = createTaskRunner({
      definition: (taskId) => this.tasks.definition(taskId),
      implementation: (taskId) => this.tasks.implementation(taskId),
      implementedTasks: () => this.tasks.implemented(),
      dispatch: (type, payload) => this.sendEvent(type, payload),
      lifecycle: (type, payload) => this.events.lifecycle(type, payload),
    });
    const durability = this.durability;
    // Write-ahead: an attempt starts only once the snapshot that started it is stored.
    const runTask: MachineEnvironment['runTask'] = durability
      ? async (request) => {
          await durability.whenDurable(request.instanceId);
          if (!this.tasks.implementation(request.taskId) && this.tasks.definition(request.taskId)) await this.implementationOf(request);
          if (request.signal.aborted) throw { name: 'AbortError', message: 'The task attempt was stopped before it started' } satisfies SerializedError;
          return run(request);
        }
      : run;
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

  private run(definitionId: string, instanceId: string, machine: AnyStateMachine, input: unknown, listens: ReadonlySet<string>, restore?: Restore) {
    let resolve!: (result: FlowExecutionResult) => void;
    const result = new Promise<FlowExecutionResult>((r) => (resolve = r));
    const flowId = definitionId.startsWith('task:') ? undefined : definitionId;
    // executeTask's single-task instances answer one call: they are not persisted.
    const durable = flowId === undefined ? undefined : this.track('flow', flowId, instanceId, restore, { input });
    if (flowId !== undefined) this.liveResults.set(instanceId, result);
    const instance = this.instances.start({
      kind: 'flow',
      definitionId,
      instanceId,
      machine,
      input: { input, instanceId },
      listens,
      ...(restore ? { snapshot: restore.snapshot } : {}),
      ...(durable ? { durable } : {}),
      beforeStart: () => {
        if (flowId && !restore) this.events.lifecycle('flow.started', () => ({ flowId, instanceId }));
      },
      onSettled: (settled, outcome) => {
        const context = settled.actor.getSnapshot().context as FlowContext | undefined;
        const terminated = this.terminations.get(instanceId);
        this.terminations.delete(instanceId);
        const stopped: SerializedError = terminated === undefined ? { name: 'CancelledError', message: 'The flow was stopped' } : { name: 'TerminatedError', message: terminated };
        const flowResult =
          outcome.error !== undefined
            ? failedFlowResult(context, instanceId, toSerializedError(outcome.error))
            : ((outcome.output as FlowExecutionResult | undefined) ?? failedFlowResult(context, instanceId, stopped));
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
        this.liveResults.delete(instanceId);
        resolve(flowResult);
      },
    });
    return { instance, result };
  }

  private startProcess(processId: string, instanceId: string, context: Record<string, unknown> | undefined, restore?: Restore): Instance {
    const durable = this.track('process', processId, instanceId, restore, context === undefined ? {} : { context });
    return this.instances.start({
      kind: 'process',
      definitionId: processId,
      instanceId,
      machine: this.catalog.process(processId) as AnyStateMachine,
      input: { context },
      listens: this.processEvents(processId),
      ...(restore ? { snapshot: restore.snapshot } : {}),
      ...(durable ? { durable } : {}),
      onSettled: (instance, outcome) => {
        if (outcome.error !== undefined) this.options.logger.error(`Process instance "${instance.instanceId}" crashed`, { error: toSerializedError(outcome.error) });
      },
      keepWhenDone: true,
    });
  }

  /** Starts persisting an instance (a new one, or one restored from `restore.record`). */
  private track(kind: InstanceKind, definitionId: string, instanceId: string, restore: Restore | undefined, created: Record<string, unknown>): DurableInstance | undefined {
    if (!this.durability) return undefined;
    const now = this.options.clock.now();
    return this.durability.track({
      instanceId,
      kind,
      definitionId,
      machineHash: this.hashOf(kind, definitionId),
      version: restore?.record.version ?? 0,
      createdAt: restore?.record.createdAt ?? now,
      history: restore?.history ?? [{ at: now, type: 'instance.created', data: created }],
    });
  }

  /**
   * With a store, an attempt of a declared task with no implementation waits for one (as a durable engine's
   * activity waits for a worker) instead of failing the instance for good: a runtime started before its
   * implementations are registered, or without some of them, must not destroy what it recovered.
   */
  private implementationOf(request: TaskAttemptRequest): Promise<void> {
    const { taskId, instanceId, attempt, signal } = request;
    let awaited = this.awaitedImplementations.get(taskId);
    if (!awaited) {
      let resolve!: () => void;
      const registered = new Promise<void>((r) => (resolve = r));
      this.awaitedImplementations.set(taskId, (awaited = { registered, resolve }));
      this.options.logger.warn(`Task "${taskId}" has no implementation; its attempts wait until runtime.registerTaskImplementation("${taskId}", fn) is called`, { taskId });
    }
    this.events.lifecycle('task.waiting', () => ({ taskId, instanceId, stepId: request.stepId, attempt }));
    const { registered } = awaited;
    return new Promise<void>((resolve) => {
      const stop = () => resolve();
      signal.addEventListener('abort', stop, { once: true });
      void registered.then(() => {
        signal.removeEventListener('abort', stop);
        resolve();
      });
    });
  }

  private hashOf(kind: InstanceKind, definitionId: string): string {
    const key = `${kind}:${definitionId}`;
    let hash = this.hashes.get(key);
    if (hash === undefined) this.hashes.set(key, (hash = machineHash(this.definitions, kind, definitionId)));
    return hash;
  }

  private internals() {
    return {
      instances: this.instances,
      options: this.options,
      systemId: this.system.id,
      systemVersion: this.system.version,
      machineFor: (kind: InstanceKind, definitionId: string) => (kind === 'flow' ? this.catalog.flow(definitionId) : this.catalog.process(definitionId)),
      hashOf: (kind: InstanceKind, definitionId: string) => this.hashOf(kind, definitionId),
      restore: (record: InstanceRecord, snapshot: unknown, history: NewHistoryEntry[]): Instance => {
        const restore = { record, snapshot, history };
        if (record.kind === 'process') return this.startProcess(record.definitionId, record.instanceId, undefined, restore);
        const machine = this.catalog.flow(record.definitionId) as AnyStateMachine;
        return this.run(record.definitionId, record.instanceId, machine, undefined, this.flowListens(record.definitionId), restore).instance;
      },
      processIds: () => [...this.definitions.processes.keys()],
      startDefaultProcess: (processId: string) => void this.startProcess(processId, processId, undefined),
      lifecycle: (type: string, payload: () => Record<string, unknown>) => this.events.lifecycle(type, payload),
      noteTermination: (instanceId: string, reason: string) => void this.terminations.set(instanceId, reason),
    };
  }

  private async endInstance(instanceId: string, status: 'cancelled' | 'terminated', reason: string): Promise<void> {
    if (typeof reason !== 'string') throw new TypeError(`${status === 'cancelled' ? 'cancel' : 'terminate'}(instanceId, reason) expects a string reason`);
    if (this.durable) return this.durable.end(instanceId, status, reason);
    this.live.end(instanceId, status, reason);
  }

  private requireStore(method: string): DurableInstances {
    if (!this.durable) throw new PersistenceError('NO_STORE', `runtime.${method}() needs a store: new ReactiveSystemRuntime(system, { store: new SqliteStore('./runtime.db') })`);
    return this.durable;
  }

  private processInstance(processId: string, instanceId: string): Instance {
    if (this.durable && !this.recovered) throw new PersistenceError('NOT_STARTED', 'This runtime has a store: await runtime.start() first, so stored instances are recovered before anything runs');
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

  /** An event for an instance whose writes are failing is refused, so the caller knows it was not taken. */
  private assertWritable(type: string, target: Instance | undefined): void {
    if (!this.durability) return;
    const receivers = target ? [target] : this.instances.listening(type);
    for (const instance of receivers) {
      if (instance.durable?.unavailable) {
        throw new PersistenceError('STORE_UNAVAILABLE', `Event "${type}" was not delivered: instance "${instance.instanceId}" cannot be persisted right now (${this.options.store?.description ?? 'store'} is unavailable); send it again later`, { instanceId: instance.instanceId });
      }
    }
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

  /** One Set per flow, shared by all its instances (as for processes): computed once, not per started instance. */
  private flowListens(flowId: string): ReadonlySet<string> {
    let events = this.flowEventSets.get(flowId);
    if (!events) this.flowEventSets.set(flowId, (events = this.flowEvents(flowId, new Set())));
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

  /** With a store, ids must stay unique across restarts: a counter would start again at 1. */
  private nextId(prefix: string): string {
    return this.durability ? `${prefix}-${randomUUID()}` : `${prefix}-${++this.counter}`;
  }

  private assertRunning(): void {
    if (this.stopped) throw new RuntimeCoreError('RUNTIME_STOPPED', 'The runtime was stopped; create a new ReactiveSystemRuntime');
    if (this.durable && !this.recovered) {
      throw new PersistenceError('NOT_STARTED', 'This runtime has a store: await runtime.start() first, so stored instances are recovered before anything runs');
    }
  }
}
