/**
 * The large-graph layout off the page's thread: receives `{ id, nodes, edges }`, answers `{ id, layout }` (or
 * `{ id, error }`). A 1,000-task graph takes a few hundred milliseconds; here they do not freeze the page meanwhile.
 */
import type { GraphEdge, GraphNode } from './graph-layout.js';
import { layoutLargeGraph } from './graph-layout-large.js';

interface Request {
  id: number;
  nodes: GraphNode[];
  edges: GraphEdge[];
}

const scope = globalThis as unknown as {
  onmessage: ((event: MessageEvent<Request>) => void) | null;
  postMessage(message: unknown): void;
};

scope.onmessage = (event) => {
  const { id, nodes, edges } = event.data;
  try {
    scope.postMessage({ id, layout: layoutLargeGraph(nodes, edges) });
  } catch (err) {
    scope.postMessage({ id, error: err instanceof Error ? err.message : String(err) });
  }
};
