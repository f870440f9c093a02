// Flows of the older shape: steps that point at each other by id, turned into nested DSL step lists.
import { findExpressionError } from '../expression/index.js';
import { stepSchema, type ConditionStep, type FlowDefinition, type FlowStep, type ProcessDefinition } from '../schema.js';
import { childPath } from '../validate-report.js';
import { convertCondition, NEVER } from './legacy-conditions.js';
import { describe, keepUnknownFields } from './legacy-fields.js';
import { buildFlowGraph, type FlowGraph, type Route, type StepNode } from './legacy-flow-graph.js';
import { STEP_CONVERTERS, stepBase, type StepScope } from './legacy-flow-steps.js';
import { identifyCollection } from './legacy-ids.js';
import { convertSchema } from './legacy-schemas.js';
import { isRecord, stepMarkers } from './legacy-shape.js';
import type { TaskTable } from './legacy-tasks.js';
import type { MigrationLog } from './report.js';

const FLOW_FIELDS = new Set(['id', 'name', 'description', 'trigger', 'steps', 'input', 'output', 'onError']);
const DECISION_FIELDS = new Set(['id', 'type', 'name', 'description', 'next', 'condition']);
const PARALLEL_FIELDS = new Set(['id', 'type', 'name', 'description', 'next', 'branches']);
/** Steps the converted flow may have per step of the input before copying stops: unstructured graphs can double at every split. */
const COPIES_PER_STEP = 4;

/** Converts the `flows` of an older document (a record or a list). */
export function convertFlows(
  value: unknown,
  scope: { tasks: TaskTable; processes: Readonly<Record<string, ProcessDefinition>>; processIds: ReadonlyMap<string, string>; log: MigrationLog },
): { flows: Record<string, FlowDefinition>; ids: Map<string, string> } {
  const { items, ids } = identifyCollection(value, 'flows', 'Flow', scope.log);
  const flows: Record<string, FlowDefinition> = {};
  for (const { id, item, path } of items) flows[id] = convertFlow(item, path, { ...scope, flowId: id });
  return { flows, ids };
}

function convertFlow(flow: Record<string, unknown>, path: string, scope: StepScope): FlowDefinition {
  const { log } = scope;
  const at = (field: string) => childPath(path, field);
  const out = {} as FlowDefinition;
  const description = describe(flow, path, log);
  if (description !== undefined) out.description = description;
  const trigger = convertTrigger(flow.trigger, at('trigger'), log);
  if (trigger !== undefined) out.trigger = trigger;
  const input = convertSchema(flow.input, at('input'), log);
  if (input) out.input = input;
  if (typeof flow.output === 'string' && findExpressionError(flow.output) === undefined) out.output = flow.output;
  else if (flow.output !== undefined) log.keep(at('output'), flow.output, 'The output is not an expression (docs/expressions.md); the flow outputs its last step\'s output', true);
  out.steps = [];
  if (Array.isArray(flow.steps) && isV1Steps(flow.steps)) {
    // A flow already in DSL v1 form (a document may mix shapes) is kept as it is.
    out.steps = flow.steps;
  } else if (Array.isArray(flow.steps)) {
    const graph = buildFlowGraph(flow.steps, at('steps'), log);
    const walker = new FlowWalker(graph, scope);
    out.steps = graph.start === undefined ? [] : walker.sequence(graph.start, new Set(), [], undefined);
    walker.reportUnplaced();
  } else if (flow.steps !== undefined) {
    log.keep(at('steps'), flow.steps, 'The steps are not a list', true);
  }
  if (flow.onError === 'fail' || flow.onError === 'continue') out.onError = flow.onError;
  else if (flow.onError !== undefined) log.keep(at('onError'), flow.onError, 'onError is fail or continue', true);
  keepUnknownFields(flow, FLOW_FIELDS, path, 'Flow', log);
  return out;
}

/** Steps that are DSL v1 steps already: no construct of the older shape, and each one valid. */
function isV1Steps(steps: readonly unknown[]): steps is FlowStep[] {
  return stepMarkers(steps, '').length === 0 && steps.every((step) => stepSchema.safeParse(step).success);
}

/** An event name, `{ type: 'event', name }`; manual and API starts need no trigger. */
function convertTrigger(value: unknown, path: string, log: MigrationLog): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string' && value !== '') return value;
  if (isRecord(value)) {
    const name = [value.name, value.event, value.eventType].find((n): n is string => typeof n === 'string' && n !== '');
    if (name !== undefined) {
      log.change(path, 'converted', `The trigger is the event "${name}"`);
      return name;
    }
    if (value.type === 'manual' || value.type === 'api') {
      log.change(path, 'removed', `A ${value.type} start needs no trigger: call runtime.startFlow or runtime.executeFlow`);
      return undefined;
    }
  }
  log.keep(path, value, 'The trigger names no event, and DSL v1 flows start only on events or when called', true);
  return undefined;
}

/**
 * Walks the graph from a step and lays it out as nested lists: a sequence follows `next`; routes become
 * if/else chains whose branches end where the paths meet again (the join), after which the walk goes on;
 * a parallel step's branches end at its `next`. A step already on the current path closes a loop, which
 * DSL flows can't express: the path ends there. A step reached again from elsewhere is copied.
 */
class FlowWalker {
  private readonly placed = new Map<string, number>();
  private readonly trail: string[] = [];
  private readonly limit: number;

  constructor(
    private readonly graph: FlowGraph,
    private readonly scope: StepScope,
  ) {
    this.limit = graph.nodes.size * COPIES_PER_STEP;
  }

  /** The steps from `start` until a step in `stops` (where an enclosing structure goes on) or the end. */
  sequence(start: string, stops: ReadonlySet<string>, onPath: readonly string[], cameFrom: string | undefined): FlowStep[] {
    const out: FlowStep[] = [];
    const path = [...onPath];
    let from = cameFrom;
    for (let key: string | undefined = start; key !== undefined && !stops.has(key); ) {
      const node = this.graph.nodes.get(key) as StepNode;
      if (path.includes(key)) {
        this.reportLoop(node, path, from);
        break;
      }
      const id = this.place(node, from);
      if (id === undefined) break;
      path.push(key);
      // A decision is only its routes; any other step runs first, and its routes (if any) follow it.
      const own = node.step.type === 'decision' ? this.decision(node) : node.step.type === 'parallel' ? this.parallel(node, id, stops, path) : this.convertStep(node, id);
      if (own) out.push(...own);
      if (node.routes) {
        const join = this.joinOf(node);
        out.push(...this.routeChain(node, own ? this.graph.ids.claim(`${id}_route`) : id, join, stops, path));
        [key, from] = [join, node.path];
      } else {
        [key, from] = [node.next, childPath(node.path, 'next')];
      }
    }
    return out;
  }

  /** Every step the walk did not reach is kept and reported: nothing is dropped silently. */
  reportUnplaced(): void {
    const start = this.graph.start;
    for (const node of this.graph.nodes.values()) {
      if (this.placed.has(node.key)) continue;
      this.scope.log.keep(node.path, node.step, `Step "${node.key}" is not reached from the first step "${start ?? ''}" (by next, a route or a branch), so it is not in the converted flow`, true);
    }
  }

  /** A decision is only its routes: nothing of its own runs. */
  private decision(node: StepNode): undefined {
    keepUnknownFields(node.step, DECISION_FIELDS, node.path, 'Decision step', this.scope.log);
    if (!node.routes) this.scope.log.change(node.path, 'removed', `The decision has neither a condition nor routes, so it decides nothing; the flow goes on at step "${node.next ?? ''}"`);
    return undefined;
  }

  private convertStep(node: StepNode, id: string): FlowStep[] {
    const type = typeof node.step.type === 'string' ? node.step.type : '';
    const convert = STEP_CONVERTERS[type];
    if (convert) return convert(node, id, this.scope);
    this.scope.log.keep(node.path, node.step, `Step type ${JSON.stringify(node.step.type)} has no counterpart (task, process, decision, parallel, wait); the flow goes on with its next step`, true);
    return [];
  }

  /** The DSL id of this visit: the step's own the first time, a fresh one for each copy. */
  private place(node: StepNode, from: string | undefined): string | undefined {
    const count = this.placed.get(node.key) ?? 0;
    if (this.trail.length >= this.limit) {
      this.scope.log.approximate(from ?? node.path, `Step "${node.key}" is reached from too many places to copy it once more; this path ends here`);
      return undefined;
    }
    this.placed.set(node.key, count + 1);
    this.trail.push(node.key);
    if (count === 0) return node.id;
    const copy = this.graph.ids.claim(`${node.id}_${count + 1}`);
    this.scope.log.approximate(
      from ?? node.path,
      `Step "${node.key}" is reached from more than one place in a way nested steps can't share, so it is copied as "${copy}" (its output is under steps.${copy})`,
    );
    return copy;
  }

  private reportLoop(node: StepNode, path: readonly string[], from: string | undefined): void {
    const loop = [...path.slice(path.indexOf(node.key)), node.key];
    const last = loop.at(-2) ?? node.key;
    this.scope.log.approximate(
      from ?? node.path,
      `This goes back to step "${node.key}" (${loop.join(' → ')}); DSL flows have no loops, so the converted flow does not go back: it goes on as if "${last}" had no next step. To repeat work, use a forEach step, or a process with on/after transitions`,
    );
  }

  /**
   * Where the routes' paths meet again. With no route taken by default, a join that a route leads to directly
   * is not used: "go on at X only if the condition holds" keeps the rest of the flow inside the branch.
   */
  private joinOf(node: StepNode): string | undefined {
    const join = this.graph.join(node.key);
    const routes = node.routes ?? [];
    if (join === undefined || routes.some((r) => r.isDefault)) return join;
    if (routes.some((r) => r.target === join)) return undefined;
    this.scope.log.approximate(
      node.path,
      `When none of the conditions holds, the older flow had no step to go to; the converted flow goes on at step "${join}", where the routes meet. Add a route without a condition if it should stop`,
    );
    return join;
  }

  /** Routes as `if c1 then … else if c2 then … else <default>`. */
  private routeChain(node: StepNode, firstId: string, join: string | undefined, stops: ReadonlySet<string>, path: readonly string[]): FlowStep[] {
    const { log } = this.scope;
    const routes = node.routes ?? [];
    const inner = join === undefined ? stops : new Set([...stops, join]);
    const [fallback, ...extraDefaults] = routes.filter((r) => r.isDefault);
    for (const extra of extraDefaults) log.approximate(extra.path, 'A second route without a condition is never taken; the first one is the default');
    const conditional = routes.filter((r) => !r.isDefault);
    const branch = (route: Route): FlowStep[] => (route.target === undefined ? [] : this.sequence(route.target, inner, path, route.path));
    const thens = conditional.map(branch);
    let rest: FlowStep[] | undefined = fallback ? branch(fallback) : undefined;
    if (routes.length === 0) {
      log.change(node.path, 'converted', 'The decision has no routes, so the flow ends here');
      return [];
    }
    if (conditional.length === 0) {
      log.change(node.path, 'converted', 'The decision has only a default route, so its steps follow without a condition');
      return rest ?? [];
    }
    const conditions = conditional.map((route) => this.condition(route));
    for (let i = conditional.length - 1; i >= 0; i--) {
      const step: ConditionStep = { ...stepBase(node, i === 0 ? firstId : this.graph.ids.claim(`${firstId}_else${i}`)), type: 'condition', if: conditions[i] as string, then: thens[i] as FlowStep[] };
      if (rest !== undefined && rest.length > 0) step.else = rest;
      if (i > 0) {
        delete step.name;
        delete step.description;
      }
      rest = [step];
    }
    log.change(node.path, 'converted', `The ${conditional.length} route(s) are ${conditional.length === 1 ? 'a condition step' : 'nested condition steps (if / else if)'}${fallback ? ' with the default route as the last else' : ''}`);
    return rest ?? [];
  }

  private condition(route: Route): string {
    const converted = convertCondition(route.condition, this.graph.stepIds);
    if ('expression' in converted) return converted.expression;
    this.scope.log.keep(
      childPath(route.path, 'condition'),
      route.condition,
      `The route's condition can't be kept: ${converted.problem}. The condition step's if is "${NEVER}", so its steps never run until it is rewritten`,
      true,
    );
    return NEVER;
  }

  private parallel(node: StepNode, id: string, stops: ReadonlySet<string>, path: readonly string[]): FlowStep[] {
    const lists = node.branches ?? [];
    keepUnknownFields(node.step, PARALLEL_FIELDS, node.path, 'Parallel step', this.scope.log);
    if (lists.length === 0) {
      this.scope.log.change(node.path, 'removed', 'The parallel step has no branches, so it does nothing');
      return [];
    }
    const inner = node.next === undefined ? stops : new Set([...stops, node.next]);
    const branches = lists.map((keys, b) => {
      const mark = this.trail.length;
      const steps: FlowStep[] = [];
      keys.forEach((key, i) => {
        if (this.trail.slice(mark).includes(key)) return;
        steps.push(...this.sequence(key, new Set([...inner, ...keys.slice(i + 1)]), path, childPath(childPath(node.path, 'branches'), b)));
      });
      return steps;
    });
    this.scope.log.change(node.path, 'converted', `The ${lists.length} branch(es) run at once and the flow goes on when all are done${node.next === undefined ? '' : ` with step "${node.next}"`}`);
    return [{ ...stepBase(node, id), type: 'parallel', branches }];
  }
}
