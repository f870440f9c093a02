import type { StepRecord } from '../../machines/flow-state.js';
import type { HistoryEntry, InstanceRecord, InstanceSummary as StoredSummary, SnapshotStore } from '../persistence/store.js';
import { activeStateIds } from './graph.js';
import type { InstanceSummary, ServerMessage, StepTiming, StoredInstanceInfo } from './page/protocol.js';

export interface StoredInstancesOptions {
  store: SnapshotStore;
  /** Instances listed: the most recently updated. */
  limit: number;
  /** History entries sent with a detail: the latest. */
  maxHistory: number;
  /** Told about instances that appeared, changed or went away in the store. */
  changed(message: ServerMessage): void;
  /** The live tracker's summary of an instance that runs in this process. */
  live(instanceId: string): InstanceSummary | undefined;
}

type DetailMessage = Extract<ServerMessage, { type: 'detail' }>;

const infoOf = (summary: StoredSummary): StoredInstanceInfo => ({
  status: summary.status,
  version: summary.version,
  createdAt: summary.createdAt,
  updatedAt: summary.updatedAt,
  ...(summary.finishedAt === undefined ? {} : { finishedAt: summary.finishedAt }),
  ...(summary.error === undefined ? {} : { error: { name: summary.error.name, message: summary.error.message, ...(summary.error.code ? { code: summary.error.code } : {}) } }),
});

/**
 * The instances a store holds, as the inspector page lists them next to the live ones: refreshed from the
 * store on demand (`refresh`, which the inspector calls on a timer), each with its stored status, version and
 * times, and, when selected, its history and its state and steps from the stored snapshot.
 */
export class StoredInstances {
  private readonly known = new Map<string, StoredSummary>();
  private failing = false;

  constructor(private readonly options: StoredInstancesOptions) {}

  /**
   * Reads the latest instances; announces what changed. A failing store keeps the last list (warned once per
   * outage), unless `strict`: the first read throws, so a store that cannot be read is reported at once.
   */
  async refresh(strict = false): Promise<void> {
    let page;
    try {
      page = await this.options.store.list({ limit: this.options.limit });
    } catch (error) {
      if (strict) throw error;
      if (!this.failing) console.warn(`[runtime-core] inspector: cannot list the instances of ${this.options.store.description}: ${error instanceof Error ? error.message : String(error)}`);
      this.failing = true;
      return;
    }
    this.failing = false;
    const seen = new Set<string>();
    for (const summary of page.instances) {
      seen.add(summary.instanceId);
      const before = this.known.get(summary.instanceId);
      this.known.set(summary.instanceId, summary);
      if (before?.version === summary.version && before.status === summary.status) continue;
      // A live instance's entry is the tracker's, decorated; a stored-only one is built here.
      const live = this.options.live(summary.instanceId);
      this.options.changed({ type: 'instance', instance: live ? this.decorate(live) : this.summaryOf(summary) });
    }
    for (const id of [...this.known.keys()]) {
      if (seen.has(id)) continue;
      this.known.delete(id);
      const live = this.options.live(id);
      this.options.changed(live ? { type: 'instance', instance: live } : { type: 'removed', instanceId: id });
    }
  }

  /** A live instance's summary with what the store holds of it. */
  decorate(summary: InstanceSummary): InstanceSummary {
    const stored = this.known.get(summary.instanceId);
    return stored ? { ...summary, stored: infoOf(stored) } : summary;
  }

  /** Listed instances that do not run here, oldest first (the page shows the newest on top). */
  storedOnly(): InstanceSummary[] {
    return [...this.known.values()]
      .filter((summary) => this.options.live(summary.instanceId) === undefined)
      .reverse()
      .map((summary) => this.summaryOf(summary));
  }

  /** Whether the store holds the instance (as of the last refresh). */
  has(instanceId: string): boolean {
    return this.known.has(instanceId);
  }

  /** The stored-only entry of an instance that the live tracker dropped. */
  stored(instanceId: string): InstanceSummary | undefined {
    const summary = this.known.get(instanceId);
    return summary && this.summaryOf(summary);
  }

  /**
   * The page's detail of an instance: the live one completed with the stored history, or, for an instance that
   * does not run here, its state and steps from the stored snapshot. Undefined when the store does not hold it.
   */
  async detail(instanceId: string, live: DetailMessage | undefined): Promise<DetailMessage | undefined> {
    const record = await this.options.store.load(instanceId);
    if (!record) return live;
    const { snapshot: _snapshot, ...summary } = record;
    this.known.set(instanceId, summary);
    const entries = await this.options.store.history(instanceId);
    const history = entries.slice(-this.options.maxHistory);
    if (live) return { ...live, instance: this.decorate(live.instance), history };
    const snapshot = (record.snapshot ?? {}) as { value?: unknown; context?: { stepStatus?: Record<string, StepRecord> } };
    return { type: 'detail', instance: this.summaryOf(summary), active: activeStateIds(snapshot.value), log: [], steps: stepsOf(record, entries), history };
  }

  private summaryOf(summary: StoredSummary): InstanceSummary {
    return {
      instanceId: summary.instanceId,
      kind: summary.kind,
      definitionId: summary.definitionId,
      definitionKey: `${summary.kind}:${summary.definitionId}`,
      status: 'stored',
      startedAt: summary.createdAt,
      ...(summary.finishedAt === undefined ? {} : { endedAt: summary.finishedAt }),
      stored: infoOf(summary),
    };
  }
}

/** A stored flow's steps (from its snapshot), timed by its history's step entries. */
function stepsOf(record: InstanceRecord, history: readonly HistoryEntry[]): Record<string, StepTiming> {
  const records = (record.snapshot as { context?: { stepStatus?: Record<string, StepRecord> } } | undefined)?.context?.stepStatus ?? {};
  const started = new Map<string, number>();
  const ended = new Map<string, number>();
  for (const entry of history) {
    const step = entry.data?.step;
    if (typeof step !== 'string') continue;
    if (entry.type === 'step.started' && !started.has(step)) started.set(step, entry.at);
    if (entry.type === 'step.completed' || entry.type === 'step.failed') ended.set(step, entry.at);
  }
  const steps: Record<string, StepTiming> = {};
  for (const [id, step] of Object.entries(records)) {
    const timing: StepTiming = { status: step.status, attempts: step.attempts, startedAt: started.get(id) ?? record.createdAt };
    const end = ended.get(id);
    if (step.status !== 'running' && end !== undefined) {
      timing.endedAt = end;
      timing.durationMs = end - timing.startedAt;
    } else if (step.delayMs !== undefined) timing.delayMs = step.delayMs;
    if (step.error) timing.error = step.error;
    steps[id] = timing;
  }
  return steps;
}
