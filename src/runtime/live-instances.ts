import { NotFoundError } from '../errors.js';
import type { InstancePage, InstanceSummary, ListInstancesQuery } from '../persistence/store.js';
import { statusOf } from './durability.js';
import type { Instance, InstanceRegistry } from './instances.js';

/**
 * Queries and control of instances for a runtime without a store: they exist only as actors in memory,
 * and are described the way a store would describe them.
 */
export class LiveInstances {
  constructor(
    private readonly instances: InstanceRegistry,
    private readonly describe: { systemId: string; systemVersion: string; hashOf(instance: Instance): string },
    private readonly noteTermination: (instanceId: string, reason: string) => void,
  ) {}

  list(query: ListInstancesQuery): InstancePage {
    const statuses = query.status === undefined ? undefined : typeof query.status === 'string' ? [query.status] : query.status;
    const instances = this.instances
      .ids()
      .map((id) => this.summary(this.instances.get(id) as Instance))
      .filter((summary) => !statuses || statuses.includes(summary.status))
      .filter((summary) => query.flowId === undefined || (summary.kind === 'flow' && summary.definitionId === query.flowId))
      .filter((summary) => query.processId === undefined || (summary.kind === 'process' && summary.definitionId === query.processId));
    return { instances: instances.slice(0, query.limit ?? 100) };
  }

  get(instanceId: string): InstanceSummary {
    return this.summary(this.find(instanceId));
  }

  /** A flow cancels through its machine; anything else stops where it is. */
  end(instanceId: string, status: 'cancelled' | 'terminated', reason: string): void {
    const instance = this.find(instanceId);
    if (status === 'cancelled' && instance.kind === 'flow') {
      instance.actor.send({ type: 'flow.cancel' });
      return;
    }
    this.noteTermination(instanceId, reason);
    this.instances.drop(instanceId);
    instance.actor.stop();
  }

  private find(instanceId: string): Instance {
    const instance = this.instances.get(instanceId);
    if (!instance) throw new NotFoundError('instance', instanceId, this.instances.ids());
    return instance;
  }

  private summary(instance: Instance): InstanceSummary {
    const snapshot = instance.actor.getSnapshot() as { status?: string; value?: unknown; output?: unknown; error?: unknown };
    return {
      instanceId: instance.instanceId,
      kind: instance.kind,
      definitionId: instance.definitionId,
      status: statusOf(instance.kind, snapshot).status,
      systemId: this.describe.systemId,
      systemVersion: this.describe.systemVersion,
      machineHash: this.describe.hashOf(instance),
      version: 0,
      createdAt: 0,
      updatedAt: 0,
    };
  }
}
