import type { StateValue } from 'xstate';
import type { FlowExecutionResult } from '../../../machines/flow-state.js';
import type { SerializedError } from '../../failure.js';
import type { InstanceKind, InstanceStatus, InstanceSummary } from '../../persistence/store.js';

/** What stays of a finished instance once its actor is let go: enough to answer for it, a few hundred bytes. */
export interface FinishedSummary {
  readonly instanceId: string;
  readonly kind: InstanceKind;
  readonly definitionId: string;
  readonly status: InstanceStatus;
  /** The state it ended in. */
  readonly value: StateValue | undefined;
  /** A process's last context. */
  readonly context?: unknown;
  /** A flow's result. */
  readonly result?: FlowExecutionResult;
  readonly error?: SerializedError;
  readonly machineHash: string;
  readonly createdAt: number;
  readonly finishedAt: number;
}

/** How many summaries stay, and for how long. */
export interface FinishedLimits {
  count: number;
  /** Summaries older than this go; `undefined` keeps them until `count` pushes them out. */
  ageMs: number | undefined;
}

/**
 * Summaries of finished instances, oldest first, bounded in number and age, so a runtime that runs for months
 * does not keep every instance it ever ran. The oldest go first; age is checked on every add and read.
 */
export class FinishedInstances {
  private readonly byId = new Map<string, FinishedSummary>();

  constructor(
    private readonly limits: FinishedLimits,
    private readonly now: () => number,
  ) {}

  add(summary: FinishedSummary): void {
    this.byId.delete(summary.instanceId);
    if (this.limits.count === 0) return;
    this.byId.set(summary.instanceId, summary);
    this.trim();
  }

  get(instanceId: string): FinishedSummary | undefined {
    this.trim();
    return this.byId.get(instanceId);
  }

  /** Newest first, as stores list instances. */
  list(): FinishedSummary[] {
    this.trim();
    return [...this.byId.values()].reverse();
  }

  ids(kind?: InstanceKind): string[] {
    return this.list()
      .filter((summary) => !kind || summary.kind === kind)
      .map((summary) => summary.instanceId);
  }

  delete(instanceId: string): void {
    this.byId.delete(instanceId);
  }

  /** Removes the summaries of instances that finished before `before`; returns how many. */
  purge(before: number): number {
    let removed = 0;
    for (const [id, summary] of this.byId) {
      if (summary.finishedAt >= before) continue;
      this.byId.delete(id);
      removed++;
    }
    return removed;
  }

  get size(): number {
    return this.byId.size;
  }

  private trim(): void {
    while (this.byId.size > this.limits.count) this.byId.delete(this.byId.keys().next().value as string);
    if (this.limits.ageMs === undefined) return;
    const before = this.now() - this.limits.ageMs;
    for (const [id, summary] of this.byId) {
      if (summary.finishedAt >= before) break;
      this.byId.delete(id);
    }
  }
}

/** A summary as `getInstance` and `listInstances` describe instances. */
export function summaryOf(finished: FinishedSummary, system: { systemId: string; systemVersion: string }): InstanceSummary {
  return {
    instanceId: finished.instanceId,
    kind: finished.kind,
    definitionId: finished.definitionId,
    status: finished.status,
    systemId: system.systemId,
    systemVersion: system.systemVersion,
    machineHash: finished.machineHash,
    version: 0,
    createdAt: finished.createdAt,
    updatedAt: finished.finishedAt,
    finishedAt: finished.finishedAt,
    ...(finished.error ? { error: finished.error } : {}),
  };
}
