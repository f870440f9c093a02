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
/** Kept for existing importers: the names now live in names.ts. */
export { flowMachineName, taskMachineName } from './names.js';
