/**
 * The compiled form of flows and processes. The types are defined in machines/definition.ts (machines/ builds
 * from them and must not import compiler/); they are re-exported here for the compiler's modules and callers.
 */
export type {
  FlowMachineDefinition,
  InvokeConfig,
  Json,
  MachineConfig,
  MapperRef,
  NamedRef,
  ProcessMachineDefinition,
  StateConfig,
  TransitionConfig,
  TransitionsConfig,
} from '../machines/definition.js';

/** Actor name of the single-step machine that runs a task with its retry and timeout policy. */
export const taskMachineName = (taskId: string): string => `task:${taskId}`;
/** Actor name of a flow's machine when another flow invokes it. */
export const flowMachineName = (flowId: string): string => `flow:${flowId}`;
