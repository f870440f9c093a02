/**
 * A machine as a Graphviz `digraph`: each compound or parallel state is a `subgraph cluster_*` (regions of a
 * parallel state dashed), final states double-bordered, initial states marked by a dot. Graphviz draws edges
 * between nodes only, so an edge from or to a compound state runs from a point inside its cluster and is
 * clipped at the cluster's border (`compound=true` with `ltail`/`lhead`).
 */
import { graphNodes, machineGraph, type GraphNode, type GraphSource, type MachineGraph } from './graph.js';
import { EDGE_COLORS } from './svg.js';

const escape = (value: string) => value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\s+/g, ' ');
/** A DOT string; several lines are joined by DOT's `\n`. */
const quote = (...lines: string[]) => `"${lines.map(escape).join('\\n')}"`;

/** Renders a machine as Graphviz DOT source. */
export function toDot(source: GraphSource | MachineGraph): string {
  const graph = 'edges' in source && 'root' in source && Array.isArray(source.edges) ? (source as MachineGraph) : machineGraph(source as GraphSource);
  const byId = new Map(graphNodes(graph).map((node) => [node.id, node]));
  const parent = new Map<string, string>();
  for (const node of byId.values()) for (const child of node.children) parent.set(child.id, node.id);
  const cluster = (node: GraphNode) => quote(`cluster_${graph.id}${node.id ? `.${node.id}` : ''}`);
  const isBox = (node: GraphNode) => node.kind !== 'initial' && node.children.length > 0;
  const within = (id: string, ancestor: string) => {
    for (let at: string | undefined = id; at !== undefined; at = parent.get(at)) if (at === ancestor) return true;
    return false;
  };
  const point = (node: GraphNode) => `${node.id ? `${node.id}.` : ''}[anchor]`;
  const points = new Set<string>();
  /** The node an edge of a cluster attaches to: its initial marker, else (or for an edge into the cluster) an invisible point. */
  const anchor = (node: GraphNode, inward: boolean) => {
    const marker = node.children.find((child) => child.kind === 'initial');
    if (marker && !inward) return marker.id;
    points.add(node.id);
    return point(node);
  };
  for (const edge of graph.edges) {
    const from = byId.get(edge.source) as GraphNode;
    const to = byId.get(edge.target) as GraphNode;
    if (isBox(from)) anchor(from, within(to.id, from.id));
    if (isBox(to)) anchor(to, within(from.id, to.id));
  }
  for (const node of byId.values()) if (isBox(node) && !node.children.some((child) => child.kind === 'initial')) points.add(node.id);

  const lines = [
    `digraph ${quote(graph.id)} {`,
    '  compound=true;',
    '  fontname="Helvetica"; fontsize=12;',
    '  node [shape=box, style="rounded,filled", fillcolor="#ffffff", color="#64748b", fontname="Helvetica", fontsize=11];',
    '  edge [fontname="Helvetica", fontsize=10, arrowsize=0.7];',
  ];
  const declare = (node: GraphNode, depth: number) => {
    const pad = '  '.repeat(depth);
    if (node.kind === 'initial') {
      lines.push(`${pad}${quote(node.id)} [shape=point, width=0.12, color="#0f172a", fillcolor="#0f172a", label=""];`);
      return;
    }
    const label = node.id === '' ? graph.id : node.label;
    if (!isBox(node)) {
      const finalStyle = node.kind === 'final' ? ', peripheries=2' : '';
      const text = node.details.length ? quote(label, node.details.join(', ')) : quote(label);
      lines.push(`${pad}${quote(node.id)} [label=${text}${finalStyle}];`);
      return;
    }
    const style = node.region ? 'dashed,rounded' : node.kind === 'parallel' ? 'bold,rounded' : 'rounded';
    lines.push(`${pad}subgraph ${cluster(node)} {`);
    lines.push(`${pad}  label=${quote(node.kind === 'parallel' ? `${label} (parallel)` : label)}; labeljust="l"; style="${style}"; color="#64748b";`);
    if (points.has(node.id)) lines.push(`${pad}  ${quote(point(node))} [shape=point, style=invis, width=0.01, label=""];`);
    for (const child of node.children) declare(child, depth + 1);
    lines.push(`${pad}}`);
  };
  declare(graph.root, 1);

  for (const edge of graph.edges) {
    const from = byId.get(edge.source) as GraphNode;
    const to = byId.get(edge.target) as GraphNode;
    const attributes: string[] = [];
    let tail = from.id;
    let head = to.id;
    if (isBox(from)) {
      const inward = within(to.id, from.id);
      tail = anchor(from, inward);
      if (!inward) attributes.push(`ltail=${cluster(from)}`);
    }
    if (isBox(to)) {
      const outward = within(from.id, to.id);
      head = anchor(to, outward);
      if (!outward) attributes.push(`lhead=${cluster(to)}`);
    }
    if (edge.label) attributes.push(`label=${quote(edge.label)}`);
    const color = EDGE_COLORS[edge.kind];
    attributes.push(`color="${color}"`, `fontcolor="${color}"`);
    if (edge.kind === 'always') attributes.push('style=dashed');
    lines.push(`  ${quote(tail)} -> ${quote(head)} [${attributes.join(', ')}];`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
