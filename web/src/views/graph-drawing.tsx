/**
 * The nodes and edges of a laid-out task graph as SVG elements, drawn once per layout or data change (panning and
 * zooming move the transform around them, not them). No handlers here: the canvas around them answers clicks and
 * keys for every node and Retry button (graph.tsx), one listener for 1,000 nodes instead of two each.
 */
import { Fragment, memo } from 'react';
import type { Layout } from './graph-layout.js';

function pathOf(points: { x: number; y: number }[]): string {
  return points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');
}

export const GraphDrawing = memo(function GraphDrawing(props: {
  layout: Layout;
  selected: string | null | undefined;
  /** Failed nodes carry a Retry button. */
  retry: boolean;
  /** Labels are drawn only at a scale they can be read at: 4,000 fewer elements for a zoomed-out 1,000 tasks. */
  labels: boolean;
}) {
  const { layout, selected, retry, labels } = props;
  return (
    <>
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
        const status = [node.status ?? node.label ?? '', rule, delay].filter(Boolean).join(' · ');
        return (
          <Fragment key={node.identifier}>
            <g
              data-task-identifier={node.identifier}
              data-status={node.status}
              className={`node status-${node.status ?? 'draft'}${selected === node.identifier ? ' selected' : ''}`}
              transform={`translate(${x},${y})`}
              role="button"
              tabIndex={0}
              aria-label={labels ? undefined : `${node.identifier}: ${status}`}
            >
              <rect width={node.width} height={node.height} rx="8" />
              {labels ? (
                <>
                  <text x="10" y="21" className="node-id">
                    {node.identifier.length > 20 ? `${node.identifier.slice(0, 19)}…` : node.identifier}
                  </text>
                  <text x="10" y="41" className="node-status">
                    {status}
                  </text>
                </>
              ) : null}
            </g>
            {node.status === 'failed' && retry ? (
              <g
                className="node-retry"
                role="button"
                tabIndex={0}
                aria-label="Retry"
                data-retry-identifier={node.identifier}
                transform={`translate(${x + node.width - 52},${y + node.height - 24})`}
              >
                <rect width="46" height="18" rx="4" />
                <text x="23" y="13" textAnchor="middle">
                  Retry
                </text>
              </g>
            ) : null}
          </Fragment>
        );
      })}
    </>
  );
});
