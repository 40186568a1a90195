/**
 * Draws a laid-out task graph as SVG: a node per task (`data-task-identifier`, its identifier, status word and
 * colour, trigger rule and delay when not the defaults), an edge per dependency (`data-edge="from->to"`). Pan by
 * dragging, zoom with the wheel or the buttons (keyboard: the buttons, arrow keys on the canvas); a node opens its
 * task on click or Enter; a failed node carries a Retry button.
 */
import {
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent,
  type MouseEvent,
  type PointerEvent,
  type WheelEvent,
} from 'react';
import { GraphDrawing } from './graph-drawing.js';
import type { GraphEdge, GraphNode, Layout } from './graph-layout.js';
import { EMPTY_LAYOUT, useLayout } from './use-layout.js';

export interface GraphProps {
  nodes: readonly GraphNode[];
  edges: readonly GraphEdge[];
  onOpen?: (node: GraphNode) => void;
  onRetry?: (node: GraphNode) => void;
  /** The node drawn as selected (the visual builder). */
  selected?: string | null;
  label: string;
}

interface View {
  x: number;
  y: number;
  scale: number;
}

/** Below this scale a node's 13 px label is under 6.5 px: not drawn (zoom in to read it). */
const READABLE_SCALE = 0.5;

/** The view that shows the whole graph (at most a little larger than life), centred across. */
function fitView(layout: Layout, size: { width: number; height: number }): View {
  if (layout.width === 0 || size.width === 0) return { x: 0, y: 0, scale: 1 };
  const scale = Math.max(
    0.05,
    Math.min(1.2, size.width / layout.width, Math.max(size.height, 300) / layout.height),
  );
  return { x: (size.width - layout.width * scale) / 2, y: 0, scale };
}

export function Graph(props: GraphProps) {
  const laid = useLayout(props.nodes, props.edges);
  const layout: Layout = laid.layout ?? EMPTY_LAYOUT;
  const box = useRef<HTMLDivElement>(null);
  const drag = useRef<{ x: number; y: number; moved: boolean } | null>(null);

  // The canvas's size, measured while it is still empty and whenever it changes: the fitted view is worked out
  // from it and the layout's size before the drawing is committed, so a 1,000-task drawing is laid out and
  // painted once, at the scale it is shown, and never forced to lay out by a read of the page.
  const [size, setSize] = useState({ width: 0, height: 0 });
  useLayoutEffect(() => {
    const el = box.current;
    if (!el) return;
    const measure = (): void =>
      setSize((s) =>
        s.width === el.clientWidth && s.height === el.clientHeight
          ? s
          : { width: el.clientWidth, height: el.clientHeight },
      );
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  // The view is the fitted one until the user pans or zooms this shape of graph (a status change keeps their view).
  const shape = `${layout.nodes.length}:${layout.edges.length}:${Math.round(layout.width)}`;
  const [moved, setMoved] = useState<{ shape: string; view: View } | null>(null);
  const fitted = fitView(layout, size);
  const view = moved?.shape === shape ? moved.view : fitted;
  const setView = (change: (v: View) => View): void =>
    setMoved((m) => ({ shape, view: change(m?.shape === shape ? m.view : fitted) }));
  const fit = (): void => setMoved(null);

  const zoom = (factor: number, cx = size.width / 2, cy = size.height / 2): void => {
    setView((v) => {
      const scale = Math.min(4, Math.max(0.05, v.scale * factor));
      const k = scale / v.scale;
      return { scale, x: cx - (cx - v.x) * k, y: cy - (cy - v.y) * k };
    });
  };
  const onWheel = (event: WheelEvent<HTMLDivElement>): void => {
    const rect = event.currentTarget.getBoundingClientRect();
    zoom(event.deltaY < 0 ? 1.15 : 1 / 1.15, event.clientX - rect.left, event.clientY - rect.top);
  };
  const onPointerDown = (event: PointerEvent<HTMLDivElement>): void => {
    drag.current = { x: event.clientX, y: event.clientY, moved: false };
  };
  const onPointerMove = (event: PointerEvent<HTMLDivElement>): void => {
    const d = drag.current;
    if (!d || event.buttons === 0) return;
    const dx = event.clientX - d.x;
    const dy = event.clientY - d.y;
    if (!d.moved && Math.abs(dx) + Math.abs(dy) < 4) return;
    d.moved = true;
    d.x = event.clientX;
    d.y = event.clientY;
    setView((v) => ({ ...v, x: v.x + dx, y: v.y + dy }));
  };
  const onPointerUp = (): void => {
    setTimeout(() => (drag.current = null), 0);
  };
  // One listener for every node and Retry button (graph-drawing.tsx draws them without handlers).
  const byId = useMemo(() => new Map(layout.nodes.map((n) => [n.identifier, n])), [layout]);
  const { onOpen, onRetry, selected } = props;
  const act = (target: EventTarget, opening: boolean): boolean => {
    const el = (target as Element).closest?.('[data-retry-identifier], [data-task-identifier]');
    const retry = el?.getAttribute('data-retry-identifier');
    const node = byId.get(retry ?? el?.getAttribute('data-task-identifier') ?? '');
    if (!node) return false;
    if (retry) onRetry?.(node);
    else if (opening) onOpen?.(node);
    return true;
  };
  const onClick = (event: MouseEvent<HTMLDivElement>): void => {
    if (drag.current?.moved && !(event.target as Element).closest?.('[data-retry-identifier]')) return;
    act(event.target, true);
  };
  const onKey = (event: KeyboardEvent<HTMLDivElement>): void => {
    if ((event.key === 'Enter' || event.key === ' ') && event.target !== event.currentTarget) {
      if (act(event.target, true)) event.preventDefault();
      return;
    }
    const step = 40;
    const moves: Record<string, [number, number]> = {
      ArrowLeft: [step, 0],
      ArrowRight: [-step, 0],
      ArrowUp: [0, step],
      ArrowDown: [0, -step],
    };
    const move = moves[event.key];
    if (move && event.target === event.currentTarget) {
      event.preventDefault();
      setView((v) => ({ ...v, x: v.x + move[0], y: v.y + move[1] }));
    } else if (event.key === '+' || event.key === '=') zoom(1.2);
    else if (event.key === '-') zoom(1 / 1.2);
  };

  return (
    <div className="graph" aria-busy={laid.state === 'working'}>
      <div className="graph-tools" role="toolbar" aria-label="Graph view">
        <button type="button" onClick={() => zoom(1.2)} aria-label="Zoom in">
          +
        </button>
        <button type="button" onClick={() => zoom(1 / 1.2)} aria-label="Zoom out">
          −
        </button>
        <button type="button" onClick={fit}>
          Fit
        </button>
      </div>
      {laid.state === 'working' ? (
        <p className="loading" role="status">
          Laying out {props.nodes.length} tasks…
        </p>
      ) : null}
      {laid.state === 'failed' ? (
        <p className="problem">The graph could not be laid out: {laid.error}</p>
      ) : null}
      <div
        className="graph-canvas"
        ref={box}
        tabIndex={0}
        role="group"
        aria-label={`${props.label}: drag or use the arrow keys to pan, + and − to zoom`}
        onWheel={onWheel}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onKeyDown={onKey}
        onClick={onClick}
      >
        <svg width="100%" height="100%" className="graph-svg">
          <defs>
            <marker
              id="arrow"
              viewBox="0 0 10 10"
              refX="10"
              refY="5"
              markerWidth="7"
              markerHeight="7"
              orient="auto-start-reverse"
            >
              <path d="M0,0 L10,5 L0,10 z" className="arrow-head" />
            </marker>
          </defs>
          <g transform={`translate(${view.x},${view.y}) scale(${view.scale})`}>
            <GraphDrawing
              layout={layout}
              selected={selected}
              retry={onRetry !== undefined}
              labels={view.scale >= READABLE_SCALE}
            />
          </g>
        </svg>
      </div>
    </div>
  );
}
