import type { MachineEnvironment, TaskAttemptRequest } from '../../machines/environment.js';
import type { EventAddress } from './host/instance-host.js';
import type { RuntimeLogger } from './options.js';
import type { TaskRegistry } from './task-registry.js';
import { createTaskRunner } from './task-runner.js';

/** Where compiled machines send what they do: events, notices, log lines. */
export interface MachineOutlets {
  /** A task's `getTaskContext().emit`: like `runtime.sendEvent` (payload checked, addressing honoured). */
  send(type: string, payload: Record<string, unknown>, source?: string, target?: EventAddress): void;
  /** A process `emit` action: sent once the emitting transition is over. */
  emitLater(type: string, payload: Record<string, unknown>, source: string | undefined): void;
  lifecycle(type: string, payload: () => Record<string, unknown>): void;
  /** Whether anyone listens for a lifecycle notice of `type`. */
  wants(type: string): boolean;
}

export interface MachineEnvironmentParts {
  tasks: TaskRegistry;
  outlets: MachineOutlets;
  /** Runs before every attempt: the host's write-ahead. */
  gate: { beforeAttempt(request: TaskAttemptRequest): Promise<void> | undefined };
  /** The instance an event is being delivered to, for reports from guards. */
  current: () => { readonly instanceId: string } | undefined;
  logger: RuntimeLogger;
  random: () => number;
}

/** What the compiled machines of a runtime call out to: running a task attempt, emitting, logging. */
export function createMachineEnvironment(parts: MachineEnvironmentParts): MachineEnvironment {
  const { tasks, outlets, gate, logger } = parts;
  const run = createTaskRunner({
    definition: (taskId) => tasks.definition(taskId),
    implementation: (taskId) => tasks.implementation(taskId),
    implementedTasks: () => tasks.implemented(),
    dispatch: (type, payload, target) => outlets.send(type, payload, undefined, target),
    lifecycle: (type, payload) => outlets.lifecycle(type, payload),
    wants: (type) => outlets.wants(type),
  });
  return {
    runTask: (request) => {
      const waiting = gate.beforeAttempt(request);
      return waiting ? waiting.then(() => run(request)) : run(request);
    },
    emit: (type, payload, source) => (type.startsWith('task.') ? outlets.lifecycle(type, () => payload) : outlets.emitLater(type, payload, source)),
    log: (message, meta) => logger.info(typeof message === 'string' ? message : JSON.stringify(message), meta),
    reportError: (message, meta) => {
      const instanceId = meta.instanceId ?? parts.current()?.instanceId;
      const full = { ...meta, ...(instanceId === undefined ? {} : { instanceId }), message: instanceId === undefined ? message : `Process instance "${String(instanceId)}": ${message}` };
      logger.error(full.message, meta);
      outlets.lifecycle('process.error', () => full);
    },
    random: parts.random,
  };
}
