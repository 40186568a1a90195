/**
 * Draws a laid-out task graph as SVG: a node per task (`data-task-identifier`, its identifier, status word and
 * colour, trigger rule and delay when not the defaults), an edge per dependency (`data-edge="from->to"`). Pan by
 * dragging, zoom with the wheel or the buttons (keyboard: the buttons, arrow keys on the canvas); a node opens its
 * task on click or Enter; a failed node carries a Retry button.
 */
import {
  useEffect,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent,
  type PointerEvent,
  type WheelEvent,
} from 'react';
import { layoutGraph, type GraphEdge, type GraphNode, type Layout } from './graph-layout.js';

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

function pathOf(points: { x: number; y: number }[]): string {
  return points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');
}

export function Graph(props: GraphProps) {
  const layout: Layout = useMemo(() => layoutGraph(props.nodes, props.edges), [props.nodes, props.edges]);
  const box = useRef<HTMLDivElement>(null);
  const [view, setView] = useState<View>({ x: 0, y: 0, scale: 1 });
  const drag = useRef<{ x: number; y: number; moved: boolean } | null>(null);

  const fit = (): void => {
    const el = box.current;
    if (!el || layout.width === 0) return;
    const scale = Math.min(
      1.2,
      el.clientWidth / layout.width,
      Math.max(el.clientHeight, 300) / layout.height,
    );
    setView({ x: (el.clientWidth - layout.width * scale) / 2, y: 0, scale: Math.max(scale, 0.05) });
  };
  // Fit when the shape of the graph changes, not on every status change.
  const shape = `${layout.nodes.length}:${layout.edges.length}:${Math.round(layout.width)}`;
  useEffect(fit, [shape]);

  const zoom = (factor: number, cx?: number, cy?: number): void => {
    setView((v) => {
      const el = box.current;
      const px = cx ?? (el ? el.clientWidth / 2 : 0);
      const py = cy ?? (el ? el.clientHeight / 2 : 0);
      const scale = Math.min(4, Math.max(0.05, v.scale * factor));
      const k = scale / v.scale;
      return { scale, x: px - (px - v.x) * k, y: py - (py - v.y) * k };
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
  const onKey = (event: KeyboardEvent<HTMLDivElement>): void => {
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
  const clicked = (node: GraphNode): void => {
    if (drag.current?.moved) return;
    props.onOpen?.(node);
  };

  return (
    <div className="graph">
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
            {layout.edges.map((edge) => (
              <path
                key={`${edge.from}->${edge.to}`}
                data-edge={`${edge.from}->${edge.to}`}
                className="edge"
                d={pathOf(edge.points)}
                markerEnd="url(#arrow)"
              />
            ))}
            {layout.nodes.map((node) => {
              const x = node.x - node.width / 2;
              const y = node.y - node.height / 2;
              const rule = node.trigger_rule && node.trigger_rule !== 'all_success' ? node.trigger_rule : '';
              const delay = node.delay_seconds ? `+${node.delay_seconds}s` : '';
              return (
                <g key={node.identifier}>
                  <g
                    data-task-identifier={node.identifier}
                    data-status={node.status}
                    className={`node status-${node.status ?? 'draft'}${props.selected === node.identifier ? ' selected' : ''}`}
                    transform={`translate(${x},${y})`}
                    role="button"
                    tabIndex={0}
                    onClick={() => clicked(node)}
                    onKeyDown={(event) => {
                      if (event.key === 'Enter' || event.key === ' ') {
                        event.preventDefault();
                        props.onOpen?.(node);
                      }
                    }}
                  >
                    <rect width={node.width} height={node.height} rx="8" />
                    <text x="10" y="21" className="node-id">
                      {node.identifier.length > 20 ? `${node.identifier.slice(0, 19)}…` : node.identifier}
                    </text>
                    <text x="10" y="41" className="node-status">
                      {[node.status ?? node.label ?? '', rule, delay].filter(Boolean).join(' · ')}
                    </text>
                  </g>
                  {node.status === 'failed' && props.onRetry ? (
                    <g
                      className="node-retry"
                      role="button"
                      tabIndex={0}
                      aria-label="Retry"
                      data-retry-identifier={node.identifier}
                      transform={`translate(${x + node.width - 52},${y + node.height - 24})`}
                      onClick={(event) => {
                        event.stopPropagation();
                        props.onRetry?.(node);
                      }}
                      onKeyDown={(event) => {
                        if (event.key === 'Enter' || event.key === ' ') {
                          event.preventDefault();
                          event.stopPropagation();
                          props.onRetry?.(node);
                        }
                      }}
                    >
                      <rect width="46" height="18" rx="4" />
                      <text x="23" y="13" textAnchor="middle">
                        Retry
                      </text>
                    </g>
                  ) : null}
                </g>
              );
            })}
          </g>
        </svg>
      </div>
    </div>
  );
}
