import type { AnyActorRef } from 'xstate';
import type { FlowContext, StepRecord } from '../../machines/flow-state.js';

type Print = (line: string) => void;

const seconds = (ms: number) => (ms < 1000 ? `${Math.round(ms)}ms` : `${(ms / 1000).toFixed(2)}s`);

/** Names of the active states of a state value: a step is active while a state named by its id is. */
function activeNames(value: unknown, into = new Set<string>()): Set<string> {
  if (typeof value === 'string') into.add(value);
  else if (value && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      into.add(key);
      activeNames(child, into);
    }
  }
  return into;
}

/**
 * Prints each step of a running flow as it starts (its state becomes active), retries and ends (its record
 * says so), with durations. Child machines (forEach items, sub-flows) are not followed.
 */
export function watchSteps(actor: AnyActorRef, print: Print, now: () => number = () => performance.now()): () => void {
  const started = new Map<string, number>();
  let previous: Record<string, StepRecord> = {};
  const start = (step: string) => {
    if (started.has(step)) return;
    started.set(step, now());
    print(`▶ ${step}`);
  };
  const onSnapshot = (snapshot: { value?: unknown; context?: FlowContext }) => {
    const records = snapshot.context?.stepStatus ?? {};
    for (const [step, record] of Object.entries(records)) {
      const before = previous[step];
      if (before === record) continue;
      start(step);
      if (record.status === 'running' && record.delayMs !== undefined && before?.delayMs !== record.delayMs) {
        print(`↻ ${step} attempt ${record.attempts} failed (${record.error?.message ?? 'error'}); retry in ${seconds(record.delayMs)}`);
      }
      if (record.status !== 'running' && before?.status !== record.status) {
        const took = seconds(now() - (started.get(step) ?? now()));
        const attempts = record.attempts > 1 ? `, ${record.attempts} attempts` : '';
        print(record.status === 'completed' ? `✓ ${step} (${took}${attempts})` : `✗ ${step} (${took}${attempts}): ${record.error?.name}: ${record.error?.message}`);
      }
    }
    for (const name of activeNames(snapshot.value)) {
      if (stepIds.has(name) && records[name]?.status !== 'completed' && records[name]?.status !== 'failed') start(name);
    }
    previous = records;
  };
  const stepIds = new Set<string>();
  collectStepIds(actor, stepIds);
  onSnapshot(actor.getSnapshot() as { value?: unknown; context?: FlowContext });
  const subscription = actor.subscribe({ next: onSnapshot, error: () => undefined });
  return () => subscription.unsubscribe();
}

/** Step ids are the states whose id is `<machineId>:<stepId>` (see compiler/flow-context.ts). */
function collectStepIds(actor: AnyActorRef, into: Set<string>): void {
  const root = (actor as unknown as { logic?: { root?: StateNodeLike } }).logic?.root;
  const visit = (node: StateNodeLike) => {
    if (node.config?.id?.includes(':') && !node.key.startsWith('$')) into.add(node.key);
    for (const child of Object.values(node.states ?? {})) visit(child);
  };
  if (root) visit(root);
}

interface StateNodeLike {
  key: string;
  config?: { id?: string };
  states?: Record<string, StateNodeLike>;
}
