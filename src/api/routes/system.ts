/**
 * The dashboard's overview routes: `GET /api/v1/stats/daily` (tasks, cost, models and failure classes per UTC day)
 * and `GET /api/v1/system` (health with worker, concurrency, memory admission and model gates; worker nodes; every
 * failure class with its suggestion), so the System view needs one call for its state.
 */
import type { App } from '../../app.js';
import { DailyStatsQuery, DailyStatsSchema, SystemSchema } from '../../contract/dashboard-schemas.js';
import { dailyStats } from '../../engine/daily-stats.js';
import { FAILURE_CLASSES } from '../../domain/failure-codes.js';
import { defineRoute, type Route } from '../route-table.js';

export function systemRoutes(app: App, health: () => Promise<Record<string, unknown>>): Route[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/stats/daily',
      tag: 'stats',
      auth: true,
      summary: 'Tasks, cost and failures per day',
      description:
        'One entry per UTC day for the last `days` (default 30, at most 365), oldest first, today last: tasks that finished that day by final status, their cost, the same per model, and failed attempts by failure class.',
      query: DailyStatsQuery,
      responses: { 200: { description: 'The days', schema: DailyStatsSchema } },
      handler: ({ query }) => dailyStats(app.store, query.days),
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/system',
      tag: 'health',
      auth: true,
      summary: "The System view's state in one call",
      description:
        "`health` is what /health/detailed answers (this server's worker and concurrency, memory admission, each model's cool-down and breaker with when it lifts); `workers` is /api/v1/workers; `failure_classes` lists every failure class with its title, whether it is retried and what to do.",
      responses: { 200: { description: 'The state', schema: SystemSchema } },
      handler: async () => ({
        health: await health(),
        workers: (await app.tasks.listWorkers()) as unknown as Record<string, unknown>[],
        failure_classes: Object.entries(FAILURE_CLASSES).map(([code, c]) => ({
          code,
          title: c.title,
          retryable: c.retryable,
          suggestion: c.suggestion,
        })),
      }),
    }),
  ];
}
