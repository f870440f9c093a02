// runtime-core/inspect: the live inspector and statechart diagrams (kept apart so the main entry stays light).
export { createInspector } from './inspector.js';
export type { Inspector, InspectorOptions } from './inspector.js';
export { machineGraph, graphNodes, activeStateIds, formatDelay } from './graph.js';
export type { MachineGraph, GraphNode, GraphEdge, GraphSource } from './graph.js';
export { toMermaid } from './mermaid.js';
export { toDot } from './dot.js';
export { layoutMachine } from './layout.js';
export type { LaidOutGraph, LaidOutNode, LaidOutEdge, LayoutOptions } from './layout.js';
export { renderSvg, escapeXml } from './svg.js';
export type { RenderSvgOptions } from './svg.js';
