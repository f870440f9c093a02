import type { AnyStateMachine, Actor } from 'xstate';
import { FLOW_CANCEL_EVENT } from '../../compiler/names.js';
import type { FlowExecutionResult } from '../../machines/flow-state.js';
import { InputValidationError, MissingImplementationError, NotFoundError, RuntimeCoreError } from '../errors.js';
import type { SerializedError } from '../failure.js';
import { failedFailure } from '../failure.js';
import type { FlowRunOptions } from './flow-variants.js';
import type { InstanceHost } from './host/instance-host.js';
import { checkJsonSchema } from './json-schemas.js';
import type { SystemModel } from './system-model.js';

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
  /** With a store: resolves once the flow's latest state is stored (a crash after that does not lose it). At once without a store. */
  stored(): Promise<void>;
}

/** How to start a flow: its instance id, and the original Runtime Core's run options (`continueOnError`, `taskExecutionOptions`). */
export interface StartFlowOptions extends FlowRunOptions {
  /** @default `<flowId>-<n>` (with a store, `<flowId>-<uuid>`) */
  instanceId?: string;
}

export interface CreateProcessOptions {
  /** @default `<processId>-<n>` (with a store, `<processId>-<uuid>`) */
  instanceId?: string;
  /** Merged over the process's default context. */
  context?: Record<string, unknown>;
}

/** Starts instances: checks what the caller asked for against the system, then hands the instance to the host. */
export class InstanceLauncher {
  private stopped = false;

  constructor(
    private readonly model: SystemModel,
    private readonly host: InstanceHost,
  ) {}

  startFlow(flowId: string, input?: unknown, options: StartFlowOptions = {}): FlowHandle {
    this.assertRunning();
    const flow = this.model.flow(flowId);
    if (!flow) throw new NotFoundError('flow', flowId, this.model.flowIds());
    if (flow.input) {
      const issues = checkJsonSchema(flow.input, input, 'input');
      if (issues.length) throw new InputValidationError(`Input of flow "${flowId}"`, issues);
    }
    // Run options select a variant of the flow, compiled once per distinct options; without them, the flow itself.
    const definitionId = options.continueOnError === undefined && options.taskExecutionOptions === undefined ? flowId : this.model.runId(flowId, options);
    const instanceId = options.instanceId ?? this.host.newInstanceId(flowId);
    const started = this.host.start({ kind: 'flow', definitionId, instanceId, input: { input, instanceId }, created: { input } });
    const host = this.host;
    const { actor } = started;
    return {
      instanceId,
      flowId,
      actor: actor as Actor<AnyStateMachine>,
      result: () => started.result as Promise<FlowExecutionResult>,
      cancel: () => (actor ? actor.send({ type: FLOW_CANCEL_EVENT }) : void host.end(instanceId, 'cancelled', 'Cancelled').catch(() => undefined)),
      stored: () => host.settled(instanceId),
    };
  }

  createProcess(processId: string, options: CreateProcessOptions = {}): string {
    this.assertRunning();
    if (!this.model.hasProcess(processId)) throw new NotFoundError('process', processId, this.model.processIds());
    const { context } = options;
    if (context !== undefined && (typeof context !== 'object' || context === null || Array.isArray(context))) {
      throw new InputValidationError(`Context of process "${processId}"`, [{ path: 'context', code: 'invalid_type', message: 'Expected an object' }]);
    }
    const instanceId = options.instanceId ?? this.host.newInstanceId(processId);
    // Without a context there is no input: the machine starts from its default context, and idle instances keep no object for it.
    this.host.start({ kind: 'process', definitionId: processId, instanceId, input: context === undefined ? undefined : { context }, created: context === undefined ? {} : { context } });
    return instanceId;
  }

  /**
   * Runs one task with its policy as a one-off instance. Its input is checked once, by the attempt; an input
   * the schema refuses is the caller's mistake, so it rejects rather than resolving a failure.
   */
  async executeTask(taskId: string, input?: unknown): Promise<TaskExecutionResult> {
    const { tasks } = this.model;
    const definition = tasks.definition(taskId);
    if (!definition) throw new NotFoundError('task', taskId, tasks.declaredIds());
    if (!tasks.implementation(taskId)) throw new MissingImplementationError(taskId, tasks.implemented());
    const instanceId = this.host.newInstanceId(taskId);
    const result = (await this.host.start({ kind: 'task', definitionId: taskId, instanceId, input: { input, instanceId }, created: {} }).result) as FlowExecutionResult;
    const step = result.steps[taskId];
    if (!result.success && step?.error?.code === 'INVALID_INPUT' && definition.input) {
      const issues = checkJsonSchema(definition.input, input, 'input');
      if (issues.length) throw new InputValidationError(`Input of task "${taskId}"`, issues);
    }
    const out: TaskExecutionResult = { success: result.success, attempts: step?.attempts ?? 0 };
    if (result.success) out.output = step?.output;
    else out.error = step?.error ?? result.error ?? failedFailure('The task failed');
    return out;
  }

  stop(): void {
    this.stopped = true;
  }

  private assertRunning(): void {
    if (this.stopped) throw new RuntimeCoreError('RUNTIME_STOPPED', 'The runtime was stopped; create a new ReactiveSystemRuntime');
    this.host.assertOpen();
  }
}
