import type { AnyStateMachine } from 'xstate';
import { createFlowMachine, createProcessMachine } from '../machines/build.js';
import type { MachineEnvironment } from '../machines/environment.js';
import { NotFoundError } from '../src/errors.js';
import { flowMachineName, processMachineName, taskMachineName } from './names.js';
import type { FlowMachineDefinition, ProcessMachineDefinition } from './types.js';

/**
 * The machines of one system, built from their definitions on first use and kept. Flows that invoke
 * other flows, and processes that invoke tasks, find those machines here by actor name.
 */
export class MachineCatalog {
  private readonly built = new Map<string, AnyStateMachine>();

  constructor(
    private readonly environment: MachineEnvironment,
    private readonly definitions: {
      flows: Map<string, FlowMachineDefinition>;
      tasks: Map<string, FlowMachineDefinition>;
      processes: Map<string, ProcessMachineDefinition>;
    },
  ) {}

  flow(flowId: string): AnyStateMachine | undefined {
    return this.get(flowMachineName(flowId));
  }

  task(taskId: string): AnyStateMachine | undefined {
    return this.get(taskMachineName(taskId));
  }

  process(processId: string): AnyStateMachine | undefined {
    return this.get(processMachineName(processId));
  }

  /** Builds every machine now. */
  buildAll(): void {
    for (const id of this.definitions.flows.keys()) this.flow(id);
    for (const id of this.definitions.tasks.keys()) this.task(id);
    for (const id of this.definitions.processes.keys()) this.process(id);
  }

  /** Adds (or replaces) a flow; machines already built that invoke it keep the old one. */
  setFlow(flowId: string, definition: FlowMachineDefinition): void {
    this.definitions.flows.set(flowId, definition);
    this.built.delete(flowMachineName(flowId));
  }

  /** Adds (or replaces) the single-step machine of a task (one that is implemented but not declared). */
  setTask(taskId: string, definition: FlowMachineDefinition): void {
    this.definitions.tasks.set(taskId, definition);
    this.built.delete(`task:${taskId}`);
  }

  private get(name: string): AnyStateMachine | undefined {
    const cached = this.built.get(name);
    if (cached) return cached;
    const [kind, id = ''] = splitName(name);
    const resolve = (actor: string) => {
      const machine = this.get(actor);
      if (!machine) throw this.notInSystem(actor, name);
      return machine;
    };
    let machine: AnyStateMachine | undefined;
    if (kind === 'process') {
      const definition = this.definitions.processes.get(id);
      machine = definition && createProcessMachine(definition, this.environment, resolve);
    } else {
      const definition = (kind === 'task' ? this.definitions.tasks : this.definitions.flows).get(id);
      machine = definition && createFlowMachine(definition, this.environment, resolve);
    }
    if (machine) this.built.set(name, machine);
    return machine;
  }

  /** `actor`, invoked by machine `by`, names no flow, task or process of the system. */
  private notInSystem(actor: string, by: string): NotFoundError {
    const [kind, id = ''] = splitName(actor);
    const found = kind === 'task' ? 'task' : kind === 'process' ? 'process' : 'flow';
    const known = found === 'task' ? this.definitions.tasks : found === 'process' ? this.definitions.processes : this.definitions.flows;
    return new NotFoundError(found, id, [...known.keys()], `invoked by machine "${by}"`);
  }
}

function splitName(name: string): [string, string] {
  const at = name.indexOf(':');
  return [name.slice(0, at), name.slice(at + 1)];
}
