import type { AnyActorRef } from 'xstate';

interface MachineSnapshotFields {
  status: string;
  output?: unknown;
  error?: unknown;
  value: unknown;
  historyValue?: Record<string, Array<{ id: string }>>;
  context: unknown;
  children?: Record<string, AnyActorRef | undefined>;
  machine?: unknown;
}

/**
 * The persisted snapshot of an instance's root actor, as XState's `getPersistedSnapshot()` makes it, without its
 * two costs on every write: the object rest copy of the whole snapshot and the walk of the context looking
 * for actor references. The compiled machines keep no actor in context (it is JSON, see DESIGN.md), so the
 * context goes as it is. Children persist through their own logic, as in XState. Anything that is not a
 * machine snapshot falls back to XState.
 */
export function persistedSnapshotOf(actor: AnyActorRef): unknown {
  const snapshot = actor.getSnapshot() as MachineSnapshotFields | undefined;
  if (!snapshot || snapshot.machine === undefined || typeof snapshot.value === 'undefined') return actor.getPersistedSnapshot();
  const children: Record<string, unknown> = {};
  for (const id in snapshot.children) {
    const child = snapshot.children[id] as (AnyActorRef & { systemId?: string; _syncSnapshot?: unknown }) | undefined;
    if (!child) continue;
    children[id] = { snapshot: child.getPersistedSnapshot(), src: child.src, systemId: child.systemId, syncSnapshot: child._syncSnapshot };
  }
  return {
    status: snapshot.status,
    output: snapshot.output,
    error: snapshot.error,
    value: snapshot.value,
    historyValue: historyOf(snapshot.historyValue),
    context: snapshot.context,
    children,
  };
}

/** History states by the ids of the nodes they remember, as XState serialises them. */
function historyOf(historyValue: MachineSnapshotFields['historyValue']): Record<string, Array<{ id: string }>> {
  const result: Record<string, Array<{ id: string }>> = {};
  if (typeof historyValue !== 'object' || historyValue === null) return result;
  for (const key in historyValue) {
    const value = historyValue[key];
    if (Array.isArray(value)) result[key] = value.map((item) => ({ id: item.id }));
  }
  return result;
}
