import type { AnyStateMachine } from 'xstate';
import { NotFoundError, PersistenceError } from '../../errors.js';
import { needsMigrationFailure } from '../../failure.js';
import type { InstanceKind, InstanceRecord, NewHistoryEntry, SnapshotStore } from '../../persistence/store.js';
import { isFinished } from '../instance-status.js';
import type { ResolvedRuntimeOptions } from '../options.js';
import type { HostedSystem, LifecycleNotices } from './actor-runner.js';
import type { LocalInstance } from './actor-table.js';
import { findMissingStates } from './compatibility.js';
import type { RecoveryReport, SnapshotTransform } from './instance-host.js';

/** What recovery does with the host it recovers into. */
export interface RecoveryTarget {
  readonly store: SnapshotStore;
  readonly system: HostedSystem;
  readonly options: Pick<ResolvedRuntimeOptions, 'clock' | 'logger' | 'retentionMs'>;
  readonly notices: LifecycleNotices;
  /** Whether the instance runs here already. */
  has(instanceId: string): boolean;
  /** Creates the actor of a stored instance from `snapshot` and starts it, its writes beginning with `history`. */
  restore(record: InstanceRecord, snapshot: unknown, history: NewHistoryEntry[]): LocalInstance;
  startDefaultProcess(processId: string): void;
  /** Keeps a finished instance readable without an actor. */
  rememberFinished(record: InstanceRecord): void;
  purgeFinished(before: number): Promise<number>;
}

/** Creates the schema, removes expired instances, brings back every unfinished one, creates default process instances. */
export async function recoverInstances(target: RecoveryTarget): Promise<RecoveryReport> {
  const { store, system, options, notices } = target;
  const report: RecoveryReport = { recovered: [], upgraded: [], needsMigration: [], unreadable: [], removed: 0 };
  await store.init();
  if (options.retentionMs !== undefined) report.removed = await target.purgeFinished(options.clock.now() - options.retentionMs);
  const { records, unreadable } = await store.loadUnfinished();
  for (const problem of unreadable) {
    report.unreadable.push(problem);
    options.logger.error(`Instance "${problem.instanceId}" cannot be read from the store and was skipped: ${problem.error.message}`, { instanceId: problem.instanceId });
    notices.lifecycle('instance.unreadable', () => ({ ...problem }));
  }
  // A store may hold other systems' instances too: each runtime recovers its own.
  for (const record of records) if (record.systemId === system.systemId) await recoverOne(target, record, report);
  for (const processId of system.processIds()) {
    if (target.has(processId)) continue;
    const stored = await store.load(processId);
    if (stored && stored.systemId !== system.systemId) {
      throw new PersistenceError(
        'CONCURRENCY_CONFLICT',
        `The default instance of process "${processId}" cannot be created: instance "${processId}" in ${store.description} belongs to system "${stored.systemId}". Give each system its own store (or PostgreSQL schema), or rename the process`,
        { instanceId: processId },
      );
    }
    if (!stored) target.startDefaultProcess(processId);
    // A finished default instance stays readable, as it would have in the runtime that ran it.
    else if (isFinished(stored.status) && stored.kind === 'process') target.rememberFinished(stored);
  }
  return report;
}

async function recoverOne(target: RecoveryTarget, record: InstanceRecord, report: RecoveryReport): Promise<void> {
  if (target.has(record.instanceId)) return;
  const machine = target.system.machineFor(record.kind, record.definitionId);
  const missing = machine ? missingStates(target.system, record, machine, record.snapshot) : [`${record.kind} "${record.definitionId}" (no longer in the system)`];
  if (missing.length > 0) {
    await markNeedsMigration(target, record, missing);
    report.needsMigration.push({ instanceId: record.instanceId, definitionId: record.definitionId, missing });
    return;
  }
  const hash = target.system.hashOf(record.kind, record.definitionId);
  const now = target.options.clock.now();
  const history: NewHistoryEntry[] = [{ at: now, type: 'instance.recovered', data: { version: record.version } }];
  if (hash !== record.machineHash) history.push({ at: now, type: 'instance.upgraded', data: { fromHash: record.machineHash, toHash: hash } });
  try {
    target.restore(record, record.snapshot, history);
  } catch (thrown) {
    const detail = thrown instanceof Error ? thrown.message : String(thrown);
    await markNeedsMigration(target, record, [`snapshot does not restore: ${detail}`]);
    report.needsMigration.push({ instanceId: record.instanceId, definitionId: record.definitionId, missing: [`snapshot does not restore: ${detail}`] });
    return;
  }
  report.recovered.push(record.instanceId);
  if (hash !== record.machineHash) report.upgraded.push(record.instanceId);
}

/** States and invocations the snapshot needs that the current machine lacks (none when the hash is unchanged). */
function missingStates(system: HostedSystem, record: InstanceRecord, machine: AnyStateMachine, snapshot: unknown): string[] {
  if (system.hashOf(record.kind, record.definitionId) === record.machineHash && snapshot === record.snapshot) return [];
  return findMissingStates(machine, snapshot);
}

async function markNeedsMigration(target: RecoveryTarget, record: InstanceRecord, missing: string[]): Promise<void> {
  const message = `Instance "${record.instanceId}" of ${record.kind} "${record.definitionId}" cannot continue on the current machine; missing: ${missing.join(', ')}. Move it on with runtime.migrateInstance("${record.instanceId}", transform).`;
  target.options.logger.warn(message, { instanceId: record.instanceId, missing });
  target.notices.lifecycle('instance.needs-migration', () => ({ instanceId: record.instanceId, definitionId: record.definitionId, missing }));
  if (record.status === 'needs-migration' && JSON.stringify(record.error?.missing) === JSON.stringify(missing)) return;
  const now = target.options.clock.now();
  await target.store.save({
    record: { ...record, status: 'needs-migration', error: needsMigrationFailure(message, missing), version: record.version + 1, updatedAt: now },
    expectedVersion: record.version,
    history: [{ at: now, type: 'instance.needs-migration', data: { missing } }],
  });
}

/** Applies `transform` to a stored instance's snapshot, checks it fits the current machine, and runs it. */
export async function migrateInstance(target: RecoveryTarget, instanceId: string, transform: SnapshotTransform, unknown: (id: string) => NotFoundError): Promise<void> {
  const { store, system } = target;
  if (target.has(instanceId)) {
    throw new PersistenceError('NEEDS_MIGRATION', `Instance "${instanceId}" runs on the current machine already; only instances marked needs-migration can be migrated`, { instanceId });
  }
  const record = await store.load(instanceId);
  if (!record) throw unknown(instanceId);
  if (isFinished(record.status)) throw new PersistenceError('INSTANCE_FINISHED', `Instance "${instanceId}" is already ${record.status}`, { instanceId });
  if (record.systemId !== system.systemId) {
    throw new PersistenceError('NEEDS_MIGRATION', `Instance "${instanceId}" belongs to system "${record.systemId}", not "${system.systemId}": migrate it with a runtime of its own system`, { instanceId });
  }
  const machine = system.machineFor(record.kind, record.definitionId);
  if (!machine) throw new NotFoundError(record.kind as InstanceKind, record.definitionId, [], `(instance "${instanceId}" belongs to it)`);
  const snapshot = await transform(structuredClone(record.snapshot), structuredClone(record));
  const missing = findMissingStates(machine, snapshot);
  if (missing.length > 0) {
    throw new PersistenceError('NEEDS_MIGRATION', `Instance "${instanceId}": the migrated snapshot still needs what the machine lacks: ${missing.join(', ')}`, { instanceId });
  }
  const now = target.options.clock.now();
  const history: NewHistoryEntry[] = [{ at: now, type: 'instance.migrated', data: { fromHash: record.machineHash, toHash: system.hashOf(record.kind, record.definitionId) } }];
  const instance = target.restore({ ...record, status: 'running' }, snapshot, history);
  await instance.writer?.drained();
}
