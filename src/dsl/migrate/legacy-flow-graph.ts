// The steps of an older flow as a graph: who follows whom (next, decision routes, parallel branches), where it
// starts, and where paths that split meet again (immediate post-dominators).
import { childPath } from '../validate-report.js';
import { IdAllocator, toIdentifier } from './legacy-ids.js';
import { isRecord } from './legacy-shape.js';
import type { MigrationLog } from './report.js';

/** One way out of a decision (or of any step whose `next` is a list). */
export interface Route {
  readonly condition: unknown;
  /** The step it leads to; undefined when it names none. */
  readonly target: string | undefined;
  /** Taken when no other route is: no condition, or `else` / `default` / `otherwise`, or a last `true`. */
  readonly isDefault: boolean;
  readonly path: string;
}

export interface StepNode {
  /** The step's id in the input. */
  readonly key: string;
  /** Its DSL id (valid, unique). */
  readonly id: string;
  readonly step: Record<string, unknown>;
  readonly path: string;
  /** The step that follows (for a parallel step: the one after its branches). */
  readonly next: string | undefined;
  /** Set when the way on depends on conditions. */
  readonly routes: readonly Route[] | undefined;
  /** Parallel steps: the step ids of each branch, in order. */
  readonly branches: readonly (readonly string[])[] | undefined;
}

export interface FlowGraph {
  readonly nodes: ReadonlyMap<string, StepNode>;
  /** Where the flow starts: its first step, or the one step nothing leads to. */
  readonly start: string | undefined;
  /** The DSL ids of all steps, which conditions may read as `steps.<id>`. */
  readonly stepIds: ReadonlySet<string>;
  readonly ids: IdAllocator;
  /** The first step every path from `key` passes through (its immediate post-dominator); undefined when paths only meet at the end. */
  join(key: string): string | undefined;
}

const DEFAULT_CONDITIONS: ReadonlySet<unknown> = new Set([undefined, null, '', 'else', 'default', 'otherwise']);
const isBooleanLiteral = (value: unknown): boolean => value === true || value === false || value === 'true' || value === 'false';
const EXIT = '\u0000exit';

/** Builds the graph of an older flow's `steps`; steps that can't be nodes (no id, a repeated id) are kept and reported. */
export function buildFlowGraph(steps: readonly unknown[], path: string, log: MigrationLog): FlowGraph {
  const raw = new Map<string, { step: Record<string, unknown>; path: string }>();
  steps.forEach((step, i) => {
    const at = childPath(path, i);
    if (!isRecord(step) || typeof step.id !== 'string' || step.id === '') log.keep(at, step, 'A step without an id can\'t be reached by next', true);
    else if (raw.has(step.id)) log.keep(at, step, `Step id "${step.id}" is used by an earlier step; this step can't be told from it`, true);
    else raw.set(step.id, { step, path: at });
  });
  const usesNext = [...raw.values()].some(({ step }) => step.next !== undefined);
  if (!usesNext && raw.size > 1) log.change(path, 'converted', 'No step has next, so the steps run in the order they are listed');

  const branchOf = new Map<string, readonly string[]>();
  const branchLists = new Map<string, string[][]>();
  for (const [key, { step, path: at }] of raw) {
    if (step.type !== 'parallel') continue;
    const lists = parallelBranches(step.branches, childPath(at, 'branches'), raw, log);
    branchLists.set(key, lists);
    for (const list of lists) for (const member of list) branchOf.set(member, list);
  }
  const topLevel = [...raw.keys()].filter((key) => !branchOf.has(key));

  const ids = new IdAllocator();
  const nodes = new Map<string, StepNode>();
  for (const [key, { step, path: at }] of raw) {
    const id = ids.claim(toIdentifier(key));
    if (id !== key) log.change(childPath(at, 'id'), 'renamed', `Step "${key}" is now "${id}": ids are letters, digits, _ and -, start with a letter or _, and are unique`);
    const list = branchOf.get(key);
    const implicit = list ? list[list.indexOf(key) + 1] : usesNext ? undefined : topLevel[topLevel.indexOf(key) + 1];
    const { next, routes } = wayOn(step, at, raw, log);
    nodes.set(key, { key, id, step, path: at, next: step.next === undefined ? implicit : next, routes, branches: branchLists.get(key) });
  }

  const pointedAt = new Set<string>();
  for (const node of nodes.values()) for (const target of successors(node)) pointedAt.add(target);
  for (const member of branchOf.keys()) pointedAt.add(member);
  const first = topLevel[0];
  // The first step, unless it is listed out of order: then the step no one leads to that leads to it.
  const before = first === undefined || !pointedAt.has(first) ? undefined : topLevel.find((key) => !pointedAt.has(key) && reaches(nodes, key, first));
  const start = before ?? first;
  if (start !== undefined && start !== first) {
    log.change(path, 'converted', `The flow starts at step "${start}", the one no step leads to ("${first}", listed first, is reached from another step)`);
  }

  const joins = immediatePostDominators(nodes);
  return { nodes, start, stepIds: new Set([...nodes.values()].map((n) => n.id)), ids, join: (key) => joins.get(key) };
}

/** The branches of a parallel step: `[{ id, steps: [stepId…] }]`, or lists of step ids. */
function parallelBranches(value: unknown, path: string, raw: ReadonlyMap<string, unknown>, log: MigrationLog): string[][] {
  if (!Array.isArray(value)) {
    if (value !== undefined) log.keep(path, value, 'The branches are not a list', true);
    return [];
  }
  return value.map((branch, i) => {
    const at = childPath(path, i);
    const listed = Array.isArray(branch) ? branch : isRecord(branch) && Array.isArray(branch.steps) ? branch.steps : typeof branch === 'string' ? [branch] : undefined;
    if (listed === undefined) {
      log.keep(at, branch, 'A branch is a list of step ids, or { id, steps: [stepId…] }', true);
      return [];
    }
    return listed.filter((key, j): key is string => {
      if (typeof key === 'string' && raw.has(key)) return true;
      log.keep(childPath(at, j), key, `The branch lists ${JSON.stringify(key)}, which is no step of the flow`, true);
      return false;
    });
  });
}

/** Whether a path leads from one step to another (through next, routes and branches). */
function reaches(nodes: ReadonlyMap<string, StepNode>, from: string, to: string): boolean {
  const seen = new Set<string>();
  const queue = [from];
  for (let key = queue.shift(); key !== undefined; key = queue.shift()) {
    if (key === to) return true;
    if (seen.has(key)) continue;
    seen.add(key);
    const node = nodes.get(key);
    if (node) queue.push(...successors(node), ...(node.branches ?? []).flat());
  }
  return false;
}

/** `next` as a step id or as routes; a decision's own `condition` becomes a route. */
function wayOn(step: Record<string, unknown>, path: string, raw: ReadonlyMap<string, unknown>, log: MigrationLog): { next: string | undefined; routes: Route[] | undefined } {
  const at = childPath(path, 'next');
  const target = (id: unknown, where: string): string | undefined => {
    if (typeof id === 'string' && raw.has(id)) return id;
    log.approximate(where, `${JSON.stringify(id)} names no step of the flow, so this path ends here`);
    return undefined;
  };
  const own = step.type === 'decision' ? step.condition : undefined;
  if (typeof step.next === 'string' || step.next === undefined || step.next === null) {
    const next = step.next === undefined || step.next === null ? undefined : target(step.next, at);
    // A decision with neither routes nor a condition just goes on (or ends the flow when it has no next).
    if (own === undefined) return { next, routes: step.type === 'decision' && next === undefined ? [] : undefined };
    // A decision with a condition and one next: go on only when it holds.
    return { next: undefined, routes: [{ condition: own, target: next, isDefault: false, path: childPath(path, 'condition') }] };
  }
  if (!Array.isArray(step.next)) {
    log.keep(at, step.next, 'next is a step id or a list of { condition, stepId }', true);
    return { next: undefined, routes: [] };
  }
  const entries = step.next.map((entry, i) => ({ entry, where: childPath(at, i) }));
  const valid = entries.filter(({ entry, where }) => {
    if (isRecord(entry) && entry.stepId !== undefined) return true;
    log.keep(where, entry, 'A route is { condition, stepId }', true);
    return false;
  }) as { entry: Record<string, unknown>; where: string }[];
  // A decision with its own condition and routes for true and false.
  if (own !== undefined && valid.length > 0 && valid.every(({ entry }) => isBooleanLiteral(entry.condition))) {
    return {
      next: undefined,
      routes: valid.map(({ entry, where }) => {
        const isTrue = entry.condition === true || entry.condition === 'true';
        return { condition: isTrue ? own : undefined, target: target(entry.stepId, childPath(where, 'stepId')), isDefault: !isTrue, path: isTrue ? childPath(path, 'condition') : where };
      }),
    };
  }
  if (own !== undefined) log.keep(childPath(path, 'condition'), own, 'The decision has a condition and routes with conditions of their own; the routes decide, and this condition is not used', true);
  return {
    next: undefined,
    routes: valid.map(({ entry, where }, i) => ({
      condition: entry.condition,
      target: target(entry.stepId, childPath(where, 'stepId')),
      isDefault: DEFAULT_CONDITIONS.has(entry.condition) || (i === valid.length - 1 && (entry.condition === true || entry.condition === 'true')),
      path: where,
    })),
  };
}

/** The steps a step leads to, for joins: route targets, else next (for a parallel step, the step after its branches). */
function successors(node: StepNode): string[] {
  if (node.routes) return node.routes.flatMap((r) => (r.target === undefined ? [] : [r.target]));
  return node.next === undefined ? [] : [node.next];
}

/**
 * Post-dominators by the classic fixpoint (a step's are itself and those all its successors share), then each
 * step's nearest one. A step in a loop with no way out has none.
 */
function immediatePostDominators(nodes: ReadonlyMap<string, StepNode>): Map<string, string | undefined> {
  const everything = new Set([...nodes.keys(), EXIT]);
  const pdom = new Map<string, Set<string>>([...nodes.keys()].map((key) => [key, new Set(everything)]));
  pdom.set(EXIT, new Set([EXIT]));
  const succ = new Map([...nodes.values()].map((node) => [node.key, successors(node).length > 0 ? successors(node) : [EXIT]]));
  for (let changed = true; changed; ) {
    changed = false;
    for (const key of [...nodes.keys()].reverse()) {
      const sets = (succ.get(key) ?? []).map((s) => pdom.get(s) as Set<string>);
      const next = new Set([...(sets[0] ?? [])].filter((d) => sets.every((set) => set.has(d))));
      next.add(key);
      if (next.size !== pdom.get(key)?.size) {
        pdom.set(key, next);
        changed = true;
      }
    }
  }
  const ending = new Set([EXIT]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [key, targets] of succ) if (!ending.has(key) && targets.some((t) => ending.has(t))) grew = ending.add(key) !== undefined;
  }
  const joins = new Map<string, string | undefined>();
  for (const key of nodes.keys()) {
    const own = pdom.get(key) as Set<string>;
    if (!ending.has(key)) {
      joins.set(key, undefined);
      continue;
    }
    let best: string | undefined;
    for (const d of own) if (d !== key && (best === undefined || (pdom.get(d)?.size ?? 0) > (pdom.get(best)?.size ?? 0))) best = d;
    joins.set(key, best === EXIT ? undefined : best);
  }
  return joins;
}
