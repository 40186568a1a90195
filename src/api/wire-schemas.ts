/**
 * Shapes of the REST API that are not task records themselves: wrappers, query strings of the API's own routes and
 * health documents. The task, attempt, event and problem schemas live in the shared contract
 * (src/contract/task-schemas.ts); these add what only HTTP needs. OpenAPI is generated from both.
 */
import * as z from 'zod';
import { OrchestrationDocument } from '../contract/orchestration-schemas.js';
import { idText, queryInt } from '../contract/numbers.js';
import { choiceError } from '../contract/zod-messages.js';
import { OrchestrationSchema } from '../contract/orchestration-record.js';
import { AttemptSchema, TaskEventSchema, TaskSchema } from '../contract/task-schemas.js';
import { ORCHESTRATION_STATUSES, TASK_STATUSES, TRIGGER_RULES } from '../domain/vocabulary.js';

const positiveId = (what: string) => idText(what);
const afterId = queryInt('after_id', 0, Number.MAX_SAFE_INTEGER);

const booleanFlag = z
  .enum(['true', 'false', '1', '0'], { error: 'use true or false' })
  .transform((v) => v === 'true' || v === '1');

/** `:id` in task URLs; says what was wrong with a non-number (the contract's TaskIdParam only says NaN). */
export const TaskIdPath = z.strictObject({ id: idText('a task id') });

export const TaskWithAttemptsSchema = TaskSchema.extend({ attempts: z.array(AttemptSchema) });
export const AttemptListSchema = z.object({ attempts: z.array(AttemptSchema) });
export const EventListSchema = z.object({ events: z.array(TaskEventSchema) });

/** `GET /api/v1/tasks/:id/logs`. */
export const LogsQuery = z.strictObject({
  format: z
    .enum(['text', 'jsonl'], { error: 'format is text (the human log) or jsonl (the transcript)' })
    .default('text'),
  follow: booleanFlag.default(false),
  tail_bytes: queryInt('tail_bytes', 1, 64 * 1024 * 1024).optional(),
});
export type LogsQuery = z.infer<typeof LogsQuery>;

/** `GET /api/v1/events` and `GET /api/v1/tasks/:id/events`: stored events oldest first, after an id. */
export const EventsQuery = z.strictObject({
  after_id: afterId.optional(),
  task_id: positiveId('task_id').optional(),
  limit: queryInt('limit', 1, 1000).default(200),
});
export type EventsQuery = z.infer<typeof EventsQuery>;

export const TaskEventsQuery = EventsQuery.omit({ task_id: true });

/** `GET /api/v1/events/stream`. `after_id` is the same as the Last-Event-ID header (for clients that cannot set it). */
export const EventStreamQuery = z.strictObject({
  task_id: positiveId('task_id').optional(),
  after_id: afterId.optional(),
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
  /** Memory admission: no new task starts while `blocked` says why. */
  admission: z.object({ available_memory_mb: z.number().nullable(), blocked: z.string().nullable() }),
  /** Per-model rate-limit cool-downs and circuit breakers. */
  models: z.array(
    z.object({
      model: z.string(),
      cooldown_until: z.string().nullable(),
      cooldown_reason: z.string().nullable(),
      breaker_state: z.enum(['closed', 'open', 'half_open']),
      consecutive_failures: z.number(),
      breaker_open_until: z.string().nullable(),
      probe_worker_id: z.string().nullable(),
      last_failure: z.string().nullable(),
      updated_at: z.string(),
    }),
  ),
  live_streams: z.number(),
});
export type HealthDetailed = z.infer<typeof HealthDetailedSchema>;

// ---- orchestrations ----

const orchestrationDocumentJson = (() => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(OrchestrationDocument, {
    io: 'input',
    unrepresentable: 'any',
  }) as Record<string, unknown>;
  return rest;
})();

/**
 * Body of `POST /api/v1/orchestrations` (and `/validate`): accepted as is and handed to the orchestration service,
 * whose validation reports every problem at once (a zod parse here would report schema problems first and graph
 * problems only on the next try). The metadata documents the shape in /openapi.json.
 */
export const OrchestrationBody = z.unknown().meta({
  ...orchestrationDocumentJson,
  description:
    'An orchestration document, the same as a workflow file in JSON. working_directory must be absolute (relative paths are only accepted in files, by the CLI).',
});

/** Body of `POST /api/v1/orchestrations/:id/tasks`: `{ tasks, defaults? }`, checked by the service like a document. */
export const AddOrchestrationTasksBody = z.unknown().meta({
  type: 'object',
  required: ['tasks'],
  properties: {
    tasks: (orchestrationDocumentJson['properties'] as Record<string, unknown>)['tasks'],
    defaults: (orchestrationDocumentJson['properties'] as Record<string, unknown>)['defaults'],
  },
  additionalProperties: false,
  description: 'Tasks to add; they may depend on tasks already in the orchestration, finished ones too.',
});

/** `:id` in orchestration URLs. */
export const OrchestrationIdPath = z.strictObject({ id: idText('an orchestration id') });

const orchestrationStatusList = z
  .string()
  .transform((s) =>
    s
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean),
  )
  .pipe(
    z.array(
      z.enum(ORCHESTRATION_STATUSES, { error: choiceError('orchestration status', ORCHESTRATION_STATUSES) }),
    ),
  );

/** `GET /api/v1/orchestrations`: newest first; `cursor` continues a page. */
export const ListOrchestrationsQuery = z.strictObject({
  status: orchestrationStatusList.optional(),
  limit: queryInt('limit', 1, 500).default(50),
  cursor: z
    .string()
    .regex(/^[A-Za-z0-9_:.-]{1,200}$/, 'cursor is the next_cursor of a previous page')
    .optional(),
});
export type ListOrchestrationsQuery = z.infer<typeof ListOrchestrationsQuery>;

// The orchestration record lives in the shared contract (MCP answers with it too).
export { OrchestrationSchema };

export const OrchestrationDetailSchema = OrchestrationSchema.extend({
  tasks: z.array(TaskSchema.extend({ depends_on: z.array(z.string()) })),
});
export const OrchestrationListSchema = z.object({
  orchestrations: z.array(OrchestrationSchema),
  next_cursor: z.string().nullable(),
});

/** `POST /api/v1/orchestrations/validate`: the plan a valid document would run, as data and as text. */
export const OrchestrationValidationSchema = z.object({
  valid: z.literal(true),
  plan: z.object({
    name: z.string().nullable(),
    max_parallel: z.number().nullable(),
    budget_usd: z.number().nullable(),
    notify: z.record(z.string(), z.unknown()).nullable(),
    tasks: z.array(
      z.object({
        index: z.number(),
        identifier: z.string(),
        task: z.record(z.string(), z.unknown()),
        depends_on: z.array(z.string()),
        trigger_rule: z.enum(TRIGGER_RULES),
        initial_delay_seconds: z.number(),
        result_references: z.array(z.string()),
        level: z.number(),
        earliest_start_seconds: z.number(),
      }),
    ),
    levels: z.array(z.array(z.string())),
    critical_path: z.array(z.string()),
    total_delay_seconds: z.number(),
    existing_dependencies: z.record(z.string(), z.enum(TASK_STATUSES)),
  }),
  /** The plan as `claude-worker orchestrate --dry-run` prints it. */
  text: z.string(),
});
