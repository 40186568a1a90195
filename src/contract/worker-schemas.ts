/**
 * The wire contract for worker nodes: the rows of `GET /api/v1/workers` and `claude-worker workers --json`.
 */
import * as z from 'zod';
import { WORKER_STATUSES } from '../domain/vocabulary.js';

export const WorkerSchema = z.object({
  id: z.string(),
  host: z.string(),
  pid: z.number(),
  labels: z.array(z.string()),
  concurrency: z.number(),
  running: z.number(),
  version: z.string(),
  started_at: z.string(),
  last_heartbeat_at: z.string(),
  status: z.enum(WORKER_STATUSES),
});

export const WorkerListSchema = z.object({ workers: z.array(WorkerSchema) });

/** `GET /api/v1/workers` takes no query parameters. */
export const ListWorkersQuery = z.strictObject({});
