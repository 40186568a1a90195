/**
 * `GET /api/v1/stats`: error metrics over the last hours (by failure class with its suggestion, by model, by hour)
 * and the state of each model's gate (rate-limit cool-down, circuit breaker).
 */
import * as z from 'zod';
import type { App } from '../../app.js';
import { queryInt } from '../../contract/numbers.js';
import { errorStats } from '../../engine/error-stats.js';
import { defineRoute, type Route } from '../route-table.js';

export const StatsQuery = z.strictObject({
  hours: queryInt('hours', 1, 24 * 90).default(24),
});

const StatsSchema = z.object({
  since: z.string(),
  until: z.string(),
  attempts: z.number(),
  succeeded: z.number(),
  failed: z.number(),
  by_code: z.array(
    z.object({
      code: z.string(),
      title: z.string(),
      retryable: z.boolean(),
      suggestion: z.string(),
      count: z.number(),
    }),
  ),
  by_model: z.array(z.object({ model: z.string(), attempts: z.number(), failed: z.number() })),
  by_hour: z.array(z.object({ hour: z.string(), model: z.string(), code: z.string(), count: z.number() })),
  models: z.array(z.record(z.string(), z.unknown())),
});

export function statsRoutes(app: App): Route[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/stats',
      tag: 'stats',
      auth: true,
      summary: 'Error metrics and model gates',
      description:
        "Attempts over the last `hours` (default 24) counted by failure class (with what to do about each), by model and by hour; and each model's rate-limit cool-down and circuit breaker.",
      query: StatsQuery,
      responses: { 200: { description: 'Metrics', schema: StatsSchema } },
      handler: async ({ query }) => ({
        ...(await errorStats(app.store, query.hours)),
        models: (await app.store.listModelGates()) as unknown as Record<string, unknown>[],
      }),
    }),
  ];
}
