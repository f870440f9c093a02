import type { FlowMachineDefinition } from './types.js';

/**
 * Every event type that moves an instance of `definition`: its own event steps, those of its forEach bodies and
 * those of the flows it invokes as sub-flows, found in `flows` by id, transitively. A flow already visited is not
 * visited again, so flows that invoke each other terminate; a sub-flow missing from `flows` adds nothing.
 */
export function flowListens(definition: FlowMachineDefinition, flows: ReadonlyMap<string, FlowMachineDefinition>): string[] {
  const events = new Set<string>();
  const seen = new Set<string>([definition.id]);
  const visit = (flow: FlowMachineDefinition) => {
    for (const type of flow.events) events.add(type);
    for (const body of Object.values(flow.bodies)) visit(body);
    for (const sub of flow.subflows) {
      if (seen.has(sub)) continue;
      seen.add(sub);
      const subflow = flows.get(sub);
      if (subflow) visit(subflow);
    }
  };
  visit(definition);
  return [...events];
}

/** Sets `listens` of a flow definition and of its forEach bodies, resolving sub-flows through `flows`. */
export function assignListens(definition: FlowMachineDefinition, flows: ReadonlyMap<string, FlowMachineDefinition>): void {
  for (const body of Object.values(definition.bodies)) assignListens(body, flows);
  definition.listens = flowListens(definition, flows);
}
