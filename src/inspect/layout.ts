/**
 * Lays a machine out with elkjs (layered, hierarchical): compound and parallel states become nested boxes,
 * transitions routed edges with placed labels. The result is plain data in absolute coordinates, drawn by
 * `renderSvg` here and by the inspector page. Nothing here needs Node: in a browser, pass the `ELK` of
 * `elkjs/lib/elk.bundled.js` as `options.elk` and the bundled build is never imported.
 */
import type { ElkExtendedEdge, ElkNode, LayoutOptions as ElkLayoutOptions } from 'elkjs/lib/elk-api.js';
import { machineGraph, type GraphEdge, type GraphNode, type GraphSource, type MachineGraph } from './graph.js';

export interface Point {
  x: number;
  y: number;
}

export interface Box extends Point {
  width: number;
  height: number;
}

/** A state (or initial marker) with its box, in absolute coordinates. */
export interface LaidOutNode extends Omit<GraphNode, 'children'>, Box {
  children: LaidOutNode[];
}

export interface LaidOutSection {
  start: Point;
  end: Point;
  bends: Point[];
}

export interface LaidOutEdge extends GraphEdge {
  sections: LaidOutSection[];
  /** The whole route: each section's start, bends and end. */
  points: Point[];
  /** Where the label goes; absent for unlabelled (initial) edges. */
  labelBox?: Box;
}

export interface LaidOutGraph {
  id: string;
  width: number;
  height: number;
  /** One node, the machine root, holding the rest. */
  nodes: LaidOutNode[];
  edges: LaidOutEdge[];
}

/** The part of elkjs's API the layout uses. */
export interface ElkEngine {
  layout(graph: ElkNode): Promise<ElkNode>;
}

export interface LayoutOptions {
  /** @default 'DOWN' */
  direction?: 'DOWN' | 'RIGHT';
  /** @default a shared instance of elkjs's bundled build (no web worker) */
  elk?: ElkEngine;
}

/** The font the layout measures text for; the SVG uses the same. */
export const FONT = {
  family: "'Helvetica Neue', Helvetica, Arial, 'DejaVu Sans', sans-serif",
  state: 12,
  title: 12,
  detail: 10,
  edge: 11,
} as const;

const NARROW = new Set("iljtf.,:;'|!I []()-");
const WIDE = new Set('mwMW@…');

/** An estimate of a text's width in a sans-serif font, generous enough for Helvetica, Arial and DejaVu Sans. */
export function textWidth(value: string, fontSize: number, bold = false): number {
  let em = 0;
  for (const ch of value) {
    if (NARROW.has(ch)) em += 0.3;
    else if (WIDE.has(ch)) em += 0.88;
    else if (ch >= 'A' && ch <= 'Z') em += 0.7;
    else em += 0.58;
  }
  return Math.ceil(em * fontSize * (bold ? 1.12 : 1.05));
}

/** Sizes of the drawing: the SVG draws titles and borders where these leave room for them. */
export const METRICS = {
  marker: 12,
  stateHeight: 30,
  detailHeight: 13,
  finalInset: 3,
  titleHeight: 26,
  padding: 12,
  labelHeight: 14,
  labelPadding: 4,
} as const;

const ROOT_OPTIONS = (direction: 'DOWN' | 'RIGHT'): ElkLayoutOptions => ({
  'elk.algorithm': 'layered',
  'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
  'elk.direction': direction,
  'elk.edgeRouting': 'ORTHOGONAL',
  'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
  'elk.layered.spacing.nodeNodeBetweenLayers': '32',
  'elk.layered.spacing.edgeNodeBetweenLayers': '14',
  'elk.spacing.nodeNode': '24',
  'elk.spacing.edgeNode': '14',
  'elk.spacing.edgeEdge': '10',
  'elk.spacing.edgeLabel': '3',
  'elk.padding': '[top=8,left=8,bottom=8,right=8]',
});

function leafSize(node: GraphNode): { width: number; height: number } {
  if (node.kind === 'initial') return { width: METRICS.marker, height: METRICS.marker };
  const inset = node.kind === 'final' ? 2 * METRICS.finalInset : 0;
  const detail = node.details.join(', ');
  const width = Math.max(textWidth(node.label, FONT.state), detail ? textWidth(detail, FONT.detail) : 0) + 24 + inset;
  const height = METRICS.stateHeight + (detail ? METRICS.detailHeight : 0) + inset;
  return { width: Math.max(width, 48), height };
}

function elkNode(node: GraphNode, elkIds: Map<string, string>): ElkNode {
  const id = `n${elkIds.size}`;
  elkIds.set(node.id, id);
  if (node.children.length === 0) {
    const out: ElkNode = { id, ...leafSize(node) };
    if (node.kind === 'initial') out.layoutOptions = { 'elk.layered.layering.layerConstraint': 'FIRST' };
    return out;
  }
  const detail = node.details.join(', ');
  const titleWidth = textWidth(node.label, FONT.title, true) + (detail ? textWidth(detail, FONT.detail) + 8 : 0) + 2 * METRICS.padding;
  return {
    id,
    layoutOptions: {
      'elk.padding': `[top=${METRICS.titleHeight + 6},left=${METRICS.padding},bottom=${METRICS.padding},right=${METRICS.padding}]`,
      'elk.nodeSize.constraints': 'MINIMUM_SIZE',
      'elk.nodeSize.minimum': `(${titleWidth}, ${METRICS.titleHeight + 2 * METRICS.padding})`,
    },
    children: node.children.map((child) => elkNode(child, elkIds)),
  };
}

/** The deepest node holding both ends, as ELK expects an edge's container (a self-loop: the node's parent). */
function container(edge: GraphEdge, parents: Map<string, string | undefined>): string | undefined {
  const chain = (id: string | undefined) => {
    const out: string[] = [];
    for (let at = id; at !== undefined; at = parents.get(at)) out.push(at);
    return out;
  };
  if (edge.source === edge.target) return parents.get(edge.source);
  const targets = new Set(chain(edge.target));
  return chain(edge.source).find((id) => targets.has(id));
}

let sharedElk: ElkEngine | undefined;
async function defaultElk(): Promise<ElkEngine> {
  if (!sharedElk) {
    type Ctor = new () => ElkEngine;
    const loaded = (await import('elkjs/lib/elk.bundled.js')) as unknown as { default: Ctor | { default: Ctor } };
    const ELK = typeof loaded.default === 'function' ? loaded.default : loaded.default.default;
    sharedElk = new ELK();
  }
  return sharedElk;
}

const isGraph = (input: GraphSource | MachineGraph): input is MachineGraph =>
  'root' in input && 'edges' in input && Array.isArray((input as MachineGraph).edges);

/** Lays out a machine (or a graph from `machineGraph`) as nested boxes and routed, labelled edges. */
export async function layoutMachine(input: GraphSource | MachineGraph, options: LayoutOptions = {}): Promise<LaidOutGraph> {
  const graph = isGraph(input) ? input : machineGraph(input);
  const elkIds = new Map<string, string>();
  const rootNode = elkNode(graph.root, elkIds);
  const parents = new Map<string, string | undefined>();
  const elkById = new Map<string, ElkNode>();
  const index = (node: GraphNode, elk: ElkNode, parent: string | undefined) => {
    parents.set(node.id, parent);
    elkById.set(node.id, elk);
    node.children.forEach((child, i) => index(child, elk.children?.[i] as ElkNode, node.id));
  };
  index(graph.root, rootNode, undefined);

  const canvas: ElkNode = { id: 'canvas', layoutOptions: ROOT_OPTIONS(options.direction ?? 'DOWN'), children: [rootNode], edges: [] };
  const elkId = (id: string) => elkIds.get(id) as string;
  for (const edge of graph.edges) {
    const holder = container(edge, parents);
    const owner = holder === undefined ? canvas : (elkById.get(holder) as ElkNode);
    const elkEdge: ElkExtendedEdge = { id: edge.id, sources: [elkId(edge.source)], targets: [elkId(edge.target)] };
    if (edge.label) {
      const width = textWidth(edge.label, FONT.edge) + 2 * METRICS.labelPadding;
      // Next to the state the transition leaves, so that long edges into `failed` stay readable.
      // (An edge from a box to a state inside it starts at the box's title: its label goes in the middle.)
      const placement = holder === edge.source ? 'CENTER' : 'TAIL';
      elkEdge.labels = [{ text: edge.label, width, height: METRICS.labelHeight, layoutOptions: { 'elk.edgeLabels.placement': placement } }];
    }
    (owner.edges ??= []).push(elkEdge);
  }

  const elk = options.elk ?? (await defaultElk());
  const result = await elk.layout(canvas);

  // ELK gives positions relative to the parent node (edges: to their container); make them absolute.
  const origin = new Map<string, Point>();
  const laidOutEdges = new Map<string, ElkExtendedEdge & { container?: string }>();
  const absolute = (elk: ElkNode, node: GraphNode | undefined, at: Point): LaidOutNode | undefined => {
    origin.set(elk.id, at);
    for (const edge of elk.edges ?? []) laidOutEdges.set(edge.id, { ...edge, container: (edge as { container?: string }).container ?? elk.id });
    const children = (elk.children ?? []).map((child, i) => {
      const childAt = { x: at.x + (child.x ?? 0), y: at.y + (child.y ?? 0) };
      return absolute(child, node ? node.children[i] : graph.root, childAt) as LaidOutNode;
    });
    if (!node) return children[0];
    const { children: _children, ...rest } = node;
    return { ...rest, x: at.x, y: at.y, width: elk.width ?? 0, height: elk.height ?? 0, children };
  };
  const root = absolute(result, undefined, { x: 0, y: 0 }) as LaidOutNode;

  const move = (p: Point, by: Point): Point => ({ x: by.x + p.x, y: by.y + p.y });
  const edges = graph.edges.map((edge): LaidOutEdge => {
    const elkEdge = laidOutEdges.get(edge.id);
    const by = origin.get(elkEdge?.container ?? 'canvas') ?? { x: 0, y: 0 };
    const sections = (elkEdge?.sections ?? []).map((s) => ({
      start: move(s.startPoint, by),
      end: move(s.endPoint, by),
      bends: (s.bendPoints ?? []).map((p) => move(p, by)),
    }));
    const out: LaidOutEdge = { ...edge, sections, points: sections.flatMap((s) => [s.start, ...s.bends, s.end]) };
    const label = elkEdge?.labels?.[0];
    if (label && edge.label) {
      out.labelBox = { ...move({ x: label.x ?? 0, y: label.y ?? 0 }, by), width: label.width ?? 0, height: label.height ?? 0 };
    }
    return out;
  });
  return { id: graph.id, width: result.width ?? 0, height: result.height ?? 0, nodes: [root], edges };
}
