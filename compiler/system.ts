import type { AnyStateMachine } from 'xstate';
import { detachedEnvironment, type MachineEnvironment } from '../machines/environment.js';
import { assertValidSystem } from '../src/dsl/validate.js';
import type { NormalizedSystem } from '../src/dsl/normalize.js';
import type { FlowDefinition, ProcessDefinition, TaskDefinition } from '../src/dsl/schema.js';
import { MachineCatalog } from './catalog.js';
import { compileFlowDefinition } from './flow.js';
import { assignListens } from './listens.js';
import { compileProcessDefinition } from './process.js';
import { taskMachineName } from './names.js';
import type { FlowMachineDefinition, ProcessMachineDefinition } from './types.js';

/** The JSON definitions of a system's machines. */
export interface SystemMachineDefinitions {
  flows: Map<string, FlowMachineDefinition>;
  /** One single-step machine per task: `executeTask` and process `invoke` run tasks through it. */
  tasks: Map<string, FlowMachineDefinition>;
  processes: Map<string, ProcessMachineDefinition>;
}

/** The machine that runs one task with its retry and timeout policy. */
export function compileTaskDefinition(taskId: string, tasks: Readonly<Record<string, TaskDefinition>>): FlowMachineDefinition {
  return compileFlowDefinition(taskId, { steps: [{ id: taskId, type: 'task', task: taskId }] }, { tasks, machineId: taskMachineName(taskId) });
}

/** Compiles flows that may invoke each other; each one's `listens` takes in its sub-flows once all are compiled. */
function compileFlowDefinitions(flows: Readonly<Record<string, FlowDefinition>>, tasks: Readonly<Record<string, TaskDefinition>>): Map<string, FlowMachineDefinition> {
  const definitions = new Map<string, FlowMachineDefinition>();
  for (const [id, flow] of Object.entries(flows)) definitions.set(id, compileFlowDefinition(id, flow, { tasks }));
  for (const definition of definitions.values()) assignListens(definition, definitions);
  return definitions;
}

/** Compiles every flow, task and process of a validated system into JSON machine definitions. */
export function compileSystemDefinitions(system: NormalizedSystem): SystemMachineDefinitions {
  const tasks = system.tasks ?? {};
  const definitions: SystemMachineDefinitions = { flows: compileFlowDefinitions(system.flows ?? {}, tasks), tasks: new Map(), processes: new Map() };
  for (const id of Object.keys(tasks)) definitions.tasks.set(id, compileTaskDefinition(id, tasks));
  for (const [id, process] of Object.entries(system.processes ?? {})) definitions.processes.set(id, compileProcessDefinition(id, process));
  return definitions;
}

export interface CompileOptions {
  /** What the machines call out to: the runtime supplies it. @default tasks fail with NO_IMPLEMENTATION */
  environment?: MachineEnvironment;
}

export interface CompiledSystem {
  flows: Record<string, AnyStateMachine>;
  processes: Record<string, AnyStateMachine>;
  /** Single-step machines that run each task with its policy. */
  tasks: Record<string, AnyStateMachine>;
}

/** Validates a system document and compiles each of its processes and flows into an XState machine. */
export function compileSystem(document: unknown, options: CompileOptions = {}): CompiledSystem {
  const system = assertValidSystem(document);
  const definitions = compileSystemDefinitions(system);
  const catalog = new MachineCatalog(options.environment ?? detachedEnvironment, definitions);
  const build = <T>(ids: Iterable<string>, get: (id: string) => T | undefined) =>
    Object.fromEntries([...ids].map((id) => [id, get(id) as T]));
  return {
    flows: build(definitions.flows.keys(), (id) => catalog.flow(id)),
    processes: build(definitions.processes.keys(), (id) => catalog.process(id)),
    tasks: build(definitions.tasks.keys(), (id) => catalog.task(id)),
  };
}

export interface CompileFlowOptions extends CompileOptions {
  /** @default 'flow' */
  flowId?: string;
  tasks?: Record<string, TaskDefinition>;
  /** Other flows this one invokes as sub-flows. */
  flows?: Record<string, FlowDefinition>;
}

/** Compiles one flow into an XState machine. */
export function compileFlow(flow: FlowDefinition, options: CompileFlowOptions = {}): AnyStateMachine {
  const flowId = options.flowId ?? 'flow';
  const tasks = options.tasks ?? {};
  const definitions: SystemMachineDefinitions = {
    flows: compileFlowDefinitions({ ...options.flows, [flowId]: flow }, tasks),
    tasks: new Map(),
    processes: new Map(),
  };
  const machine = new MachineCatalog(options.environment ?? detachedEnvironment, definitions).flow(flowId);
  return machine as AnyStateMachine;
}

/** Compiles one process into an XState machine. */
export function compileProcess(
  process: ProcessDefinition,
  options: CompileOptions & { processId?: string; tasks?: Record<string, TaskDefinition> } = {},
): AnyStateMachine {
  const processId = options.processId ?? 'process';
  const tasks = options.tasks ?? {};
  const definitions: SystemMachineDefinitions = { flows: new Map(), tasks: new Map(), processes: new Map() };
  for (const id of Object.keys(tasks)) definitions.tasks.set(id, compileTaskDefinition(id, tasks));
  definitions.processes.set(processId, compileProcessDefinition(processId, process));
  return new MachineCatalog(options.environment ?? detachedEnvironment, definitions).process(processId) as AnyStateMachine;
}
