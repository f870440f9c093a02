import type { FlowDefinition, FlowStep, StepType, TaskDefinition } from '../src/dsl/schema.js';
import { withCatch } from './failure.js';
import { expressionRef, stepStateId, type FlowCompileContext, type StepCompiler, type StepPlace } from './flow-context.js';
import { compileConditionStep } from './steps/condition.js';
import { compileEventStep } from './steps/event.js';
import { compileForEachStep } from './steps/for-each.js';
import { compileParallelStep } from './steps/parallel.js';
import { compileSubFlowStep } from './steps/sub-flow.js';
import { compileTaskStep } from './steps/task.js';
import { compileWaitStep } from './steps/wait.js';
import { flowListens } from './listens.js';
import { FLOW_CANCEL_EVENT, FLOW_STATES } from './names.js';
import type { FlowMachineDefinition, Json, MachineConfig, StateConfig } from './types.js';

type StepCompilers = { [K in StepType]: StepCompiler<Extract<FlowStep, { type: K }>> };

/** One compiler per step type; a new type without one is a type error. */
const stepCompilers: StepCompilers = {
  task: compileTaskStep,
  condition: compileConditionStep,
  parallel: compileParallelStep,
  wait: compileWaitStep,
  event: compileEventStep,
  forEach: compileForEachStep,
  flow: compileSubFlowStep,
};

function compileStep(step: FlowStep, place: StepPlace, cx: FlowCompileContext): StateConfig {
  const compile = stepCompilers[step.type] as StepCompiler<FlowStep>;
  const run = { id: stepStateId(cx, step.id), ...compile(step, place, cx) };
  return withCatch(step, run, place, cx);
}

/**
 * A sequence of steps becomes one compound state: a child state per step, in order, then a final
 * `$done` state with the (dot-free) id `doneId`, so its parent's `onDone` follows the sequence.
 */
export function compileSequence(steps: FlowStep[], doneId: string, cx: FlowCompileContext): StateConfig {
  const states: Record<string, StateConfig> = {};
  steps.forEach((step, i) => {
    const following = steps[i + 1];
    const next = following ? `#${stepStateId(cx, following.id)}` : `#${doneId}`;
    states[step.id] = compileStep(step, { next }, cx);
  });
  states.$done = { id: doneId, type: 'final' };
  return { initial: steps[0]?.id ?? '$done', states };
}

export interface CompileFlowOptions {
  /** Tasks of the system, for their retry and timeout policies. */
  tasks?: Readonly<Record<string, TaskDefinition>>;
  /** Machine id. @default the flow id */
  machineId?: string;
  /**
   * The already compiled flows of the system, by flow id: the sub-flows this flow invokes are looked up here to
   * fill its `listens` (their event types, transitively). A sub-flow not found adds nothing, so compile the flows
   * it invokes first, or set `listens` again once all are compiled (`compileSystemDefinitions` does).
   * @default no flows: `listens` holds the event types of this flow and its forEach bodies only
   */
  flows?: ReadonlyMap<string, FlowMachineDefinition>;
}

/**
 * Compiles a flow into its machine definition: a JSON machine config whose root is
 * `running` (the steps) → `succeeded` | `failed` | `cancelled`, and whose output is the flow result.
 */
export function compileFlowDefinition(flowId: string, flow: FlowDefinition, options: CompileFlowOptions = {}): FlowMachineDefinition {
  const machineId = options.machineId ?? flowId;
  const tasks = options.tasks ?? {};
  const cx: FlowCompileContext = {
    machineId,
    flowId,
    tasks,
    onError: flow.onError ?? 'fail',
    bodies: {},
    subflows: new Set(),
    taskIds: new Set(),
    events: new Set(),
    functions: {},
    propagate: (origin, actions) => ({ target: `#${machineId}.${FLOW_STATES.failed}`, actions: [...actions, { type: 'flowFailed', params: { step: origin } }] }),
    compileSequence,
    compileBody: (stepId, steps) =>
      compileFlowDefinition(
        `${flowId}:${stepId}`,
        { steps, onError: flow.onError ?? 'fail' },
        { tasks, machineId: `${machineId}:${stepId}`, ...(options.flows ? { flows: options.flows } : {}) },
      ),
  };
  const running = compileSequence(flow.steps, `${machineId}:$done`, cx);
  const outputParams: Record<string, Json> = { flowId, steps: flow.steps.map((s) => s.id) };
  if (flow.output !== undefined) outputParams.output = expressionRef(cx, flow.output);
  const config: MachineConfig = {
    id: machineId,
    context: { $mapper: 'flowContext', params: { flowId } },
    initial: FLOW_STATES.running,
    states: {
      [FLOW_STATES.running]: { ...running, onDone: { target: FLOW_STATES.succeeded } },
      [FLOW_STATES.succeeded]: { type: 'final' },
      [FLOW_STATES.failed]: { type: 'final' },
      [FLOW_STATES.cancelled]: { type: 'final' },
    },
    on: { [FLOW_CANCEL_EVENT]: { target: `.${FLOW_STATES.cancelled}`, actions: [{ type: 'flowCancelled' }] } },
    output: { $mapper: 'flowResult', params: outputParams },
  };
  const definition: FlowMachineDefinition = {
    kind: 'flow',
    id: flowId,
    config,
    bodies: cx.bodies,
    subflows: [...cx.subflows],
    tasks: [...cx.taskIds],
    events: [...cx.events],
    listens: [],
  };
  definition.listens = flowListens(definition, options.flows ?? new Map());
  if (Object.keys(cx.functions).length > 0) definition.functions = cx.functions;
  return definition;
}
