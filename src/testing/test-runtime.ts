import type { Actor, AnyActorRef, AnyStateMachine, InspectionEvent, SimulatedClock, StateValue } from 'xstate';
import type { FlowExecutionResult } from '../../machines/flow-state.js';
import type { Duration, SystemDefinition } from '../dsl/schema.js';
import { NotFoundError } from '../errors.js';
import type { EventAddress } from '../runtime/host/instance-host.js';
import type { RuntimeLogger, RuntimeOptions } from '../runtime/options.js';
import {
  ReactiveSystemRuntime,
  type CreateProcessOptions,
  type FlowHandle,
  type StartFlowOptions,
  type TaskExecutionResult,
} from '../runtime/runtime.js';
import type { TaskImplementation } from '../runtime/task-runner.js';
import { TestClock } from './clock.js';
import { exampleImplementation } from './examples.js';
import { TaskCallRecorder, type TaskCall } from './task-calls.js';
import { stateText, TraceRecorder, type Trace } from './trace.js';

export interface TestRuntimeOptions {
  /** Task implementations, registered (and recorded: see `calls`) before anything runs. @default none */
  tasks?: Record<string, TaskImplementation>;
  /** The simulated clock, if the test wants to share one. @default a new clock at 0 */
  clock?: SimulatedClock | TestClock;
  /** Stub every task that has `examples` with them (as `useExamples()`), before `tasks` are registered. @default false */
  useExamples?: boolean;
  /** @default records every message in `logs` and prints nothing */
  logger?: Partial<RuntimeLogger>;
  /** Randomness for backoff jitter. @default () => 1: a jittered delay is the full delay */
  random?: () => number;
  /** Also receives XState's inspection events, as the runtime's `inspect` option. @default none */
  inspect?: RuntimeOptions['inspect'];
}

/** A message the runtime logged. */
export interface LogEntry {
  level: keyof RuntimeLogger;
  message: string;
  meta?: Record<string, unknown>;
}

/** A process instance of a test runtime. */
export interface ProcessHandle {
  readonly processId: string;
  readonly instanceId: string;
  readonly actor: Actor<AnyStateMachine>;
  /** Its transitions since it started. */
  readonly trace: Trace;
  readonly value: StateValue;
  /** Its active leaf states, joined by `, `: `'active.work.open, active.sla.running'`. */
  readonly state: string;
  readonly context: Record<string, unknown>;
  /** Sends an event to this instance (`sendEvent(type, payload, { instanceId })`). */
  send(type: string, payload?: Record<string, unknown>): void;
}

/** A running flow of a test runtime. */
export interface TestFlowHandle extends FlowHandle {
  /** Its transitions since it started. */
  readonly trace: Trace;
}

/**
 * A runtime for tests: a `ReactiveSystemRuntime` on a simulated clock, with every instance's transitions
 * recorded, task calls recorded, and stubs from task examples.
 */
export class TestRuntime {
  readonly runtime: ReactiveSystemRuntime;
  readonly clock: TestClock;
  /** What the runtime logged, in order. */
  readonly logs: LogEntry[] = [];
  private readonly recorder: TaskCallRecorder;
  private readonly traces = new Map<string, TraceRecorder>();
  private readonly bySession = new Map<string, TraceRecorder>();

  constructor(system: SystemDefinition, options: TestRuntimeOptions = {}) {
    this.clock = options.clock instanceof TestClock ? options.clock : new TestClock(options.clock);
    this.recorder = new TaskCallRecorder(() => this.clock.now());
    const log = (level: keyof RuntimeLogger) => (message: string, meta?: Record<string, unknown>) => {
      this.logs.push(meta === undefined ? { level, message } : { level, message, meta });
      options.logger?.[level]?.(message, meta);
    };
    const user = options.inspect;
    this.runtime = new ReactiveSystemRuntime(system, {
      clock: this.clock.clock,
      random: options.random ?? (() => 1),
      logger: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
      inspect: (event: InspectionEvent) => {
        this.inspect(event);
        if (typeof user === 'function') user(event);
        else user?.next?.(event);
      },
    });
    if (options.useExamples) this.useExamples();
    if (options.tasks) this.registerTaskImplementations(options.tasks);
  }

  // ─── time ───────────────────────────────────────────────────────────────────

  /** Simulated milliseconds since the clock started. */
  now(): number {
    return this.clock.now();
  }

  /** Moves time forward, firing each timer due on the way in order and settling promises between them. */
  advance(duration: Duration): Promise<void> {
    return this.clock.advance(duration);
  }

  /** Moves time forward to the absolute simulated time `time` (milliseconds), as `advance` does. */
  advanceTo(time: number): Promise<void> {
    return this.clock.advanceTo(time);
  }

  /** Lets pending promises (task implementations, emitted events) settle, without moving time. */
  settle(): Promise<void> {
    return this.clock.settle();
  }

  /** Runs the clock forward, timer by timer, until `promise` settles; rejects if it waits for something else. */
  waitFor<T>(promise: Promise<T>, options?: { within?: Duration }): Promise<T> {
    return this.clock.waitFor(promise, options);
  }

  // ─── instances ──────────────────────────────────────────────────────────────

  /** The transitions of an instance (by id, or a handle), since it started; the trace grows as it runs. */
  trace(instance: string | { instanceId: string }): Trace {
    const instanceId = typeof instance === 'string' ? instance : instance.instanceId;
    const trace = this.traces.get(instanceId);
    if (!trace) throw new NotFoundError('instance', instanceId, [...this.traces.keys()]);
    return trace;
  }

  /** A handle on a process instance: its default instance unless `instanceId` is given. */
  process(processId: string, instanceId: string = processId): ProcessHandle {
    this.runtime.getProcessState(processId, instanceId); // throws NotFoundError for an unknown process or instance
    const runtime = this.runtime;
    const actor = runtime.getActor(instanceId);
    const trace = this.trace(instanceId);
    return {
      processId,
      instanceId,
      actor,
      trace,
      get value() {
        return actor.getSnapshot().value as StateValue;
      },
      get state() {
        return stateText(actor.getSnapshot().value);
      },
      get context() {
        return actor.getSnapshot().context as Record<string, unknown>;
      },
      send: (type, payload = {}) => runtime.sendEvent(type, payload, { instanceId }),
    };
  }

  /** Spawns another instance of a process (as the runtime's `createProcess`) and returns a handle on it. */
  createProcess(processId: string, options?: CreateProcessOptions): ProcessHandle {
    return this.process(processId, this.runtime.createProcess(processId, options));
  }

  /** Starts a flow (as the runtime's `startFlow`); the handle also carries the flow's trace. */
  startFlow(flowId: string, input?: unknown, options?: StartFlowOptions): TestFlowHandle {
    const handle = this.runtime.startFlow(flowId, input, options);
    return { ...handle, trace: this.trace(handle.instanceId) };
  }

  /** Runs a flow to its end, moving the clock forward timer by timer; rejects if it waits for an event nobody sends. */
  executeFlow(flowId: string, input?: unknown, options?: StartFlowOptions): Promise<FlowExecutionResult> {
    return this.waitFor(this.runtime.executeFlow(flowId, input, options));
  }

  /** Runs a task with its retry and timeout policy, moving the clock forward through its backoff and timeouts. */
  executeTask(taskId: string, input?: unknown): Promise<TaskExecutionResult> {
    return this.waitFor(this.runtime.executeTask(taskId, input));
  }

  /** The runtime's `sendEvent`. */
  sendEvent(type: string, payload?: Record<string, unknown>, target?: EventAddress): void {
    this.runtime.sendEvent(type, payload, target);
  }

  // ─── tasks ──────────────────────────────────────────────────────────────────

  /** Registers an implementation whose calls are recorded (see `calls`). */
  registerTaskImplementation(taskId: string, implementation: TaskImplementation): void {
    this.runtime.registerTaskImplementation(taskId, this.recorder.wrap(taskId, implementation));
  }

  /** Registers several implementations, each recorded. */
  registerTaskImplementations(implementations: Record<string, TaskImplementation>): void {
    for (const [taskId, implementation] of Object.entries(implementations)) this.registerTaskImplementation(taskId, implementation);
  }

  /**
   * Stubs every task that has `examples` (or only `taskIds`) with them: an input deep-equal to an example's
   * answers with its output or fails with its error. Like any registration it replaces the one before.
   * Returns the ids of the tasks stubbed.
   */
  useExamples(taskIds?: readonly string[]): string[] {
    const tasks = this.runtime.system.tasks ?? {};
    for (const id of taskIds ?? []) if (!(id in tasks)) throw new NotFoundError('task', id, Object.keys(tasks));
    const stubbed: string[] = [];
    for (const [taskId, definition] of Object.entries(tasks)) {
      if (taskIds && !taskIds.includes(taskId)) continue;
      const stub = exampleImplementation(taskId, definition);
      if (!stub) continue;
      this.registerTaskImplementation(taskId, stub);
      stubbed.push(taskId);
    }
    return stubbed;
  }

  /** The inputs a task was called with, one per attempt, in call order. */
  calls(taskId: string): unknown[] {
    return this.recorder.of(taskId).map((call) => call.input);
  }

  /** Every recorded call (of one task, or of all): input, attempt, instance, time and outcome. */
  taskCalls(taskId?: string): TaskCall[] {
    return this.recorder.of(taskId);
  }

  /** Stops every instance. */
  stop(): void {
    this.runtime.stop();
  }

  // ─── internals ──────────────────────────────────────────────────────────────

  /** Routes inspection events of each instance's root actor to its trace. */
  private inspect(event: InspectionEvent): void {
    const actor = event.actorRef as AnyActorRef;
    if (actor.sessionId !== event.rootId) return;
    if (event.type === '@xstate.actor') {
      const trace = new TraceRecorder(actor.id, () => this.clock.now());
      this.traces.set(actor.id, trace);
      this.bySession.set(actor.sessionId, trace);
      return;
    }
    this.bySession.get(actor.sessionId)?.record(event);
  }
}

/**
 * A runtime for tests: `ReactiveSystemRuntime` on a simulated clock (`await t.advance('5m')`), recording
 * every instance's transitions (`t.trace(id)`) and task calls (`t.calls(taskId)`), with stubs from task
 * examples (`t.useExamples()`).
 */
export function createTestRuntime(system: SystemDefinition, options?: TestRuntimeOptions): TestRuntime {
  return new TestRuntime(system, options);
}
