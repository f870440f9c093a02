import { createHash } from 'node:crypto';
import { flowMachineName, taskMachineName } from '../../../compiler/names.js';
import type { FlowMachineDefinition, ProcessMachineDefinition } from '../../../compiler/types.js';

/** The compiled definitions a hash is computed over. */
export interface HashableDefinitions {
  flows: ReadonlyMap<string, FlowMachineDefinition>;
  tasks: ReadonlyMap<string, FlowMachineDefinition>;
  processes: ReadonlyMap<string, ProcessMachineDefinition>;
}

/**
 * sha256 (hex) of the compiled machine of a flow or process, including every machine it invokes (sub-flows,
 * task machines, forEach bodies): two hashes are equal exactly when a snapshot of one fits the other.
 * Functions of code-built flows are hashed by their source text.
 */
export function machineHash(definitions: HashableDefinitions, kind: 'flow' | 'process', id: string): string {
  const hash = createHash('sha256');
  const seen = new Set<string>();
  const visit = (name: string, definition: FlowMachineDefinition | ProcessMachineDefinition | undefined) => {
    if (seen.has(name)) return;
    seen.add(name);
    hash.update(`${name}\n`);
    if (!definition) {
      hash.update('(missing)\n');
      return;
    }
    hash.update(stableJson({ config: definition.config, functions: definition.functions ?? {} }));
    if (definition.kind === 'flow') {
      for (const [body, bodyDefinition] of Object.entries(definition.bodies).sort(([a], [b]) => a.localeCompare(b))) visit(`body:${body}`, bodyDefinition);
      for (const sub of [...definition.subflows].sort()) visit(flowMachineName(sub), definitions.flows.get(sub));
    }
    if (definition.kind === 'process') for (const task of [...definition.tasks].sort()) visit(taskMachineName(task), definitions.tasks.get(task));
  };
  visit(`${kind}:${id}`, kind === 'flow' ? definitions.flows.get(id) : definitions.processes.get(id));
  return hash.digest('hex');
}

/** JSON with object keys sorted, functions by their source: the same machine always gives the same text. */
function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'function') return `[function ${v.toString()}]`;
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    return v;
  });
}
