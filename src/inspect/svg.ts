/**
 * Draws a laid-out machine as one self-contained SVG: presentation attributes only (no stylesheet, no
 * external font or asset), so it renders the same in a browser, an image viewer and a Markdown page.
 * Each state is a `<g data-state="<id>">` and each transition a `<g data-edge="<id>">`, for pages that
 * restyle them live.
 */
import { FONT, METRICS, type LaidOutEdge, type LaidOutGraph, type LaidOutNode, type Point } from './layout.js';
import type { GraphEdgeKind } from './graph.js';

export interface RenderSvgOptions {
  /** Ids of the states to highlight (see `activeStateIds`). */
  active?: readonly string[];
}

const COLORS = {
  text: '#0f172a',
  muted: '#64748b',
  border: '#64748b',
  fill: ['#f8fafc', '#ffffff'],
  activeFill: '#dbeafe',
  activeBorder: '#2563eb',
  labelBackground: '#ffffff',
} as const;

export const EDGE_COLORS: Record<GraphEdgeKind, string> = {
  event: '#334155',
  always: '#64748b',
  done: '#15803d',
  error: '#b91c1c',
  timer: '#7c3aed',
  initial: '#0f172a',
};

/** Escapes text and attribute values. */
export function escapeXml(value: string): string {
  return value.replace(/[&<>"]/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[ch] as string);
}

const n = (value: number) => String(Math.round(value * 10) / 10);

function attrs(values: Record<string, string | number | undefined>): string {
  return Object.entries(values)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([key, value]) => ` ${key}="${typeof value === 'number' ? n(value) : escapeXml(value)}"`)
    .join('');
}

const rect = (x: number, y: number, width: number, height: number, extra: Record<string, string | number | undefined>) =>
  `<rect${attrs({ x, y, width, height, ...extra })}/>`;

const textAt = (x: number, y: number, value: string, extra: Record<string, string | number | undefined>) =>
  `<text${attrs({ x, y, ...extra })}>${escapeXml(value)}</text>`;

function drawNode(node: LaidOutNode, depth: number, active: ReadonlySet<string>, out: string[]): void {
  const on = active.has(node.id);
  const stroke = on ? COLORS.activeBorder : COLORS.border;
  const strokeWidth = on ? 2.5 : 1.2;
  out.push(`<g${attrs({ 'data-state': node.id, 'data-kind': node.kind, 'data-active': on ? 'true' : undefined })}>`);
  out.push(`<title>${escapeXml(node.description ? `${node.id || node.label}: ${node.description}` : node.id || node.label)}</title>`);
  const { x, y, width, height } = node;
  const detail = node.details.join(', ');
  if (node.kind === 'initial') {
    out.push(`<circle${attrs({ cx: x + width / 2, cy: y + height / 2, r: width / 2, fill: on ? COLORS.activeBorder : COLORS.text })}/>`);
  } else if (node.children.length > 0) {
    const fill = node.region ? 'none' : COLORS.fill[depth % 2];
    const dash = node.region ? '6 4' : undefined;
    out.push(rect(x, y, width, height, { rx: 8, fill, stroke, 'stroke-width': strokeWidth, 'stroke-dasharray': dash }));
    const title = textAt(x + METRICS.padding, y + 19, node.label, { 'font-size': FONT.title, 'font-weight': 'bold', fill: COLORS.text });
    out.push(title);
    if (node.kind === 'parallel' || detail) {
      const note = [node.kind === 'parallel' ? 'parallel' : '', detail].filter(Boolean).join(' · ');
      out.push(textAt(x + width - METRICS.padding, y + 19, note, { 'font-size': FONT.detail, 'text-anchor': 'end', fill: COLORS.muted }));
    }
  } else {
    const fill = on ? COLORS.activeFill : '#ffffff';
    out.push(rect(x, y, width, height, { rx: 6, fill, stroke, 'stroke-width': strokeWidth }));
    if (node.kind === 'final') {
      const inset = METRICS.finalInset;
      out.push(rect(x + inset, y + inset, width - 2 * inset, height - 2 * inset, { rx: 4, fill: 'none', stroke, 'stroke-width': strokeWidth }));
    }
    const middle = y + height / 2 - (detail ? METRICS.detailHeight / 2 : 0);
    out.push(textAt(x + width / 2, middle + 4, node.label, { 'font-size': FONT.state, 'text-anchor': 'middle', fill: COLORS.text }));
    if (detail) out.push(textAt(x + width / 2, middle + 4 + METRICS.detailHeight, detail, { 'font-size': FONT.detail, 'text-anchor': 'middle', fill: COLORS.muted }));
  }
  out.push('</g>');
  for (const child of node.children) drawNode(child, depth + 1, active, out);
}

/** A filled triangle at `tip`, pointing along `from → tip`. */
function arrowHead(from: Point, tip: Point, color: string): string {
  const dx = tip.x - from.x;
  const dy = tip.y - from.y;
  const length = Math.hypot(dx, dy) || 1;
  const [ux, uy] = [dx / length, dy / length];
  const base = { x: tip.x - ux * 8, y: tip.y - uy * 8 };
  const points = [tip, { x: base.x - uy * 4, y: base.y + ux * 4 }, { x: base.x + uy * 4, y: base.y - ux * 4 }];
  return `<polygon${attrs({ points: points.map((p) => `${n(p.x)},${n(p.y)}`).join(' '), fill: color })}/>`;
}

function drawEdge(edge: LaidOutEdge): string {
  const color = EDGE_COLORS[edge.kind];
  const parts = [`<g${attrs({ 'data-edge': edge.id, 'data-source': edge.source, 'data-target': edge.target, 'data-kind': edge.kind })}>`];
  if (edge.label) parts.push(`<title>${escapeXml(edge.guard ? `${edge.event} [${edge.guard}]` : edge.label)}</title>`);
  for (const section of edge.sections) {
    const points = [section.start, ...section.bends, section.end];
    const d = points.map((p, i) => `${i ? 'L' : 'M'}${n(p.x)} ${n(p.y)}`).join(' ');
    const dash = edge.kind === 'always' ? '4 3' : undefined;
    parts.push(`<path${attrs({ d, fill: 'none', stroke: color, 'stroke-width': 1.3, 'stroke-linejoin': 'round', 'stroke-dasharray': dash })}/>`);
    const before = points.at(-2);
    if (before) parts.push(arrowHead(before, section.end, color));
  }
  parts.push('</g>');
  return parts.join('');
}

function drawLabel(edge: LaidOutEdge): string {
  const box = edge.labelBox;
  if (!box || !edge.label) return '';
  const color = EDGE_COLORS[edge.kind];
  return (
    `<g${attrs({ 'data-edge-label': edge.id })}>` +
    rect(box.x, box.y, box.width, box.height, { rx: 3, fill: COLORS.labelBackground, 'fill-opacity': 0.9 }) +
    textAt(box.x + METRICS.labelPadding, box.y + box.height - 3.5, edge.label, { 'font-size': FONT.edge, fill: color }) +
    '</g>'
  );
}

/** Renders a laid-out machine as a standalone SVG document, highlighting `options.active`. */
export function renderSvg(graph: LaidOutGraph, options: RenderSvgOptions = {}): string {
  const active = new Set(options.active ?? []);
  const out: string[] = [];
  const { width, height } = graph;
  out.push(
    `<svg${attrs({ xmlns: 'http://www.w3.org/2000/svg', width, height, viewBox: `0 0 ${n(width)} ${n(height)}`, 'font-family': FONT.family, role: 'img' })}>`,
  );
  out.push(`<title>${escapeXml(graph.id)}</title>`);
  out.push(rect(0, 0, width, height, { fill: '#ffffff' }));
  for (const node of graph.nodes) drawNode(node, 0, active, out);
  for (const edge of graph.edges) out.push(drawEdge(edge));
  for (const edge of graph.edges) out.push(drawLabel(edge));
  out.push('</svg>');
  return `${out.filter(Boolean).join('\n')}\n`;
}
