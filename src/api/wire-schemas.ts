/**
 * Shapes of the REST API that are not task records themselves: wrappers, query strings of the API's own routes and
 * health documents. The task, attempt, event and problem schemas live in the shared contract
 * (src/contract/task-schemas.ts); these add what only HTTP needs. OpenAPI is generated from both.
 */
import { z } from 'zod';
import { AttemptSchema, TaskEventSchema, TaskSchema } from '../contract/task-schemas.js';
import { TASK_STATUSES } from '../domain/vocabulary.js';

const positiveId = (what: string) => z.coerce.number().int().positive({ error: `${what} is a positive integer` });

const booleanFlag = z
  .enum(['true', 'false', '1', '0'], { error: 'use true or false' })
  .transform((v) => v === 'true' || v === '1');

/** `:id` in task URLs; says what was wrong with a non-number (the contract's TaskIdParam only says NaN). */
export const TaskIdPath = z.strictObject({
  id: z
    .string()
    .regex(/^[1-9]\d{0,15}$/, { error: (iss) => `a task id is a positive integer, got "${String(iss.input)}"` })
    .transform(Number),
});

export const TaskWithAttemptsSchema = TaskSchema.extend({ attempts: z.array(AttemptSchema) });
export const AttemptListSchema = z.object({ attempts: z.array(AttemptSchema) });
export const EventListSchema = z.object({ events: z.array(TaskEventSchema) });

/** `GET /api/v1/tasks/:id/logs`. */
export const LogsQuery = z.strictObject({
  format: z.enum(['text', 'jsonl'], { error: 'format is text (the human log) or jsonl (the transcript)' }).default('text'),
  follow: booleanFlag.default(false),
  tail_bytes: z.coerce.number().int().positive().max(64 * 1024 * 1024).optional(),
});
export type LogsQuery = z.infer<typeof LogsQuery>;

/** `GET /api/v1/events` and `GET /api/v1/tasks/:id/events`: stored events oldest first, after an id. */
export const EventsQuery = z.strictObject({
  after_id: z.coerce.number().int().min(0).optional(),
  task_id: positiveId('task_id').optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});
export type EventsQuery = z.infer<typeof EventsQuery>;

export const TaskEventsQuery = EventsQuery.omit({ task_id: true });

/** `GET /api/v1/events/stream`. `after_id` is the same as the Last-Event-ID header (for clients that cannot set it). */
export const EventStreamQuery = z.strictObject({
  task_id: positiveId('task_id').optional(),
  after_id: z.coerce.number().int().min(0).optional(),
});
export type EventStreamQuery = z.infer<typeof EventStreamQuery>;

export const HealthSchema = z.object({
  status: z.literal('ok'),
  version: z.string(),
  pid: z.number(),
});
export type Health = z.infer<typeof HealthSchema>;

export const HealthDetailedSchema = HealthSchema.extend({
  started_at: z.string(),
  uptime_seconds: z.number(),
  home: z.string(),
  database: z.string(),
  counts: z.record(z.enum(TASK_STATUSES), z.number()),
  worker: z.object({
    /** True while this server's worker claims tasks. */
    running: z.boolean(),
    /** idle, running, stopping, stopped; `none` when the server runs without a worker. */
    state: z.string(),
    worker_id: z.string().nullable(),
    concurrency: z.number(),
    running_tasks: z.number(),
  }),
  live_streams: z.number(),
});
export type HealthDetailed = z.infer<typeof HealthDetailedSchema>;
