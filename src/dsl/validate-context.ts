// What the reference checks know about the whole system, and the checks every part of it shares.
import type { ValidationIssue } from '../errors.js';
import { findExpressionError, parseExpression, referencedSteps } from './expression/index.js';
import type { SystemDefinition, TaskDefinition } from './schema.js';
import { didYouMean, knownNames } from './validate-report.js';

/** Event names that belong to the runtime and are always allowed. */
export const LIFECYCLE_EVENT_PREFIXES = ['task.', 'flow.', 'process.'] as const;

/** Shared by the reference checks: the issues found so far and the ids the system declares. */
export interface CheckContext {
  readonly issues: ValidationIssue[];
  readonly tasks: Readonly<Record<string, TaskDefinition>>;
  readonly taskIds: readonly string[];
  readonly flowIds: readonly string[];
  readonly processIds: readonly string[];
  /** Declared events; undefined when the system declares none, so that any name goes. */
  readonly eventNames: ReadonlySet<string> | undefined;
}

/** `names` are the ids the document declares, whether or not their definitions are sound. */
export function createCheckContext(
  system: SystemDefinition,
  names: { tasks: readonly string[]; flows: readonly string[]; processes: readonly string[]; events: readonly string[] },
): CheckContext {
  return {
    issues: [],
    tasks: system.tasks ?? {},
    taskIds: names.tasks,
    flowIds: names.flows,
    processIds: names.processes,
    eventNames: names.events.length === 0 ? undefined : new Set(names.events),
  };
}

/** Adds one issue. */
export function report(cx: CheckContext, path: string, code: string, message: string): void {
  cx.issues.push({ path, code, message });
}

/** `unknown_task` unless `taskId` names a task of the system. */
export function checkTaskReference(cx: CheckContext, taskId: string, path: string): void {
  if (cx.taskIds.includes(taskId)) return;
  report(cx, path, 'unknown_task', `Unknown task "${taskId}"${didYouMean(taskId, cx.taskIds)}; ${knownNames('tasks', cx.taskIds)}`);
}

/** `unknown_flow` unless `flowId` names a flow of the system. */
export function checkFlowReference(cx: CheckContext, flowId: string, path: string): void {
  if (cx.flowIds.includes(flowId)) return;
  report(cx, path, 'unknown_flow', `Unknown flow "${flowId}"${didYouMean(flowId, cx.flowIds)}; ${knownNames('flows', cx.flowIds)}`);
}

/**
 * `unknown_event` when the system declares events and `name` is none of them. Lifecycle events (`task.…`,
 * `flow.…`, `process.…`) and wildcards (`*`, `order.*` when some declared event starts with `order.`) always pass.
 */
export function checkEventName(cx: CheckContext, name: string, path: string): void {
  const declared = cx.eventNames;
  if (!declared || declared.has(name) || name === '*') return;
  if (LIFECYCLE_EVENT_PREFIXES.some((prefix) => name.startsWith(prefix))) return;
  if (name.endsWith('.*') && [...declared].some((event) => event.startsWith(name.slice(0, -1)))) return;
  const known = [...declared];
  report(
    cx,
    path,
    'unknown_event',
    `Event "${name}" is not declared in events${didYouMean(name, known)}; ${knownNames('events', known)} (lifecycle events task.*, flow.* and process.* need no declaration)`,
  );
}

/** Where an expression is and which step ids it may read through `steps.<id>`. */
export interface ExpressionSite {
  readonly path: string;
  /** The steps of the enclosing flow; undefined outside flows, where `steps` is not checked. */
  readonly flow?: { readonly id: string; readonly stepIds: ReadonlySet<string> };
}

/**
 * `expression_syntax` when an expression string does not parse, and `unknown_step_reference` when it reads a
 * step its flow does not have. Functions (allowed in code) are not checked.
 */
export function checkExpression(cx: CheckContext, expression: unknown, site: ExpressionSite): void {
  if (typeof expression !== 'string') return;
  const error = findExpressionError(expression);
  if (error) {
    // The parser's message names the position and quotes the expression.
    report(cx, site.path, 'expression_syntax', `Invalid expression: ${error.message}`);
    return;
  }
  if (!site.flow) return;
  const { id, stepIds } = site.flow;
  for (const step of new Set(referencedSteps(parseExpression(expression)))) {
    if (stepIds.has(step)) continue;
    report(
      cx,
      site.path,
      'unknown_step_reference',
      `Expression reads steps.${step}, but flow "${id}" has no step "${step}"${didYouMean(step, stepIds)}; ${knownNames('steps', [...stepIds])}`,
    );
  }
}
