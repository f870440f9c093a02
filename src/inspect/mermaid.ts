/**
 * A machine as a Mermaid `stateDiagram-v2`: compound states as nested `state X { }` blocks, parallel
 * regions separated by `--`, `[*] -->` for initial states and `--> [*]` after final ones. Mermaid ids allow
 * few characters, so each state gets a unique identifier and keeps its real name as its label
 * (`state "$attempt" as attempt`, then `refund_attempt`).
 */
import { graphNodes, machineGraph, type GraphNode, type GraphSource, type MachineGraph } from './graph.js';

/** Words Mermaid's state diagram grammar reserves. */
const RESERVED = new Set(['state', 'note', 'end', 'as', 'direction', 'classdef', 'class', 'style', 'click', 'default', 'hide', 'scale']);

const sanitize = (value: string) => value.replace(/[^A-Za-z0-9_]+/g, '_').replace(/__+/g, '_').replace(/^_+|_+$/g, '');

/** Unique Mermaid identifiers: the key when free, else qualified by its parents' keys, else numbered. */
function mermaidIds(graph: MachineGraph): Map<string, string> {
  const ids = new Map<string, string>();
  const taken = new Set<string>();
  const claim = (candidate: string) => !taken.has(candidate.toLowerCase()) && !RESERVED.has(candidate.toLowerCase()) && /^[A-Za-z]/.test(candidate);
  for (const node of graphNodes(graph)) {
    if (node.kind === 'initial') continue;
    const path = node.id === '' ? [graph.id] : node.id.split('.');
    let id: string | undefined;
    for (let from = path.length - 1; from >= 0 && id === undefined; from--) {
      const candidate = sanitize(path.slice(from).join('_'));
      if (claim(candidate)) id = candidate;
    }
    for (let i = 2; id === undefined; i++) if (claim(`s_${sanitize(node.id)}_${i}`)) id = `s_${sanitize(node.id)}_${i}`;
    ids.set(node.id, id);
    taken.add(id.toLowerCase());
  }
  return ids;
}

/**
 * Mermaid 11 does not decode its `#34;` entity codes in state diagrams, so characters it would misread are
 * replaced instead: `;` ends a statement, `<` opens an HTML tag, and a quoted name cannot hold `"`.
 */
const escapeText = (value: string) => value.replace(/\s+/g, ' ').replace(/;/g, ',').replace(/</g, '‹');
const escapeName = (value: string) => escapeText(value).replace(/"/g, "'");

/** Renders a machine as Mermaid `stateDiagram-v2` source. */
export function toMermaid(source: GraphSource | MachineGraph): string {
  const graph = 'edges' in source && 'root' in source && Array.isArray(source.edges) ? (source as MachineGraph) : machineGraph(source as GraphSource);
  const ids = mermaidIds(graph);
  const id = (nodeId: string) => ids.get(nodeId) as string;
  const lines = ['stateDiagram-v2'];
  const pad = (depth: number) => '  '.repeat(depth);

  const declare = (node: GraphNode, depth: number) => {
    if (node.kind === 'initial') return;
    const own = id(node.id);
    const name = node.id === '' ? graph.id : node.label;
    // Always the quoted form: Mermaid misreads a bare `state x` followed by `state y {`.
    const head = `state "${escapeName(name)}" as ${own}`;
    const states = node.children.filter((child) => child.kind !== 'initial');
    if (states.length === 0) {
      lines.push(`${pad(depth)}${head}`);
      if (node.details.length) lines.push(`${pad(depth)}${own} : ${escapeText(node.details.join(', '))}`);
      return;
    }
    lines.push(`${pad(depth)}${head} {`);
    const marker = graph.edges.find((edge) => edge.kind === 'initial' && node.children.some((child) => child.id === edge.source));
    if (marker) lines.push(`${pad(depth + 1)}[*] --> ${id(marker.target)}`);
    states.forEach((child, i) => {
      if (node.kind === 'parallel' && i > 0) lines.push(`${pad(depth + 1)}--`);
      declare(child, depth + 1);
      if (child.kind === 'final') lines.push(`${pad(depth + 1)}${id(child.id)} --> [*]`);
    });
    lines.push(`${pad(depth)}}`);
  };
  declare(graph.root, 1);

  for (const edge of graph.edges) {
    if (edge.kind === 'initial') continue;
    const label = edge.label ? ` : ${escapeText(edge.label)}` : '';
    lines.push(`  ${id(edge.source)} --> ${id(edge.target)}${label}`);
  }
  return `${lines.join('\n')}\n`;
}
