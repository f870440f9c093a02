// Reference checks of flows: tasks, sub-flows, events, step ids and the expressions of every step.
import { retryPolicyIssues } from './retry-policy.js';
import type { FlowDefinition, FlowStep, StepType } from './schema.js';
import { checkEventName, checkExpression, checkFlowReference, checkTaskReference, report, type CheckContext } from './validate-context.js';
import { childPath } from './validate-report.js';

/** The flow an expression belongs to: `steps.<id>` must name one of its steps. */
interface FlowSite {
  readonly id: string;
  readonly stepIds: ReadonlySet<string>;
}

/** A call of one flow by another, for cycle detection. */
export interface SubFlowCall {
  readonly to: string;
  readonly path: string;
}

type StepOf<K extends StepType> = Extract<FlowStep, { type: K }>;
type PathedSteps = readonly (readonly [path: string, steps: readonly FlowStep[]])[];

/** The step lists nested in a step (its `catch` aside), with their paths. */
const NESTED_STEPS: { [K in StepType]: (step: StepOf<K>, path: string) => PathedSteps } = {
  task: () => [],
  wait: () => [],
  event: () => [],
  flow: () => [],
  condition: (step, path) => [[childPath(path, 'then'), step.then], ...(step.else ? ([[childPath(path, 'else'), step.else]] as const) : [])],
  parallel: (step, path) => step.branches.map((branch, i) => [childPath(childPath(path, 'branches'), i), branch] as const),
  forEach: (step, path) => [[childPath(path, 'steps'), step.steps]],
};

type StepCheck<S extends FlowStep> = (cx: CheckContext, step: S, path: string, flow: FlowSite) => void;

/** What each kind of step refers to. */
const STEP_CHECKS: { [K in StepType]: StepCheck<StepOf<K>> } = {
  task: (cx, step, path, flow) => {
    checkTaskReference(cx, step.task, childPath(path, 'task'));
    checkExpression(cx, step.input, { path: childPath(path, 'input'), flow });
    // A step's retry overrides its task's field by field, so the two are judged together (unless the task is broken).
    const task = cx.tasks[step.task];
    const taskIsBroken = task === undefined && cx.taskIds.includes(step.task);
    if (step.retry && !taskIsBroken) cx.issues.push(...retryPolicyIssues(step.retry, childPath(path, 'retry'), task?.retry));
  },
  condition: (cx, step, path, flow) => checkExpression(cx, step.if, { path: childPath(path, 'if'), flow }),
  parallel: () => undefined,
  wait: () => undefined,
  event: (cx, step, path, flow) => {
    checkEventName(cx, step.event, childPath(path, 'event'));
    checkExpression(cx, step.match, { path: childPath(path, 'match'), flow });
  },
  forEach: (cx, step, path, flow) => checkExpression(cx, step.items, { path: childPath(path, 'items'), flow }),
  flow: (cx, step, path, flow) => {
    checkFlowReference(cx, step.flow, childPath(path, 'flow'));
    checkExpression(cx, step.input, { path: childPath(path, 'input'), flow });
  },
};

/** Every step of a list, nested ones included (branches, bodies, catch steps), in document order. */
export function collectSteps(steps: readonly FlowStep[], path: string, into: (readonly [string, FlowStep])[] = []): (readonly [string, FlowStep])[] {
  steps.forEach((step, i) => {
    const stepPath = childPath(path, i);
    into.push([stepPath, step]);
    const nested = (NESTED_STEPS[step.type] as (step: FlowStep, path: string) => PathedSteps)(step, stepPath);
    for (const [listPath, list] of nested) collectSteps(list, listPath, into);
    if (step.catch) collectSteps(step.catch, childPath(stepPath, 'catch'), into);
  });
  return into;
}

/** Checks one flow; returns the sub-flows it calls. */
export function checkFlow(cx: CheckContext, flowId: string, flow: FlowDefinition, path: string): SubFlowCall[] {
  const steps = collectSteps(flow.steps, childPath(path, 'steps'));
  const firstUse = new Map<string, string>();
  for (const [stepPath, step] of steps) {
    const earlier = firstUse.get(step.id);
    if (earlier === undefined) firstUse.set(step.id, stepPath);
    else report(cx, childPath(stepPath, 'id'), 'duplicate_step_id', `Step id "${step.id}" is already used by ${earlier}; step ids must be unique in a flow`);
  }
  const site: FlowSite = { id: flowId, stepIds: new Set(firstUse.keys()) };

  const triggers = flow.trigger === undefined ? [] : Array.isArray(flow.trigger) ? flow.trigger : [flow.trigger];
  triggers.forEach((event, i) => checkEventName(cx, event, Array.isArray(flow.trigger) ? childPath(childPath(path, 'trigger'), i) : childPath(path, 'trigger')));
  checkExpression(cx, flow.output, { path: childPath(path, 'output'), flow: site });

  const calls: SubFlowCall[] = [];
  for (const [stepPath, step] of steps) {
    (STEP_CHECKS[step.type] as StepCheck<FlowStep>)(cx, step, stepPath, site);
    if (step.type === 'flow') calls.push({ to: step.flow, path: childPath(stepPath, 'flow') });
  }
  return calls;
}

/** `subflow_cycle` for every loop of flows calling each other (a → b → a), reported at the call that closes it. */
export function checkSubFlowCycles(cx: CheckContext, calls: ReadonlyMap<string, readonly SubFlowCall[]>): void {
  const done = new Set<string>();
  const stack: string[] = [];
  const visit = (flowId: string): void => {
    stack.push(flowId);
    for (const call of calls.get(flowId) ?? []) {
      const onStack = stack.indexOf(call.to);
      if (onStack >= 0) {
        const cycle = [...stack.slice(onStack), call.to].join(' → ');
        report(cx, call.path, 'subflow_cycle', `Sub-flows call each other in a cycle: ${cycle}; a flow must not run itself, directly or through others`);
      } else if (!done.has(call.to) && calls.has(call.to)) {
        visit(call.to);
      }
    }
    stack.pop();
    done.add(flowId);
  };
  for (const flowId of calls.keys()) if (!done.has(flowId)) visit(flowId);
}
