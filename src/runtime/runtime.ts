import type { AnyStateMachine, Actor, StateValue } from 'xstate';
import type { FlowExecutionResult } from '../../machines/flow-state.js';
import type { NormalizedSystem } from '../dsl/normalize.js';
import { parseDuration } from '../dsl/duration.js';
import type { RuntimeFlow } from '../dsl/programmatic-flow.js';
import type { FlowDefinition, SystemDefinition } from '../dsl/schema.js';
import { assertValidSystem } from '../dsl/validate.js';
import { isLegacySystem, logMigrationReport, migrateSystem } from '../dsl/migrate/index.js';
import { NotFoundError, PersistenceError, UsageError } from '../errors.js';
import type { HistoryEntry, InstancePage, InstanceSummary, ListInstancesQuery } from '../persistence/store.js';
import type { EventHandler } from './event-handlers.js';
import { assembleRuntime } from './assemble.js';
import type { EventRouter } from './event-router.js';
import type { EventAddress, LocalInstances, InstanceHost, RecoveryReport, SnapshotTransform } from './host/instance-host.js';
import type { InstanceLauncher, CreateProcessOptions, FlowHandle, StartFlowOptions, TaskExecutionResult } from './launcher.js';
import { resolveRuntimeOptions, type ResolvedRuntimeOptions, type RuntimeOptions } from './options.js';
import type { SystemModel } from './system-model.js';
import type { TaskImplementation } from './task-runner.js';

export type { TaskExecutionResult, FlowHandle, StartFlowOptions, CreateProcessOptions } from './launcher.js';

/**
 * Runs a system: compiles its processes and flows into XState machines, creates a default instance of
 * every process, runs tasks, routes events and reports results. A facade: it validates and delegates to the
 * instance host (memory, or a snapshot store), the launcher and the event router.
 */
export class ReactiveSystemRuntime {
  readonly system: NormalizedSystem;
  private readonly options: ResolvedRuntimeOptions;
  private readonly model: SystemModel;
  private readonly host: InstanceHost;
  private readonly launcher: InstanceLauncher;
  private readonly events: EventRouter;

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
    ({ model: this.model, events: this.events, host: this.host, launcher: this.launcher } = assembleRuntime(this.system, this.options));
    // Without a store the default process instances exist at once; with one, `start()` recovers them first.
    if (!this.options.store) void this.host.open();
  }

  /** The system's `id`. */
  getSystemId(): string {
    return this.model.systemId;
  }

  /** The system's `version` ('1.0.0' when the document gives none). */
  getSystemVersion(): string {
    return this.model.systemVersion;
  }

  /** Whether the system declares the process. */
  hasProcess(processId: string): boolean {
    return this.model.hasProcess(processId);
  }

  // ─── where instances live ───────────────────────────────────────────────────

  /**
   * With a store: creates its schema, brings back every unfinished instance (a running task attempt runs again
   * with the same idempotency key; timers resume with the time that remained) and creates the default process
   * instances that are not stored yet. Register task implementations first: recovered tasks run at once.
   * Without a store it does nothing. Idempotent: every call returns the same report.
   */
  start(): Promise<RecoveryReport> {
    return this.host.open();
  }

  /** What happened to an instance, in order: events received, steps started, retried, completed, failed, timers fired. Needs a store. */
  getHistory(instanceId: string, options?: { afterSeq?: number; limit?: number }): Promise<HistoryEntry[]> {
    return this.host.history(instanceId, options);
  }

  /** Pages through instances, newest first. Without a store, lists the instances running in memory. */
  listInstances(query: ListInstancesQuery = {}): Promise<InstancePage> {
    return this.host.list(query);
  }

  /** One instance's status, versions and times. */
  getInstance(instanceId: string): Promise<InstanceSummary> {
    return this.host.get(instanceId);
  }

  /** Resolves with a flow instance's result when it ends, including one recovered after a restart. */
  flowResult(instanceId: string): Promise<FlowExecutionResult> {
    return this.host.result(instanceId);
  }

  /** Cancels an instance: a flow runs its way to `cancelled`; a process stops. Running tasks see their AbortSignal fire. */
  cancel(instanceId: string, reason = 'Cancelled'): Promise<void> {
    return this.end(instanceId, 'cancelled', reason);
  }

  /** Ends an instance at once, for good, recording `reason`. Running tasks see their AbortSignal fire. */
  terminate(instanceId: string, reason: string): Promise<void> {
    return this.end(instanceId, 'terminated', reason);
  }

  /**
   * Moves on an instance marked needs-migration: `transform` gets its stored snapshot and returns one the current
   * machine accepts (checked), and the instance runs again from there.
   */
  migrateInstance(instanceId: string, transform: SnapshotTransform): Promise<void> {
    return this.host.migrate(instanceId, transform);
  }

  /** Removes finished instances (without a store, their summaries) older than `olderThan` (default: the `retention` age); returns how many. */
  purgeFinished(olderThan?: string | number): Promise<number> {
    const ms = olderThan === undefined ? (this.options.store ? this.options.retentionMs : this.options.finished.ageMs) : parseDuration(olderThan, 'olderThan');
    if (ms === undefined) return Promise.reject(new UsageError('purgeFinished(olderThan) needs a duration when the runtime has no retention option'));
    return this.host.purgeFinished(this.options.clock.now() - ms);
  }

  /**
   * With a store: resolves once the latest state of `instanceId` (of every instance, without an id) is stored;
   * `startFlow`, `createProcess` and `sendEvent` return before their write. Stays pending while the store is unavailable.
   */
  whenStored(instanceId?: string): Promise<void> {
    return this.host.settled(instanceId);
  }

  /** Waits for pending writes, stops every instance (they stay stored as they were) and closes the store. */
  async close(): Promise<void> {
    await this.host.drain();
    this.stop();
    await this.host.close();
  }

  /** Stops every instance; running tasks see their AbortSignal fire. */
  stop(): void {
    this.launcher.stop();
    this.events.stop();
    this.host.stop();
  }

  // ─── tasks and flows ────────────────────────────────────────────────────────

  /** Registers the function that runs a task, called with its input alone. A system with tasks takes only those (`UNKNOWN_TASK`). */
  registerTaskImplementation(taskId: string, implementation: TaskImplementation): void {
    this.model.tasks.register(taskId, implementation);
  }

  /** Registers several implementations at once: all of them, or none when one is refused. */
  registerTaskImplementations(implementations: Record<string, TaskImplementation>): void {
    this.model.tasks.registerAll(implementations);
  }

  /** Whether the system has the task: it declares it, or (a system that declares no tasks) an implementation is registered. */
  hasTask(taskId: string): boolean {
    return this.model.tasks.has(taskId);
  }

  /**
   * Runs a task with its retry and timeout policy. Resolves `{ success, output | error, attempts }`;
   * rejects only for programmer errors: unknown task, no implementation, input that fails the schema.
   */
  executeTask(taskId: string, input?: unknown): Promise<TaskExecutionResult> {
    return this.launcher.executeTask(taskId, input);
  }

  /** Registers a flow built in code (FlowStepType steps, function conditions) or in DSL form. */
  registerFlow(flow: RuntimeFlow | (FlowDefinition & { id: string })): void {
    const { id, definition } = this.model.addFlow(flow);
    this.events.setTriggers(id, definition.trigger);
  }

  /** Starts a flow and returns its handle at once. */
  startFlow(flowId: string, input?: unknown, options: StartFlowOptions = {}): FlowHandle {
    return this.launcher.startFlow(flowId, input, options);
  }

  /**
   * Runs a flow to its end; `{ continueOnError, taskExecutionOptions: { timeout, maxRetries } }` apply to every step of
   * this run. Rejects only for programmer errors (unknown flow, invalid input or options).
   */
  async executeFlow(flowId: string, input?: unknown, options?: StartFlowOptions): Promise<FlowExecutionResult> {
    return this.launcher.startFlow(flowId, input, options).result();
  }

  // ─── processes and events ───────────────────────────────────────────────────

  /** Spawns another instance of a process. */
  createProcess(processId: string, options: CreateProcessOptions = {}): string {
    return this.launcher.createProcess(processId, options);
  }

  /** The state value of a process instance (its default instance unless `instanceId` is given). */
  getProcessState(processId: string, instanceId: string = processId): StateValue {
    return this.processSnapshot(processId, instanceId).value;
  }

  /** The context of a process instance. */
  getProcessContext(processId: string, instanceId: string = processId): Record<string, unknown> {
    return this.processSnapshot(processId, instanceId).context as Record<string, unknown>;
  }

  /** The XState actor of a process or flow instance running in this process. */
  getActor(instanceId: string): Actor<AnyStateMachine> {
    const local = this.localInstances('getActor');
    const actor = local.actor(instanceId);
    if (actor) return actor;
    if (local.finished(instanceId)) throw new PersistenceError('INSTANCE_FINISHED', `Instance "${instanceId}" finished and its actor was let go; read it with getInstance(), flowResult() or getProcessState()`, { instanceId });
    throw new NotFoundError('instance', instanceId, local.ids());
  }

  /** Calls `handler` for every event of `type` (`'*'` for all), lifecycle events included. Returns an unsubscribe function. */
  registerEventHandler(type: string, handler: EventHandler): () => void {
    return this.events.addHandler(type, handler);
  }

  /**
   * Sends an event: to its handlers; to one instance when `target` (or the payload, the original form) names
   * `instanceId` or the default instance of `processId`, else to every instance that listens for it; it wakes
   * flows waiting for it and starts flows it triggers. The payload is checked against the event's schema; the
   * target never is.
   */
  sendEvent(type: string, payload: Record<string, unknown> = {}, target?: EventAddress): void {
    this.events.send(type, payload, undefined, target);
  }

  // ─── internals ──────────────────────────────────────────────────────────────

  private end(instanceId: string, status: 'cancelled' | 'terminated', reason: string): Promise<void> {
    if (typeof reason !== 'string') throw new UsageError(`${status === 'cancelled' ? 'cancel' : 'terminate'}(instanceId, reason) expects a string reason`);
    return this.host.end(instanceId, status, reason);
  }

  /** A process instance's state and context: its actor's while it runs, its summary once it finished. */
  private processSnapshot(processId: string, instanceId: string): { value: StateValue; context: unknown } {
    this.host.assertOpen();
    const local = this.localInstances('getProcessState');
    if (!this.model.hasProcess(processId)) throw new NotFoundError('process', processId, this.model.processIds());
    const found = local.describe(instanceId);
    const actor = found?.kind === 'process' && found.definitionId === processId ? local.actor(instanceId) : undefined;
    if (actor) return actor.getSnapshot();
    const finished = local.finished(instanceId);
    if (finished?.kind === 'process' && finished.definitionId === processId) return { value: finished.value ?? {}, context: finished.context };
    const ids = local.ids('process').filter((id) => local.describe(id)?.definitionId === processId);
    throw new NotFoundError('instance', instanceId, ids, `of process "${processId}"`);
  }

  private localInstances(method: string): LocalInstances {
    if (!this.host.local) throw new PersistenceError('NO_STORE', `runtime.${method}() reads instances that run in this process; this runtime's instances live in ${this.host.description}`);
    return this.host.local;
  }
}
