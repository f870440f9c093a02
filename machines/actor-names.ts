/**
 * Names by which compiled machine configs refer to the actors `setup()` supplies (see build.ts). The compiler
 * writes them and machines/ registers them, so they live here, below both; compiler/names.ts re-exports them.
 */

/** `src` of the actor that runs one task attempt (a task step's invoke). */
export const TASK_ATTEMPT_ACTOR = 'taskAttempt';
/** `src` of the durable timer actor (waits, backoffs, timeouts, a process state's `after`). */
export const TIMER_ACTOR = 'timer';

/** Prefix of the actor name of a task's single-step machine. */
export const TASK_MACHINE_PREFIX = 'task:';
/** Prefix of the actor name of a flow's machine. */
export const FLOW_MACHINE_PREFIX = 'flow:';

/** Actor name of the single-step machine that runs a task with its retry and timeout policy. */
export const taskMachineName = (taskId: string): string => `${TASK_MACHINE_PREFIX}${taskId}`;
/** Whether an actor or machine name is that of a task's single-step machine (`task:<taskId>`). */
export const isTaskMachineName = (name: string): boolean => name.startsWith(TASK_MACHINE_PREFIX);
/** Actor name of a flow's machine when another flow invokes it. */
export const flowMachineName = (flowId: string): string => `${FLOW_MACHINE_PREFIX}${flowId}`;
