import type { AnyStateMachine, AnyStateNode, StateValue } from 'xstate';

interface PersistedChild {
  src?: unknown;
  snapshot?: unknown;
}

interface PersistedMachineSnapshot {
  value?: StateValue;
  context?: unknown;
  children?: Record<string, PersistedChild | undefined>;
}

/**
 * What a persisted snapshot needs that `machine` lacks: states it is in, machines of actors it runs, and
 * invocations of its active states. Empty when the snapshot can continue on the machine.
 * Paths read `running.charge.$attempt`; a child's are prefixed with its id: `lines[1]/running.pack`.
 */
export function findMissingStates(machine: AnyStateMachine, snapshot: unknown, prefix = ''): string[] {
  const persisted = (snapshot ?? {}) as PersistedMachineSnapshot;
  const missing: string[] = [];
  const active: AnyStateNode[] = [];
  if (persisted.value !== undefined) walk(machine.root, persisted.value, prefix, missing, active);
  if (missing.length > 0) return missing;
  const invoked = new Set(active.flatMap((node) => node.invoke.map((invoke) => invoke.id)));
  const actors = (machine.implementations.actors ?? {}) as Record<string, unknown>;
  for (const [childId, child] of Object.entries(persisted.children ?? {})) {
    const src = typeof child?.src === 'string' ? child.src : undefined;
    if (src === undefined) continue;
    const logic = actors[src];
    if (!logic) {
      missing.push(`${prefix}${childId} (actor "${src}")`);
      continue;
    }
    // forEach bodies are spawned under `each:<step>`; every other child is invoked by a state it is in.
    if (!src.startsWith('each:') && !invoked.has(childId)) missing.push(`${prefix}${childId} (invoked by no active state)`);
    if (isMachine(logic) && child?.snapshot) missing.push(...findMissingStates(logic, child.snapshot, `${prefix}${childId}/`));
  }
  return missing;
}

function walk(node: AnyStateNode, value: StateValue, prefix: string, missing: string[], active: AnyStateNode[]): void {
  active.push(node);
  const entries: Array<[string, StateValue | undefined]> = typeof value === 'string' ? [[value, undefined]] : Object.entries(value);
  for (const [key, inner] of entries) {
    const child = node.states[key];
    if (!child) {
      missing.push(`${prefix}${key}`);
      continue;
    }
    if (inner === undefined) active.push(child);
    else walk(child, inner, `${prefix}${key}.`, missing, active);
  }
}

function isMachine(logic: unknown): logic is AnyStateMachine {
  return typeof logic === 'object' && logic !== null && 'root' in logic && 'implementations' in logic;
}
