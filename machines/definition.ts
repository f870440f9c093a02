/**
 * The compiled form of flows and processes, the contract between compiler/ (which writes it) and machines/
 * (which builds XState machines from it): XState machine configs as JSON. They name their guards, actions and
 * actors (`setup()` supplies them, see build.ts); the few places XState wants a function (an invoke's `input`,
 * the root `context` and `output`) hold a `$mapper` reference instead. It lives here so that compiler/ imports
 * machines/ and never the other way round.
 */

/** JSON value. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** In place of a function: `{ $mapper: 'taskInput', params: {...} }`, resolved by name when the machine is built. */
export interface MapperRef {
  $mapper: string;
  params?: Record<string, Json>;
}

export interface NamedRef {
  type: string;
  params?: Record<string, Json>;
}

export interface TransitionConfig {
  target?: string;
  guard?: NamedRef;
  actions?: NamedRef[];
  reenter?: boolean;
  description?: string;
}

export type TransitionsConfig = string | TransitionConfig | TransitionConfig[];

export interface InvokeConfig {
  id: string;
  src: string;
  input?: MapperRef | Json;
  onDone?: TransitionsConfig;
  onError?: TransitionsConfig;
}

export interface StateConfig {
  id?: string;
  type?: 'atomic' | 'compound' | 'parallel' | 'final';
  description?: string;
  initial?: string;
  states?: Record<string, StateConfig>;
  on?: Record<string, TransitionsConfig>;
  always?: TransitionsConfig;
  invoke?: InvokeConfig[];
  entry?: NamedRef[];
  exit?: NamedRef[];
  onDone?: TransitionsConfig;
  meta?: Record<string, Json>;
}

export interface MachineConfig extends StateConfig {
  id: string;
  context: MapperRef;
  output?: MapperRef;
}

/** A compiled flow: its machine config plus the machines it spawns for forEach bodies. */
export interface FlowMachineDefinition {
  kind: 'flow';
  /** The flow id (for a forEach body: `<flowId>:<stepId>`). */
  id: string;
  config: MachineConfig;
  /** forEach bodies, by the actor name the config spawns them under. */
  bodies: Record<string, FlowMachineDefinition>;
  /** Flows this flow invokes as sub-flows (by flow id). */
  subflows: string[];
  /** Tasks it runs. */
  tasks: string[];
  /** Event types of its own event steps (not those of its bodies or sub-flows: see `listens`). */
  events: string[];
  /**
   * Every event type that moves an instance: its own event steps, those of its forEach bodies and those of the
   * flows it invokes as sub-flows, transitively. The runtime routes events by it; it does not walk definitions.
   */
  listens: string[];
  /** Functions standing in for expressions in code-built flows (`{ fn: name }` in params); not JSON. */
  functions?: Record<string, (...args: never[]) => unknown>;
}

export interface ProcessMachineDefinition {
  kind: 'process';
  id: string;
  config: MachineConfig;
  /** Tasks its states invoke (each runs as the single-step task machine `task:<id>`, see `taskMachineName`). */
  tasks: string[];
  /** Event types its transitions listen to. */
  events: string[];
  /** The same event types as `events`: the field the runtime reads for flows and processes alike. */
  listens: string[];
  /** Functions standing in for expressions in code-built processes; not JSON. */
  functions?: Record<string, (...args: never[]) => unknown>;
}
