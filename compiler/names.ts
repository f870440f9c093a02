/**
 * The names the compiler gives states, invoke ids and actors, for the modules that read them back (the runtime,
 * the history collector, the inspector): import them from here rather than copying the strings. The actor names
 * that machines/ registers are defined in machines/actor-names.ts and re-exported.
 */
export {
  FLOW_MACHINE_PREFIX,
  TASK_ATTEMPT_ACTOR,
  TASK_MACHINE_PREFIX,
  TIMER_ACTOR,
  flowMachineName,
  isTaskMachineName,
  taskMachineName,
} from '../machines/actor-names.js';

/** Prefix of a process's machine name in the catalog. */
export const PROCESS_MACHINE_PREFIX = 'process:';
/** Catalog name of a process's machine. */
export const processMachineName = (processId: string): string => `${PROCESS_MACHINE_PREFIX}${processId}`;

/** Prefix of the actor name a forEach step spawns its body under. */
export const FOR_EACH_ACTOR_PREFIX = 'each:';
/** Actor name of a forEach step's body: `each:<stepId>`. */
export const forEachActorName = (stepId: string): string => `${FOR_EACH_ACTOR_PREFIX}${stepId}`;

/** Invoke-id suffix of a wait step's timer: `<stepId>:wait`. */
export const WAIT_TIMER_SUFFIX = ':wait';
/** Invoke-id suffix of a task step's backoff timer: `<stepId>:backoff`. */
export const BACKOFF_TIMER_SUFFIX = ':backoff';
/** Invoke-id suffix of a task or event step's timeout timer: `<stepId>:timeout`. */
export const TIMEOUT_TIMER_SUFFIX = ':timeout';
/** Suffixes of the invoke ids of a flow's timer actors (a process's `after` timers use `AFTER_TIMER_PREFIX`). */
export const TIMER_STATE_SUFFIXES = [WAIT_TIMER_SUFFIX, BACKOFF_TIMER_SUFFIX, TIMEOUT_TIMER_SUFFIX] as const;

/** Invoke-id prefix of a process state's `after` timer: `$after:<delay key>`. */
export const AFTER_TIMER_PREFIX = '$after:';
/** Invoke id of a process state's `after` timer. */
export const afterTimerId = (delayKey: string): string => `${AFTER_TIMER_PREFIX}${delayKey}`;
/** Invoke id of the task a process state invokes. */
export const PROCESS_TASK_INVOKE_ID = '$task';

/** A task step with retries or a timeout: the state of a running attempt. */
export const ATTEMPT_STATE = '$attempt';
/** A task step with retries or a timeout: the state between a failed attempt and the next. */
export const BACKOFF_STATE = '$backoff';

/** The top-level states of every flow machine: `running` (the steps), then one final state. */
export const FLOW_STATES = { running: 'running', succeeded: 'succeeded', failed: 'failed', cancelled: 'cancelled' } as const;
/** The event that cancels a running flow instance. */
export const FLOW_CANCEL_EVENT = 'flow.cancel';
