import type { AnyActorRef } from 'xstate';
import type { ReactiveSystemRuntime } from '../src/index.js';

/** Where a demo writes its lines. */
export type Log = (line: string) => void;

/** Prints every state an actor moves through, once per change, as `  <label>: <state value as JSON>`. */
export function printStates(actor: AnyActorRef, label: string, log: Log, prefix: () => string = () => ''): void {
  let last = '';
  actor.subscribe((snapshot: { value?: unknown }) => {
    const text = JSON.stringify(snapshot.value);
    if (text !== last) log(`${prefix()}  ${label}: ${(last = text)}`);
  });
}

/** Prints each flow the runtime starts, state by state, and each task retry. */
export function printFlows(runtime: ReactiveSystemRuntime, log: Log, prefix: () => string = () => ''): void {
  runtime.registerEventHandler('task.retrying', (p) => {
    const message = (p.error as { message?: string } | undefined)?.message;
    log(`${prefix()}  ↻ ${String(p.taskId)} failed (${JSON.stringify(message)}), retry ${String(p.nextAttempt)} in ${String(p.delayMs)}ms`);
  });
  runtime.registerEventHandler('flow.started', ({ instanceId }) => printStates(runtime.getActor(String(instanceId)), `flow ${String(instanceId)}`, log, prefix));
}
