import { setup, type AnyActorLogic, type AnyStateMachine } from 'xstate';
import { flowMachineName, TASK_ATTEMPT_ACTOR, taskMachineName, TIMER_ACTOR } from './actor-names.js';
import type { FlowMachineDefinition, MachineConfig, MapperRef, ProcessMachineDefinition, StateConfig } from './definition.js';
import { UsageError } from '../src/errors.js';
import type { MachineEnvironment } from './environment.js';
import { ExpressionCache } from './expression.js';
import { flowActions, flowGuards } from './flow-actions.js';
import { createMappers, type Mapper } from './mappers.js';
import { processActions, processGuards } from './process-actions.js';
import { MachineExpressions } from './scope.js';
import { createTaskAttemptLogic } from './task-attempt.js';
import { timerLogic } from './timer.js';

const isMapperRef = (value: unknown): value is MapperRef =>
  typeof value === 'object' && value !== null && typeof (value as MapperRef).$mapper === 'string';

function mapperFn(ref: MapperRef, mappers: Record<string, Mapper>): (args: never) => unknown {
  const mapper = mappers[ref.$mapper];
  if (!mapper) throw new UsageError(`The machine config names an unknown mapper "${ref.$mapper}"; known mappers: ${Object.keys(mappers).join(', ')}`);
  return mapper(ref.params ?? {}) as (args: never) => unknown;
}

/** Replaces `$mapper` references, the only functions XState needs inline, by the named mappers. */
function hydrateState(node: StateConfig, mappers: Record<string, Mapper>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...node };
  if (node.invoke) {
    out.invoke = node.invoke.map((inv) => (isMapperRef(inv.input) ? { ...inv, input: mapperFn(inv.input, mappers) } : inv));
  }
  if (node.states) {
    const states: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(node.states)) states[key] = hydrateState(child, mappers);
    out.states = states;
  }
  return out;
}

function hydrate(config: MachineConfig, mappers: Record<string, Mapper>): Record<string, unknown> {
  const out = hydrateState(config, mappers);
  out.context = mapperFn(config.context, mappers);
  if (config.output) out.output = mapperFn(config.output, mappers);
  return out;
}

/** Looks up the machine of a flow or task that another machine invokes by actor name. */
export type MachineResolver = (actorName: string) => AnyActorLogic;

/**
 * Builds an XState machine from a compiled flow definition: `setup()` supplies the named guards,
 * actions and actors, and the JSON config is used as it is (after `$mapper` references are resolved).
 */
export function createFlowMachine(definition: FlowMachineDefinition, env: MachineEnvironment, resolve: MachineResolver): AnyStateMachine {
  const expressions = new MachineExpressions(new ExpressionCache(), definition.functions);
  const actors: Record<string, AnyActorLogic> = { [TASK_ATTEMPT_ACTOR]: createTaskAttemptLogic(env), [TIMER_ACTOR]: timerLogic };
  for (const [name, body] of Object.entries(definition.bodies)) actors[name] = createFlowMachine(body, env, resolve);
  for (const flowId of definition.subflows) actors[flowMachineName(flowId)] = resolve(flowMachineName(flowId));
  const machine = setup({
    actors,
    guards: flowGuards(expressions) as never,
    actions: flowActions(env, expressions) as never,
  }).createMachine(hydrate(definition.config, createMappers(expressions)) as never);
  return machine as unknown as AnyStateMachine;
}

/** Builds an XState machine from a compiled process definition. */
export function createProcessMachine(definition: ProcessMachineDefinition, env: MachineEnvironment, resolve: MachineResolver): AnyStateMachine {
  const expressions = new MachineExpressions(new ExpressionCache(), definition.functions);
  const actors: Record<string, AnyActorLogic> = { [TIMER_ACTOR]: timerLogic };
  for (const taskId of definition.tasks) actors[taskMachineName(taskId)] = resolve(taskMachineName(taskId));
  const machine = setup({
    actors,
    guards: processGuards(env, expressions) as never,
    actions: processActions(env, expressions) as never,
  }).createMachine(hydrate(definition.config, createMappers(expressions)) as never);
  return machine as unknown as AnyStateMachine;
}
