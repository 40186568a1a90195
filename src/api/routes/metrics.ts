/**
 * `GET /metrics`: Prometheus text format (prom-client), read from the store at scrape time so every node agrees.
 * Needs the API token unless the server sets `metrics_public`.
 */
import type { App } from '../../app.js';
import { defineRoute, type Route } from '../route-table.js';

export function metricsRoutes(app: App): Route[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/metrics',
      tag: 'health',
      auth: !app.config.metrics_public,
      summary: 'Prometheus metrics',
      description:
        'Tasks by status, attempts by model and outcome, cost, tokens, attempt duration and queue wait ' +
        'histograms, model gates, workers alive (the same on every node: read from the store), and the process ' +
        'metrics of this node. Needs the token unless the server sets metrics_public.',
      responses: {
        200: { description: 'Prometheus text exposition format 0.0.4', contentType: 'text/plain' },
      },
      handler: async ({ reply }) => {
        const metrics = await app.metrics();
        const body = await metrics.render();
        return reply.header('content-type', metrics.contentType).send(body);
      },
    }),
  ];
}
