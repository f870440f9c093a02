import { parseDelayKey } from '../src/dsl/duration.js';
import { normalizeProcess } from '../src/dsl/normalize.js';
import type { ProcessAction, ProcessDefinition, StateDefinition, Transition, TransitionObject } from '../src/dsl/schema.js';
import { expressionRef } from './flow-context.js';
import { afterTimerId, PROCESS_TASK_INVOKE_ID, taskMachineName, TIMER_ACTOR } from './names.js';
import type { Json, NamedRef, ProcessMachineDefinition, StateConfig, TransitionConfig } from './types.js';

interface ProcessCompileContext {
  readonly tasks: Set<string>;
  readonly events: Set<string>;
  readonly functions: Record<string, (...args: never[]) => unknown>;
}

function compileAction(action: ProcessAction, cx: ProcessCompileContext): NamedRef {
  switch (action.type) {
    case 'assign': {
      const values: Record<string, Json> = {};
      for (const [key, expr] of Object.entries(action.values)) values[key] = expressionRef(cx, expr);
      return { type: 'assignValues', params: { values } };
    }
    case 'emit':
      return { type: 'emitEvent', params: { event: action.event, ...(action.payload === undefined ? {} : { payload: expressionRef(cx, action.payload) }) } };
    case 'log':
      return { type: 'logMessage', params: { message: expressionRef(cx, action.message) } };
  }
}

const transitionList = (transition: Transition): TransitionObject[] =>
  typeof transition === 'string' ? [{ target: transition }] : Array.isArray(transition) ? transition : [transition];

/** `guardType` wraps a transition's own guard, for outcomes of an invoked task. */
function compileTransitions(transition: Transition, cx: ProcessCompileContext, guardType = 'expression'): TransitionConfig[] {
  return transitionList(transition).map((t) => {
    const out: TransitionConfig = {};
    if (t.target !== undefined) out.target = t.target;
    if (t.guard !== undefined) out.guard = { type: guardType, params: expressionRef(cx, t.guard) };
    else if (guardType !== 'expression') out.guard = { type: guardType };
    if (t.actions?.length) out.actions = t.actions.map((a) => compileAction(a, cx));
    if (t.description !== undefined) out.description = t.description;
    return out;
  });
}

function compileState(state: StateDefinition, path: string, cx: ProcessCompileContext): StateConfig {
  const node: StateConfig = {};
  if (state.type && state.type !== 'atomic') node.type = state.type;
  if (state.description !== undefined) node.description = state.description;
  if (state.initial !== undefined) node.initial = state.initial;
  if (state.entry?.length) node.entry = state.entry.map((a) => compileAction(a, cx));
  if (state.exit?.length) node.exit = state.exit.map((a) => compileAction(a, cx));
  if (state.on) {
    node.on = {};
    for (const [event, transition] of Object.entries(state.on)) {
      cx.events.add(event);
      node.on[event] = compileTransitions(transition, cx);
    }
  }
  const invoke: NonNullable<StateConfig['invoke']> = [];
  for (const [key, transition] of Object.entries(state.after ?? {})) {
    invoke.push({ id: afterTimerId(key), src: TIMER_ACTOR, input: { delayMs: parseDelayKey(key) }, onDone: compileTransitions(transition, cx) });
  }
  if (state.invoke) {
    cx.tasks.add(state.invoke.task);
    const params: Record<string, Json> = { state: path };
    if (state.invoke.input !== undefined) params.input = expressionRef(cx, state.invoke.input);
    const onError = state.invoke.onError ? compileTransitions(state.invoke.onError, cx, 'taskFailed') : [];
    invoke.push({
      id: PROCESS_TASK_INVOKE_ID,
      src: taskMachineName(state.invoke.task),
      input: { $mapper: 'processTaskInput', params },
      onDone: [...(state.invoke.onDone ? compileTransitions(state.invoke.onDone, cx, 'taskSucceeded') : []), ...onError],
      onError: onError.map(({ guard: _guard, ...rest }) => rest),
    });
  }
  if (invoke.length) node.invoke = invoke;
  if (state.states) {
    node.states = {};
    for (const [key, child] of Object.entries(state.states)) node.states[key] = compileState(child, `${path}.${key}`, cx);
  }
  return node;
}

/** A process-level transition names a top-level state; for XState, at the root, that is a child (`.name`). */
function rootTransitions(on: Record<string, Transition>): Record<string, Transition> {
  const child = (t: TransitionObject): TransitionObject =>
    t.target === undefined || t.target.startsWith('.') || t.target.startsWith('#') ? t : { ...t, target: `.${t.target}` };
  const out: Record<string, Transition> = {};
  for (const [event, transition] of Object.entries(on)) out[event] = transitionList(transition).map(child);
  return out;
}

/** Compiles a process (statechart, or the older flat shape) into its machine definition. */
export function compileProcessDefinition(processId: string, process: ProcessDefinition): ProcessMachineDefinition {
  const normalized = normalizeProcess(process);
  const cx: ProcessCompileContext = { tasks: new Set(), events: new Set(), functions: {} };
  const root = compileState(
    { type: normalized.type ?? 'compound', initial: normalized.initial, states: normalized.states, ...(normalized.on ? { on: rootTransitions(normalized.on) } : {}) } as StateDefinition,
    processId,
    cx,
  );
  const definition: ProcessMachineDefinition = {
    kind: 'process',
    id: processId,
    config: { ...root, id: processId, context: { $mapper: 'processContext', params: { defaults: (normalized.context ?? {}) as Json } } },
    tasks: [...cx.tasks],
    events: [...cx.events],
    listens: [...cx.events],
  };
  if (Object.keys(cx.functions).length > 0) definition.functions = cx.functions;
  return definition;
}
