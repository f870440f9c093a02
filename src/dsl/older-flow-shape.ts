// Flows in the older DSL shape, for convertDslToFlow: a flat list of steps in which a `decision` names the
// steps of each branch by id (`branches: [{ id, name, steps: [stepId…] }]`), and task steps name their task
// with `taskId`. A decision becomes a condition step whose branches hold the steps they name.
import { UsageError } from '../errors.js';
import type { ConditionFunction } from './schema.js';
import type { RuntimeFlowStep } from './runtime-flow.js';

/** A branch of an older decision: the ids of the steps it runs, in order. */
export interface OlderDecisionBranch {
  id?: string;
  name?: string;
  steps: string[];
}

/** A step of an older flow: any step, a decision with branches, or a task step with `taskId`. */
export interface OlderFlowStep {
  id: string;
  name?: string;
  description?: string;
  type: string;
  /** task steps */
  taskId?: string;
  /** decisions: a function `(input, previousOutputs) => boolean`, or an expression. */
  condition?: ConditionFunction | string;
  /** decisions: the first branch runs when the condition holds, the second when it does not. */
  branches?: OlderDecisionBranch[] | unknown[];
  [field: string]: unknown;
}

type Step = Record<string, unknown> & { id?: unknown; type?: unknown };

const isDecision = (step: Step): boolean => step.type === 'decision';

/** Whether a flow's steps use the older shape's decisions (which need the whole list to be read). */
export function hasOlderDecisions(steps: readonly unknown[]): boolean {
  return steps.some((step) => typeof step === 'object' && step !== null && isDecision(step as Step));
}

/** The step ids a branch lists; a malformed branch is a UsageError naming where it is. */
function branchSteps(branch: unknown, at: string): string[] {
  const steps = typeof branch === 'object' && branch !== null ? (branch as { steps?: unknown }).steps : undefined;
  if (!Array.isArray(steps) || !steps.every((id): id is string => typeof id === 'string')) {
    throw new UsageError(`${at} is not a branch of the older shape: expected { id, name, steps: [stepId…] }, got ${JSON.stringify(branch)}`);
  }
  return steps;
}

/**
 * The steps of an older flow in programmatic form. Steps a decision's branch names move into that branch
 * (first branch → `thenSteps`, second → `elseSteps`) and leave the top level; every other step keeps its
 * place and goes through `convert`.
 * @throws UsageError (`INVALID_ARGUMENT`) for a branch that names no step of the flow, a step named by two
 * branches, a decision with more than two branches, or a decision that contains itself.
 */
export function foldOlderDecisions(flowId: string, steps: readonly Step[], convert: (step: Step) => RuntimeFlowStep): RuntimeFlowStep[] {
  const byId = new Map<string, Step>();
  for (const step of steps) if (typeof step.id === 'string') byId.set(step.id, step);
  const claimedBy = new Map<string, string>();
  steps.forEach((step, i) => {
    if (!isDecision(step)) return;
    const at = `flow "${flowId}" steps[${i}] (decision "${String(step.id)}")`;
    const branches = step.branches ?? [];
    if (!Array.isArray(branches)) throw new UsageError(`${at}: branches must be a list of { id, name, steps: [stepId…] }`);
    if (branches.length > 2) throw new UsageError(`${at} has ${branches.length} branches; a decision converts to a condition, which has two (then, else)`);
    branches.forEach((branch, b) => {
      for (const id of branchSteps(branch, `${at} branches[${b}]`)) {
        if (!byId.has(id)) throw new UsageError(`${at} branches[${b}] names step "${id}", which is no step of the flow; its steps are ${[...byId.keys()].join(', ')}`);
        const other = claimedBy.get(id);
        if (other !== undefined) {
          const where = other === String(step.id) ? `two branches of decision "${other}"` : `a branch of decision "${other}" and of decision "${String(step.id)}"`;
          throw new UsageError(`Step "${id}" of flow "${flowId}" is in ${where}; a step belongs to one branch`);
        }
        claimedBy.set(id, String(step.id));
      }
    });
  });

  const open = new Set<string>();
  const placed = new Set<string>();
  const toFlowStep = (step: Step): RuntimeFlowStep => {
    if (typeof step.id === 'string') placed.add(step.id);
    if (!isDecision(step)) return convert(step);
    const id = String(step.id);
    if (open.has(id)) throw new UsageError(`Decision "${id}" of flow "${flowId}" is inside one of its own branches`);
    open.add(id);
    const { branches = [], condition, type: _type, ...rest } = step as Step & { branches?: unknown[] };
    const [then, otherwise] = branches.map((branch) => branchSteps(branch, `decision "${id}"`).map((stepId) => toFlowStep(byId.get(stepId) as Step)));
    open.delete(id);
    return { ...rest, id, type: 'condition', condition: condition as ConditionFunction | string, thenSteps: then ?? [], elseSteps: otherwise ?? [] };
  };
  const converted = steps.filter((step) => typeof step.id !== 'string' || !claimedBy.has(step.id)).map(toFlowStep);
  // Decisions that only name each other (a in b's branch, b in a's) are reached from no step of the flow.
  const lost = [...claimedBy.keys()].filter((id) => !placed.has(id));
  if (lost.length > 0) throw new UsageError(`Steps ${lost.map((id) => `"${id}"`).join(', ')} of flow "${flowId}" are only in branches of decisions that are inside their own branches`);
  return converted;
}
