/** The orchestration record as REST and MCP return it (domain/vocabulary.ts `Orchestration`). */
import * as z from 'zod';
import { ORCHESTRATION_STATUSES, TASK_STATUSES } from '../domain/vocabulary.js';
import { NotifySettings } from './task-schemas.js';

export const OrchestrationSchema = z.object({
  id: z.number(),
  name: z.string().nullable(),
  status: z.enum(ORCHESTRATION_STATUSES),
  max_parallel: z.number().nullable(),
  budget_usd: z.number().nullable(),
  notify: NotifySettings.nullable(),
  cost_usd: z.number(),
  task_count: z.number(),
  counts: z.record(z.enum(TASK_STATUSES), z.number()),
  cancel_requested: z.boolean(),
  status_reason: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
  finished_at: z.string().nullable(),
});
