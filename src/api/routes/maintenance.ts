/**
 * `POST /api/v1/prune`: delete (or, `dry_run`, count) finished work older than `older_than_seconds` — finished
 * standalone tasks and whole finished orchestrations, with their attempts, events and log files. Unfinished work is
 * never touched.
 */
import * as z from 'zod';
import type { App } from '../../app.js';
import { defineRoute, type Route } from '../route-table.js';

const MAX_AGE_SECONDS = 100 * 365 * 86_400;

export const PruneBody = z.strictObject({
  older_than_seconds: z.number().int().min(1).max(MAX_AGE_SECONDS),
  dry_run: z.boolean().default(false),
});

const PruneReportSchema = z.object({
  dry_run: z.boolean(),
  finished_before: z.string(),
  tasks: z.number(),
  attempts: z.number(),
  events: z.number(),
  orchestrations: z.number(),
  files_removed: z.number(),
  workers: z.number(),
});

export function maintenanceRoutes(app: App): Route[] {
  return [
    defineRoute({
      method: 'POST',
      url: '/api/v1/prune',
      tag: 'maintenance',
      auth: true,
      summary: 'Delete finished work older than an age',
      description:
        'Deletes tasks that finished (completed, failed, cancelled, skipped) more than `older_than_seconds` ago, and orchestrations whose every task finished that long ago (whole), with their attempts, events and log files. `dry_run: true` counts and deletes nothing. Work in batches, so the engine is never held up for long.',
      body: PruneBody,
      bodyLabel: 'The prune request',
      responses: { 200: { description: 'What was (or would be) deleted', schema: PruneReportSchema } },
      handler: async ({ body, actor }) => app.pruning.prune(body, actor),
    }),
  ];
}
