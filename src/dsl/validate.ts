import { SystemValidationError, type ValidationIssue } from '../errors.js';
import { normalizeSystem, type NormalizedSystem } from './normalize.js';
import { retryPolicyIssues } from './retry-policy.js';
import type { SystemDefinition } from './schema.js';
import { checkEventName, checkFlowReference, checkTaskReference, createCheckContext, report, type CheckContext } from './validate-context.js';
import { checkFlow, checkSubFlowCycles, type SubFlowCall } from './validate-flow.js';
import { checkProcess } from './validate-process.js';
import { childPath, didYouMean, knownNames } from './validate-report.js';
import { checkStructure, type LocatedIssue } from './validate-structure.js';
import { checkTask } from './validate-task.js';

/** Every problem of a document at once; `valid` when there is none. */
export interface SystemValidationResult {
  valid: boolean;
  errors: ValidationIssue[];
}

/** The non-throwing twin of `assertValidSystem`. */
export type SafeSystemValidationResult =
  | { success: true; system: NormalizedSystem }
  | { success: false; issues: ValidationIssue[] };

/**
 * Checks a system document and returns every problem at once, each with a path a person can follow
 * (`flows.checkout.steps[2].task`) and a stable snake_case code. Never throws and never runs the document's code.
 */
export function validateSystem(doc: unknown): SystemValidationResult {
  const { issues } = examine(doc);
  return { valid: issues.length === 0, errors: issues };
}

/** Validates and normalizes a document, returning the problems instead of throwing them. */
export function safeValidateSystem(doc: unknown): SafeSystemValidationResult {
  const { issues, system } = examine(doc);
  return issues.length === 0 && system ? { success: true, system: normalizeSystem(system) } : { success: false, issues };
}

/**
 * Validates a document and returns it normalized (processes in the statechart shape, `version` set).
 * @throws SystemValidationError (code `SYSTEM_INVALID`) listing every problem.
 */
export function assertValidSystem(doc: unknown): NormalizedSystem {
  const result = safeValidateSystem(doc);
  if (!result.success) throw new SystemValidationError(result.issues);
  return result.system;
}

const SECTIONS = ['events', 'tasks', 'processes', 'flows', 'boundedContexts'] as const;
type Section = (typeof SECTIONS)[number];

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Structure first; then references and expressions of every task, process and flow whose own structure is
 * sound. A broken definition is skipped, not guessed at, but its id still counts as declared.
 */
function examine(doc: unknown): { issues: ValidationIssue[]; system?: SystemDefinition } {
  const structure = checkStructure(doc);
  const located = structure.success ? [] : structure.issues;
  const sound = soundParts(doc, located);
  if (!sound) return { issues: located.map((l) => l.issue) };
  const cx = createCheckContext(sound.system, sound.names);
  checkReferences(cx, sound.system);
  const issues = [...located.map((l) => l.issue), ...cx.issues];
  return structure.success ? { issues, system: structure.system } : { issues };
}

/** The definitions without structural issues, and the ids of all; undefined when a whole section is unusable. */
function soundParts(doc: unknown, located: readonly LocatedIssue[]): { system: SystemDefinition; names: Record<Exclude<Section, 'boundedContexts'>, string[]> } | undefined {
  if (!isRecord(doc) || SECTIONS.some((section) => doc[section] !== undefined && !isRecord(doc[section]))) return undefined;
  const broken = new Set(located.filter((l) => l.segments.length >= 2).map((l) => `${String(l.segments[0])}\0${String(l.segments[1])}`));
  const keep = (section: Section): Record<string, unknown> | undefined => {
    const entries = doc[section];
    if (!isRecord(entries)) return undefined;
    return Object.fromEntries(Object.entries(entries).filter(([key]) => !broken.has(`${section}\0${key}`)));
  };
  const names = (section: Section) => (isRecord(doc[section]) ? Object.keys(doc[section]) : []);
  const system = { ...doc, tasks: keep('tasks'), processes: keep('processes'), flows: keep('flows'), boundedContexts: keep('boundedContexts') };
  return {
    // Only sound definitions are left, so they have the types of the meta-schema.
    system: system as unknown as SystemDefinition,
    names: { events: names('events'), tasks: names('tasks'), processes: names('processes'), flows: names('flows') },
  };
}

function checkReferences(cx: CheckContext, system: SystemDefinition): void {
  for (const [taskId, task] of Object.entries(system.tasks ?? {})) {
    if (task.retry) cx.issues.push(...retryPolicyIssues(task.retry, childPath(childPath('tasks', taskId), 'retry')));
    checkTask(cx, task, childPath('tasks', taskId));
  }
  for (const [processId, process] of Object.entries(system.processes ?? {})) {
    checkProcess(cx, processId, process, childPath('processes', processId));
  }
  const calls = new Map<string, readonly SubFlowCall[]>();
  for (const [flowId, flow] of Object.entries(system.flows ?? {})) {
    calls.set(flowId, checkFlow(cx, flowId, flow, childPath('flows', flowId)));
  }
  checkSubFlowCycles(cx, calls);
  for (const [contextId, context] of Object.entries(system.boundedContexts ?? {})) {
    const at = (field: string, i: number) => childPath(childPath(childPath('boundedContexts', contextId), field), i);
    context.tasks?.forEach((id, i) => checkTaskReference(cx, id, at('tasks', i)));
    context.flows?.forEach((id, i) => checkFlowReference(cx, id, at('flows', i)));
    context.events?.forEach((name, i) => checkEventName(cx, name, at('events', i)));
    context.processes?.forEach((id, i) => {
      if (!cx.processIds.includes(id)) {
        report(cx, at('processes', i), 'unknown_process', `Unknown process "${id}"${didYouMean(id, cx.processIds)}; ${knownNames('processes', cx.processIds)}`);
      }
    });
  }
}
