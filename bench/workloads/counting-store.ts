// A SnapshotStore that passes every call to another store and counts the writes: how many per flow, how many
// history entries, and (while sampling) how large the snapshots are. Counting costs a few increments per write.
import type {
  HistoryEntry,
  InstancePage,
  InstanceRecord,
  ListInstancesQuery,
  SaveRequest,
  SnapshotStore,
  UnreadableInstance,
} from '../../src/index.js';

export class CountingStore implements SnapshotStore {
  readonly description: string;
  /** `save` calls, failed ones included. */
  saves = 0;
  /** `save` calls that succeeded. */
  stored = 0;
  historyEntries = 0;
  /** While true, every written snapshot is kept (for its size and for the JSON round-trip measurement). */
  sampling = false;
  readonly sampledSnapshots: unknown[] = [];

  constructor(readonly inner: SnapshotStore) {
    this.description = inner.description;
  }

  init(): Promise<void> {
    return this.inner.init();
  }

  save(request: SaveRequest): Promise<void> {
    this.saves++;
    this.historyEntries += request.history.length;
    // The record's snapshot is the runtime's own JSON copy, so keeping it shares nothing with a live actor.
    if (this.sampling) this.sampledSnapshots.push(request.record.snapshot);
    return this.inner.save(request).then(() => void this.stored++);
  }

  load(instanceId: string): Promise<InstanceRecord | undefined> {
    return this.inner.load(instanceId);
  }

  loadUnfinished(): Promise<{ records: InstanceRecord[]; unreadable: UnreadableInstance[] }> {
    return this.inner.loadUnfinished();
  }

  list(query?: ListInstancesQuery): Promise<InstancePage> {
    return this.inner.list(query);
  }

  history(instanceId: string, options?: { afterSeq?: number; limit?: number }): Promise<HistoryEntry[]> {
    return this.inner.history(instanceId, options);
  }

  deleteFinished(before: number): Promise<number> {
    return this.inner.deleteFinished(before);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

/** Reads through to another store but stores nothing: `save` is counted and resolves at once. What the runtime's side of durability costs. */
export class DiscardingStore extends CountingStore {
  override save(request: SaveRequest): Promise<void> {
    this.saves++;
    this.historyEntries += request.history.length;
    this.stored++;
    return Promise.resolve();
  }
}
