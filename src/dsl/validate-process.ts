// Reference checks of processes: state structure, transition targets (XState semantics), events, tasks, expressions.
import { delayKeyIssue } from './duration.js';
import type { ProcessAction, ProcessDefinition, StateDefinition, Transition } from './schema.js';
import { checkEventName, checkExpression, checkTaskReference, report, type CheckContext } from './validate-context.js';
import { childPath, didYouMean } from './validate-report.js';

/** A state in the tree that targets are resolved against. The root stands for the process itself. */
interface StateNode {
  readonly key: string;
  readonly path: string;
  readonly definition: StateDefinition;
  readonly parent: StateNode | undefined;
  readonly children: Map<string, StateNode>;
}

interface ProcessScope {
  readonly cx: CheckContext;
  readonly processId: string;
  readonly root: StateNode;
}

const FORBIDDEN_IN_FINAL = ['on', 'after', 'invoke', 'states'] as const;
const RESERVED_IN_NAMES = /[.#]/;

function buildNode(key: string, path: string, definition: StateDefinition, parent: StateNode | undefined): StateNode {
  const node: StateNode = { key, path, definition, parent, children: new Map() };
  for (const [name, child] of Object.entries(definition.states ?? {})) {
    node.children.set(name, buildNode(name, childPath(childPath(path, 'states'), name), child, node));
  }
  return node;
}

/** Checks one process, in the statechart or the flat shape. */
export function checkProcess(cx: CheckContext, processId: string, process: ProcessDefinition, path: string): void {
  const rootDefinition: StateDefinition = { ...(process.type ? { type: process.type } : {}), ...(process.initial === undefined ? {} : { initial: process.initial }) };
  if (Array.isArray(process.states)) {
    const root = checkFlatStates(cx, process.states, process, path, rootDefinition);
    checkTransitions({ cx, processId, root }, process.on, childPath(path, 'on'), root);
    return;
  }
  if (process.transitions !== undefined) {
    report(cx, childPath(path, 'transitions'), 'unexpected_transitions', 'transitions belong to the flat shape (states: string[]); with a states record, put each transition in its state\'s on');
  }
  const root = buildNode(processId, path, { ...rootDefinition, states: process.states }, undefined);
  const scope: ProcessScope = { cx, processId, root };
  if (root.children.size === 0) report(cx, childPath(path, 'states'), 'no_states', `Process "${processId}" has no states`);
  checkInitial(scope, root);
  checkTransitions(scope, process.on, childPath(path, 'on'), root);
  for (const child of root.children.values()) checkState(scope, child);
}

/** The flat shape: unique names, and transitions between states that exist. Returns the root of its states. */
function checkFlatStates(cx: CheckContext, states: readonly string[], process: ProcessDefinition, path: string, rootDefinition: StateDefinition): StateNode {
  const root = buildNode(path, path, rootDefinition, undefined);
  states.forEach((name, i) => {
    const statePath = childPath(childPath(path, 'states'), i);
    if (RESERVED_IN_NAMES.test(name)) report(cx, statePath, 'invalid_state_name', stateNameMessage(name));
    if (root.children.has(name)) report(cx, statePath, 'duplicate_state', `State "${name}" is listed twice`);
    else root.children.set(name, { key: name, path: statePath, definition: {}, parent: root, children: new Map() });
  });
  const names = [...root.children.keys()];
  if (process.initial !== undefined && !root.children.has(process.initial)) {
    report(cx, childPath(path, 'initial'), 'unknown_initial_state', `Initial state "${process.initial}" is not a state${didYouMean(process.initial, names)}; states: ${names.join(', ')}`);
  }
  (process.transitions ?? []).forEach((transition, i) => {
    const at = childPath(childPath(path, 'transitions'), i);
    if (!root.children.has(transition.from)) {
      report(cx, childPath(at, 'from'), 'unknown_state', `Unknown state "${transition.from}"${didYouMean(transition.from, names)}; states: ${names.join(', ')}`);
    }
    if (!root.children.has(transition.to)) {
      report(cx, childPath(at, 'to'), 'unknown_target', `Unknown target state "${transition.to}"${didYouMean(transition.to, names)}; states: ${names.join(', ')}`);
    }
    checkEventName(cx, transition.on, childPath(at, 'on'));
    checkExpression(cx, transition.guard, { path: childPath(at, 'guard') });
  });
  return root;
}

function stateNameMessage(name: string): string {
  return `State name "${name}" contains "." or "#", which target paths use as separators`;
}

function checkInitial({ cx }: ProcessScope, node: StateNode): void {
  const { initial, type } = node.definition;
  if (initial === undefined) return;
  const at = childPath(node.path, 'initial');
  if (type === 'parallel') {
    report(cx, at, 'parallel_initial', 'A parallel state enters all its children at once, so it takes no initial state');
    return;
  }
  const names = [...node.children.keys()];
  if (names.length === 0) report(cx, at, 'unknown_initial_state', `Initial state "${initial}" names no child: this state has no child states`);
  else if (!node.children.has(initial)) {
    report(cx, at, 'unknown_initial_state', `Initial state "${initial}" is not a child state${didYouMean(initial, names)}; child states: ${names.join(', ')}`);
  }
}

function checkState(scope: ProcessScope, node: StateNode): void {
  const { cx } = scope;
  const { definition: state, path } = node;
  if (RESERVED_IN_NAMES.test(node.key)) report(cx, path, 'invalid_state_name', stateNameMessage(node.key));
  if (state.type === 'final') {
    for (const field of FORBIDDEN_IN_FINAL) {
      if (state[field] !== undefined) report(cx, childPath(path, field), 'invalid_final_state', `A final state ends its parent, so it cannot have ${field}`);
    }
  }
  if (state.type === 'parallel' && node.children.size === 0) {
    report(cx, path, 'parallel_without_children', 'A parallel state needs at least one child state (its regions)');
  }
  if (state.type === 'compound' && node.children.size === 0) report(cx, path, 'compound_without_children', 'A compound state needs at least one child state');
  if (state.type === 'atomic' && state.states !== undefined) {
    report(cx, childPath(path, 'states'), 'atomic_with_children', 'An atomic state has no child states; remove type or states');
  }
  checkInitial(scope, node);

  checkTransitions(scope, state.on, childPath(path, 'on'), node);
  for (const [delay, transition] of Object.entries(state.after ?? {})) {
    const at = childPath(childPath(path, 'after'), delay);
    const issue = delayKeyIssue(delay, at);
    if (issue) cx.issues.push(issue);
    checkTransition(scope, transition, at, node);
  }
  if (state.invoke) {
    const at = childPath(path, 'invoke');
    checkTaskReference(cx, state.invoke.task, childPath(at, 'task'));
    checkExpression(cx, state.invoke.input, { path: childPath(at, 'input') });
    if (state.invoke.onDone !== undefined) checkTransition(scope, state.invoke.onDone, childPath(at, 'onDone'), node);
    if (state.invoke.onError !== undefined) checkTransition(scope, state.invoke.onError, childPath(at, 'onError'), node);
  }
  checkActions(cx, state.entry, childPath(path, 'entry'));
  checkActions(cx, state.exit, childPath(path, 'exit'));
  for (const child of node.children.values()) checkState(scope, child);
}

/** An `on` record: its event names, then its transitions. */
function checkTransitions(scope: ProcessScope, on: Record<string, Transition> | undefined, path: string, source: StateNode): void {
  for (const [event, transition] of Object.entries(on ?? {})) {
    const at = childPath(path, event);
    checkEventName(scope.cx, event, at);
    checkTransition(scope, transition, at, source);
  }
}

function checkTransition(scope: ProcessScope, transition: Transition, path: string, source: StateNode): void {
  if (typeof transition === 'string') {
    checkTarget(scope, transition, path, source);
    return;
  }
  const alternatives = Array.isArray(transition) ? transition.map((t, i) => [t, childPath(path, i)] as const) : [[transition, path] as const];
  for (const [t, at] of alternatives) {
    if (t.target !== undefined) checkTarget(scope, t.target, childPath(at, 'target'), source);
    checkExpression(scope.cx, t.guard, { path: childPath(at, 'guard') });
    checkActions(scope.cx, t.actions, childPath(at, 'actions'));
  }
}

function checkActions(cx: CheckContext, actions: readonly ProcessAction[] | undefined, path: string): void {
  (actions ?? []).forEach((action, i) => {
    const at = childPath(path, i);
    switch (action.type) {
      case 'assign':
        for (const [key, value] of Object.entries(action.values)) checkExpression(cx, value, { path: childPath(childPath(at, 'values'), key) });
        return;
      case 'emit':
        checkEventName(cx, action.event, childPath(at, 'event'));
        checkExpression(cx, action.payload, { path: childPath(at, 'payload') });
        return;
      case 'log':
        checkExpression(cx, action.message, { path: childPath(at, 'message') });
        return;
    }
  });
}

/**
 * Resolves a target as XState does: `name` or `name.child` from the source's parent (a sibling or its descendant),
 * `.child` from the source itself, `#processId.a.b` from the root. From the root, a plain name is a top-level state.
 */
function checkTarget(scope: ProcessScope, target: string, path: string, source: StateNode): void {
  const { processId, root } = scope;
  let start: StateNode;
  let segments: string[];
  if (target.startsWith('#')) {
    const [id = '', ...rest] = target.slice(1).split('.');
    if (id !== processId) {
      report(scope.cx, path, 'unknown_target', `Target "${target}" starts with "#${id}", but absolute targets start with "#${processId}" (the process id)`);
      return;
    }
    [start, segments] = [root, rest];
  } else if (target.startsWith('.')) {
    [start, segments] = [source, target.slice(1).split('.')];
  } else {
    [start, segments] = [source.parent ?? root, target.split('.')];
  }
  let node = start;
  for (const segment of segments) {
    const next = node.children.get(segment);
    if (next) {
      node = next;
      continue;
    }
    const names = [...node.children.keys()];
    const where = node === root ? `process "${processId}"` : `state ${node.path}`;
    const rule = target.startsWith('#') || target.startsWith('.') ? '' : '; a plain name is a sibling of the source state, ".name" a child, "#process.a.b" an absolute path';
    report(
      scope.cx,
      path,
      'unknown_target',
      `Target "${target}" does not resolve: ${where} has no child state "${segment}"${didYouMean(segment, names)} (it has: ${names.join(', ') || 'none'})${rule}`,
    );
    return;
  }
}
