import type { AnyStateMachine, AnyStateNode, AnyTransitionDefinition } from 'xstate';
import { contextFields } from './guard-analysis.js';
import type { ModelTarget } from './model-target-types.js';

/** A transition of the machine, as the coverage report names it. */
export interface MachineTransition {
  /** `<source>|<event type>|<index>`, stable for one document. */
  id: string;
  /** The state it leaves (dotted path); `''` for a transition of the machine itself (from any state). */
  source: string;
  /** The states it targets; empty for a transition that stays (actions only). */
  targets: string[];
  /** `order.paid`, `after 1h`, `reserveStock succeeded`, `chargeCard failed`, `ask_legal:backoff fires`, `always`. */
  trigger: string;
  guard?: string;
  /** `pending → paid on order.paid [event.amount > 0]` */
  label: string;
}

/** The invoke of `node` with this id. */
export const invokeOf = (node: AnyStateNode, actorId: string) => node.invoke.find((invoke) => invoke.id === actorId);

/** Every transition definition of a machine, eventless ones included. */
export function allTransitions(machine: AnyStateMachine): AnyTransitionDefinition[] {
  const visit = (node: AnyStateNode): AnyTransitionDefinition[] => [...[...node.transitions.values()].flat(), ...(node.always ?? []), ...Object.values(node.states).flatMap(visit)];
  return visit(machine.root);
}

const pathOf = (node: AnyStateNode): string => node.path.join('.');
const allNodes = (node: AnyStateNode): AnyStateNode[] => [node, ...Object.values(node.states).flatMap((child) => allNodes(child))];
const guardParams = (t: AnyTransitionDefinition) => (t.guard as { type?: string; params?: { expr?: unknown; fn?: unknown } } | undefined) ?? undefined;
const guardExpression = (t: AnyTransitionDefinition): string | undefined => {
  const expr = guardParams(t)?.params?.expr;
  return typeof expr === 'string' ? expr : undefined;
};

function triggerOf(transition: AnyTransitionDefinition): string {
  const type = transition.eventType;
  const node = transition.source;
  if (type === '') return 'always';
  if (type.startsWith('xstate.done.state.')) return `${pathOf(node) || 'machine'} done`;
  const actorId = type.replace(/^xstate\.(done|error)\.actor\./, '');
  if (actorId === type) return type;
  const src = invokeOf(node, actorId)?.src;
  if (src === 'timer') return actorId.startsWith('$after:') ? `after ${actorId.slice('$after:'.length)}` : `${actorId} fires`;
  if (typeof src === 'string' && src.startsWith('task:')) return `${src.slice('task:'.length)} ${guardParams(transition)?.type === 'taskFailed' ? 'failed' : 'succeeded'}`;
  return `${actorId} ${type.startsWith('xstate.error.') ? 'failed' : 'done'}`;
}

/** Every transition of the machine a test can take. */
export function transitionsOf(target: ModelTarget): Map<AnyTransitionDefinition, MachineTransition> {
  const out = new Map<AnyTransitionDefinition, MachineTransition>();
  for (const node of allNodes(target.machine.root)) {
    for (const [type, list] of node.transitions) collect(node, type, list);
    collect(node, '', node.always ?? []);
  }
  function collect(node: AnyStateNode, type: string, list: readonly AnyTransitionDefinition[]) {
    list.forEach((transition, index) => {
      if (target.unreachable(transition)) return;
      const source = pathOf(node);
      const targets = (transition.target ?? []).map(pathOf);
      const trigger = triggerOf(transition);
      const guard = guardExpression(transition);
      const to = targets.length ? targets.join(', ') : `${source || '(any)'} (stays)`;
      const label = `${source || '(any state)'} → ${to} on ${trigger}${guard ? ` [${guard}]` : ''}`;
      out.set(transition, { id: `${source}|${type}|${index}`, source, targets, trigger, ...(guard === undefined ? {} : { guard }), label });
    });
  }
  return out;
}

/** Guards of the machine, sorted by what they are about. */
export function guardsOf(transitions: Map<AnyTransitionDefinition, MachineTransition>) {
  const byEvent = new Map<string, string[]>();
  const byTask = new Map<string, { succeeded: string[]; failed: string[] }>();
  for (const [definition, info] of transitions) {
    if (info.guard === undefined) continue;
    const type = definition.eventType;
    const actorId = type.replace(/^xstate\.(done|error)\.actor\./, '');
    const src = actorId === type ? undefined : invokeOf(definition.source, actorId)?.src;
    const task = typeof src === 'string' && src.startsWith('task:') ? src.slice('task:'.length) : undefined;
    if (task) {
      const entry = byTask.get(task) ?? { succeeded: [], failed: [] };
      entry[guardParams(definition)?.type === 'taskFailed' ? 'failed' : 'succeeded'].push(info.guard);
      byTask.set(task, entry);
    } else if (!type.startsWith('xstate.') && type !== '') {
      byEvent.set(type, [...(byEvent.get(type) ?? []), info.guard]);
    }
  }
  return { byEvent, byTask };
}

/** The context fields a process's guards read, or `undefined` when one reads more (or is code). */
export function guardedContextFields(transitions: Iterable<AnyTransitionDefinition>): string[] | undefined {
  const fields = new Set<string>();
  for (const transition of transitions) {
    const params = guardParams(transition)?.params;
    if (params?.fn !== undefined || typeof transition.guard === 'function') return undefined;
    if (typeof params?.expr !== 'string') continue;
    const read = contextFields(params.expr);
    if (read === undefined) return undefined;
    for (const field of read) fields.add(field);
  }
  return [...fields].sort();
}

