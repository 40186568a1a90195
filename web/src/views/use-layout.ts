/**
 * The layout a graph view draws. Small graphs are laid out at once on the page; large ones (more than LARGE_GRAPH
 * tasks) in a Web Worker, so the page stays responsive while dagre works. Layout depends on the graph's shape only
 * (identifiers and dependencies): a status change recolours the drawing without laying it out again.
 */
import { useEffect, useMemo, useState } from 'react';
import { LARGE_GRAPH, layoutGraph, type GraphEdge, type GraphNode, type Layout } from './graph-layout.js';

export type LayoutState =
  | { state: 'ready'; layout: Layout }
  | { state: 'working'; layout: Layout | null }
  | { state: 'failed'; error: string; layout: null };

const EMPTY: Layout = { nodes: [], edges: [], width: 0, height: 0 };

let worker: Worker | null = null;
let nextId = 1;
const waiting = new Map<number, (answer: { layout?: Layout; error?: string }) => void>();

/** Starts the layout worker (its code fetched and read) ahead of a graph that may be large, e.g. while it loads. */
export function warmLayoutWorker(): Worker {
  if (!worker) {
    worker = new Worker(new URL('./graph-layout.worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (event: MessageEvent<{ id: number; layout?: Layout; error?: string }>) => {
      waiting.get(event.data.id)?.(event.data);
      waiting.delete(event.data.id);
    };
    worker.onerror = (event) => {
      for (const settle of waiting.values()) settle({ error: event.message || 'the layout worker failed' });
      waiting.clear();
      worker = null;
    };
  }
  return worker;
}

function layoutInWorker(nodes: GraphNode[], edges: GraphEdge[]): Promise<Layout> {
  const w = warmLayoutWorker();
  const id = nextId++;
  return new Promise((resolve, reject) => {
    waiting.set(id, (answer) => (answer.layout ? resolve(answer.layout) : reject(new Error(answer.error))));
    w.postMessage({ id, nodes, edges });
  });
}

/** Positions from `shape`'s layout, with the current data (status, labels) of `nodes`. */
function withData(layout: Layout, nodes: readonly GraphNode[]): Layout {
  const data = new Map(nodes.map((n) => [n.identifier, n]));
  return {
    ...layout,
    nodes: layout.nodes.map((placed) => ({ ...placed, ...data.get(placed.identifier) })),
  };
}

export function useLayout(nodes: readonly GraphNode[], edges: readonly GraphEdge[]): LayoutState {
  // The shape: what the layout depends on.
  const key = useMemo(
    () =>
      `${nodes.map((n) => n.identifier).join('\n')}\u0000${edges.map((e) => `${e.from}->${e.to}`).join('\n')}`,
    [nodes, edges],
  );
  const large = nodes.length > LARGE_GRAPH;
  const sync = useMemo(() => (large ? null : layoutGraph(nodes, edges)), [key, large]);
  const [done, setDone] = useState<{ key: string; layout: Layout } | { key: string; error: string } | null>(
    null,
  );
  useEffect(() => {
    if (!large) return;
    let live = true;
    const shapeNodes = nodes.map((n) => ({ identifier: n.identifier }));
    layoutInWorker(shapeNodes, [...edges]).then(
      (layout) => live && setDone({ key, layout }),
      (err: unknown) => live && setDone({ key, error: err instanceof Error ? err.message : String(err) }),
    );
    return () => {
      live = false;
    };
  }, [key, large]);

  return useMemo((): LayoutState => {
    if (sync) return { state: 'ready', layout: withData(sync, nodes) };
    if (done && 'error' in done && done.key === key)
      return { state: 'failed', error: done.error, layout: null };
    if (done && 'layout' in done) {
      const current = done.key === key;
      const layout = withData(done.layout, nodes);
      return current ? { state: 'ready', layout } : { state: 'working', layout };
    }
    return { state: 'working', layout: null };
  }, [sync, done, key, nodes]);
}

export { EMPTY as EMPTY_LAYOUT };
