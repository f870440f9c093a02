import type { AnyActorRef, AnyTransitionDefinition } from 'xstate';
import { compileFlowDefinition } from '../../compiler/flow.js';
import { compileProcessDefinition } from '../../compiler/process.js';
import { compileFlow, compileProcess } from '../../compiler/system.js';
import { detachedEnvironment } from '../../machines/environment.js';
import type { NormalizedSystem } from '../dsl/normalize.js';
import type { FlowStep } from '../dsl/schema.js';
import { NotFoundError } from '../errors.js';
import { UnsupportedTestTargetError } from './errors.js';
import { applyHints, eventHints } from './guard-analysis.js';
import { allTransitions, guardedContextFields, invokeOf } from './machine-transitions.js';
import type { ModelTarget, TaskOutcome } from './model-target-types.js';
import { distinct, enumVariants, sampleFromSchema } from './samples.js';

/** The input an actor was created with (XState keeps it in the actor's options). */
const inputOf = (ref: AnyActorRef): unknown => (ref as unknown as { options?: { input?: unknown } }).options?.input;
const timerDelay = (ref: AnyActorRef): number => Number((inputOf(ref) as { delayMs?: unknown } | undefined)?.delayMs) || 0;

const errorActorId = (transition: AnyTransitionDefinition): string | undefined =>
  transition.eventType.startsWith('xstate.error.actor.') ? transition.eventType.slice('xstate.error.actor.'.length) : undefined;

/**
 * The model target of a process: its machine, with invoked tasks as opaque children answering through
 * `onDone`. States differ by the context fields its guards read (all of it when one is code).
 */
export function processTarget(system: NormalizedSystem, processId: string, context: Record<string, unknown> | undefined): ModelTarget {
  const process = system.processes?.[processId];
  if (!process) throw new NotFoundError('process', processId, Object.keys(system.processes ?? {}));
  const machine = compileProcess(process, { processId, tasks: system.tasks ?? {} });
  const contextFields = guardedContextFields(allTransitions(machine));
  return {
    kind: 'process',
    id: processId,
    machine,
    actorInput: { context },
    taskIds: compileProcessDefinition(processId, process).tasks,
    contextFields,
    child: (ref) => {
      if (ref.src === 'timer') return { kind: 'timer', delayMs: timerDelay(ref) };
      if (typeof ref.src === 'string' && ref.src.startsWith('task:')) {
        const taskId = ref.src.slice('task:'.length);
        return { kind: 'task', taskId, stepId: taskId, opaque: true };
      }
      return undefined;
    },
    outcomeEvent: (actorId, task, outcome) => ({ type: `xstate.done.actor.${actorId}`, output: taskMachineResult(task.taskId, outcome) }),
    scope: (ctx) => ({ context: ctx }),
    unreachable: (transition) => errorActorId(transition) !== undefined,
  };
}

/** What a task's single-step machine outputs, as a process's `onDone` reads it. */
function taskMachineResult(taskId: string, outcome: TaskOutcome) {
  if ('output' in outcome) {
    return { success: true, output: outcome.output, steps: { [taskId]: { status: 'completed', output: outcome.output, attempts: 1 } }, instanceId: taskId };
  }
  const error = { ...outcome.error, nonRetryable: true, step: taskId };
  return { success: false, output: undefined, steps: { [taskId]: { status: 'failed', error, attempts: 1 } }, error, instanceId: taskId };
}

/** Step types whose insides a generated test cannot drive: the child machines they run. */
function undrivableSteps(steps: readonly FlowStep[] | undefined, path: string): string[] {
  return (steps ?? []).flatMap((step, i) => {
    const here = `${path}[${i}]`;
    const own = step.type === 'forEach' || step.type === 'flow' ? [`${here} (${step.id}: ${step.type})`] : [];
    const inner =
      step.type === 'parallel'
        ? step.branches.flatMap((branch, b) => undrivableSteps(branch, `${here}.branches[${b}]`))
        : step.type === 'condition'
          ? [...undrivableSteps(step.then, `${here}.then`), ...undrivableSteps(step.else, `${here}.else`)]
          : [];
    return [...own, ...inner, ...undrivableSteps(step.catch, `${here}.catch`)];
  });
}

/** The `if` expressions of a flow's condition steps, nested ones included. */
function conditionsOf(steps: readonly FlowStep[] | undefined): string[] {
  return (steps ?? []).flatMap((step) => [
    ...(step.type === 'condition' && typeof step.if === 'string' ? [step.if] : []),
    ...(step.type === 'condition' ? [...conditionsOf(step.then), ...conditionsOf(step.else)] : []),
    ...(step.type === 'parallel' ? step.branches.flatMap((branch) => conditionsOf(branch)) : []),
    ...conditionsOf(step.catch),
  ]);
}

/**
 * Inputs to start a flow with: a sample of its input schema (and of its trigger event's payload), the
 * variants its enums give, and one per way to satisfy each condition step through the input
 * (`input.level >= 2` → `level: 2`), so both branches of a condition on the input are reached.
 */
export function flowInputs(system: NormalizedSystem, flowId: string): unknown[] {
  const flow = system.flows?.[flowId];
  if (!flow) throw new NotFoundError('flow', flowId, Object.keys(system.flows ?? {}));
  const triggerType = Array.isArray(flow.trigger) ? flow.trigger[0] : flow.trigger;
  const trigger = triggerType === undefined ? undefined : system.events?.[triggerType]?.payload;
  const base = mergeSamples(sampleFromSchema(flow.input), sampleFromSchema(trigger));
  const fromConditions = conditionsOf(flow.steps).flatMap((condition) => eventHints(condition, 'input').map((hints) => applyHints(base, hints)));
  return distinct([base, ...enumVariants(flow.input, base), ...enumVariants(trigger, base), ...fromConditions]);
}

/** The model target of a flow started with `input`: each task attempt is a child the test answers; its timeout and backoff are timers. */
export function flowTarget(system: NormalizedSystem, flowId: string, input: unknown): ModelTarget {
  const flow = system.flows?.[flowId];
  if (!flow) throw new NotFoundError('flow', flowId, Object.keys(system.flows ?? {}));
  const undrivable = undrivableSteps(flow.steps, `flows.${flowId}.steps`);
  if (undrivable.length) {
    throw new UnsupportedTestTargetError(`Generated tests cannot drive forEach and sub-flow steps (their child machines) yet; flow "${flowId}" has ${undrivable.join(', ')}`);
  }
  // Jitter as the test runtime has it (random = 1), so backoff delays in the model are the runtime's.
  const machine = compileFlow(flow, { flowId, tasks: system.tasks ?? {}, environment: { ...detachedEnvironment, random: () => 1 } });
  const flowInput = input;
  return {
    kind: 'flow',
    id: flowId,
    machine,
    actorInput: { input: flowInput, instanceId: `${flowId}:test` },
    flowInput,
    taskIds: compileFlowDefinition(flowId, flow, { tasks: system.tasks ?? {} }).tasks,
    contextFields: undefined,
    child: (ref) => {
      if (ref.src === 'timer') return { kind: 'timer', delayMs: timerDelay(ref) };
      if (ref.src === 'taskAttempt') {
        const attempt = inputOf(ref) as { taskId?: unknown; stepId?: unknown } | undefined;
        return { kind: 'task', taskId: String(attempt?.taskId), stepId: String(attempt?.stepId), opaque: false };
      }
      return undefined;
    },
    outcomeEvent: (actorId, _task, outcome) =>
      'output' in outcome ? { type: `xstate.done.actor.${actorId}`, output: outcome.output } : { type: `xstate.error.actor.${actorId}`, error: { ...outcome.error } },
    scope: (ctx) => {
      const c = (ctx ?? {}) as { input?: unknown; steps?: unknown };
      return { input: c.input, steps: c.steps, context: ctx };
    },
    unreachable: (transition) => {
      const actorId = errorActorId(transition);
      return actorId !== undefined && invokeOf(transition.source, actorId)?.src !== 'taskAttempt';
    },
  };
}

/** A flow input sample: the trigger event's payload sample, with what the flow's own input schema adds. */
function mergeSamples(fromInput: unknown, fromTrigger: unknown): unknown {
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObject(fromInput) || !isObject(fromTrigger)) return isObject(fromTrigger) && Object.keys(fromTrigger).length ? fromTrigger : fromInput;
  return { ...fromInput, ...fromTrigger };
}
