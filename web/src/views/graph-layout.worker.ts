/**
 * The graph layout off the page's thread: receives `{ id, nodes, edges }`, answers `{ id, layout }` (or
 * `{ id, error }`). Large graphs take seconds in dagre; here they do not freeze the page meanwhile.
 */
import { layoutGraph, type GraphEdge, type GraphNode } from './graph-layout.js';

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
    scope.postMessage({ id, layout: layoutGraph(nodes, edges) });
  } catch (err) {
    scope.postMessage({ id, error: err instanceof Error ? err.message : String(err) });
  }
};
