// Which task of a system a call means: its id, or its definition object (as the original README passes it).
import { isDeepStrictEqual } from 'node:util';
import type { SystemDefinition, TaskDefinition } from '../dsl/schema.js';
import { NotFoundError, UsageError } from '../errors.js';

/** A task named by its id, or by its definition (`system.tasks['chargeCard']`). */
export type TaskReference = string | TaskDefinition;

/**
 * The id of the task a reference means. A definition is matched by identity first (the object the system
 * holds), then by deep equality; one that matches no task is `UNKNOWN_TASK`, one equal to several is ambiguous.
 * @throws NotFoundError (`UNKNOWN_TASK`) when the system has no such task.
 * @throws UsageError (`INVALID_ARGUMENT`) when the reference is neither an id nor an object, or matches several tasks.
 */
export function resolveTaskId(task: TaskReference, system: SystemDefinition): string {
  const tasks = system.tasks ?? {};
  const where = `in system "${system.id}"`;
  if (typeof task === 'string') {
    if (!Object.hasOwn(tasks, task)) throw new NotFoundError('task', task, Object.keys(tasks), where);
    return task;
  }
  if (typeof task !== 'object' || task === null || Array.isArray(task)) {
    throw new UsageError(`A task is named by its id (a string) or its definition (an object of system.tasks); got ${task === null ? 'null' : Array.isArray(task) ? 'an array' : typeof task}`);
  }
  const entries = Object.entries(tasks);
  const same = entries.find(([, definition]) => definition === task);
  if (same) return same[0];
  const equal = entries.filter(([, definition]) => isDeepStrictEqual(definition, task));
  if (equal.length === 1 && equal[0]) return equal[0][0];
  if (equal.length > 1) {
    throw new UsageError(`The task definition given is equal to tasks ${equal.map(([id]) => `"${id}"`).join(', ')} ${where}; pass the task id, or the system's own object (system.tasks['${equal[0]?.[0] ?? ''}'])`);
  }
  throw new NotFoundError('task', describeDefinition(task), Object.keys(tasks), `${where}: the definition given is none of the system's tasks (neither the same object nor an equal one)`);
}

/** A short name for a definition in a message: `(definition "Charge the card")`, never `[object Object]`. */
function describeDefinition(task: TaskDefinition): string {
  return task.description ? `(definition: ${task.description.slice(0, 60)})` : '(a task definition)';
}
