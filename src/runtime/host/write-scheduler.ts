import { InstanceWriter } from './instance-writer.js';
import type { TrackSpec, WriteOwner, WriteSchedulerOptions } from './write-types.js';

export type { TrackSpec, WriteListener, WriteSchedulerOptions } from './write-types.js';


/**
 * Persists instances after every macrostep: the snapshot, status and history in one versioned write per
 * instance at a time. Writes are coalesced per microtask; a task attempt starts only once the snapshot
 * that started it is stored (`whenDurable`), so a crash never forgets a step that ran to completion.
 */
export class WriteScheduler implements WriteOwner {
  private readonly instances = new Map<string, InstanceWriter>();
  private writes = 0;
  private readonly queued: Array<() => void> = [];

  constructor(readonly options: WriteSchedulerOptions) {}

  /**
   * A slot for one write. Writes beyond `maxConcurrentWrites` wait here, in order, rather than in a database
   * pool whose wait counts against its connection timeout (10,000 instances recovered at once, say).
   * @internal
   */
  acquire(): Promise<void> {
    if (this.writes < this.options.maxConcurrentWrites) {
      this.writes++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.queued.push(resolve));
  }

  /** @internal */
  release(): void {
    const next = this.queued.shift();
    if (next) next();
    else this.writes--;
  }

  /** Starts persisting an instance; its `inspect` callback goes to the actor's options, then `bind(actor)`. */
  track(spec: TrackSpec): InstanceWriter {
    const durable = new InstanceWriter(this, spec);
    this.instances.set(spec.instanceId, durable);
    return durable;
  }

  get(instanceId: string): InstanceWriter | undefined {
    return this.instances.get(instanceId);
  }

  /** @internal */
  forget(durable: InstanceWriter): void {
    if (this.instances.get(durable.instanceId) === durable) this.instances.delete(durable.instanceId);
  }

  /**
   * Resolves once the latest state of the instance that `instanceId` belongs to (a forEach body's id is
   * `<root>/<step>[i]`) is stored; stays pending while the store is unavailable.
   */
  whenDurable(instanceId: string): Promise<void> {
    let id = instanceId;
    for (;;) {
      const durable = this.instances.get(id);
      if (durable) return durable.whenDurable();
      const slash = id.lastIndexOf('/');
      if (slash < 0) return Promise.resolve();
      id = id.slice(0, slash);
    }
  }

  /** Resolves once every instance's latest state is stored; stays pending while the store is unavailable. */
  async whenAllDurable(): Promise<void> {
    await Promise.all([...this.instances.values()].map((durable) => durable.whenDurable()));
  }

  /** Waits for every pending write (those that can succeed). */
  async drain(): Promise<void> {
    await Promise.all([...this.instances.values()].map((durable) => durable.drained()));
  }

  /** Stops writing: the stored state stays what it was, so the next runtime recovers from there. */
  detachAll(): void {
    for (const durable of this.instances.values()) durable.detach();
    this.instances.clear();
  }
}

