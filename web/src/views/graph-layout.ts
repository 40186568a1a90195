/**
 * Lays out a task graph with dagre (left to right, ranks by dependency). Loaded on demand with the graph views; kept
 * apart from drawing so the benchmark can time layout and drawing of 1,000 tasks.
 */
import dagre from '@dagrejs/dagre';

export interface GraphNode {
  identifier: string;
  label?: string;
  status?: string;
  task_id?: number;
  trigger_rule?: string;
  delay_seconds?: number;
}
export interface GraphEdge {
  from: string;
  to: string;
}
export interface PlacedNode extends GraphNode {
  x: number;
  y: number;
  width: number;
  height: number;
}
export interface PlacedEdge extends GraphEdge {
  points: { x: number; y: number }[];
}
export interface Layout {
  nodes: PlacedNode[];
  edges: PlacedEdge[];
  width: number;
  height: number;
}

export const NODE_WIDTH = 170;
export const NODE_HEIGHT = 54;

export function layoutGraph(nodes: readonly GraphNode[], edges: readonly GraphEdge[]): Layout {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'LR', nodesep: 18, ranksep: 60, marginx: 20, marginy: 20 });
  g.setDefaultEdgeLabel(() => ({}));
  const known = new Set<string>();
  for (const node of nodes) {
    known.add(node.identifier);
    g.setNode(node.identifier, { width: NODE_WIDTH, height: NODE_HEIGHT });
  }
  const drawn = edges.filter((e) => known.has(e.from) && known.has(e.to));
  for (const edge of drawn) g.setEdge(edge.from, edge.to);
  dagre.layout(g);
  const placed = nodes.map((node) => {
    const box = g.node(node.identifier);
    return { ...node, x: box.x, y: box.y, width: NODE_WIDTH, height: NODE_HEIGHT };
  });
  const placedEdges = drawn.map((edge) => ({ ...edge, points: g.edge(edge.from, edge.to).points ?? [] }));
  const size = g.graph();
  return { nodes: placed, edges: placedEdges, width: size.width ?? 0, height: size.height ?? 0 };
}
