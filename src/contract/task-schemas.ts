/**
 * The wire contract for tasks: zod schemas shared by REST, MCP, the CLI and workflow files, so every edge accepts
 * and rejects the same things with the same messages. OpenAPI is generated from these too.
 * Checks that need the file system or configuration (does the directory exist?) live in the engine's task service.
 */
import { isAbsolute } from 'node:path';
import * as z from 'zod';
import { invalidModelMessage, isValidModel } from '../domain/models.js';
import { taskEnvProblems } from '../domain/task-env.js';
import {
  FAILURE_CODES,
  NOTIFY_CHANNELS,
  NOTIFY_ENDINGS,
  NOTIFY_SWITCHES,
  PERMISSION_MODES,
  TASK_STATUSES,
  TRIGGER_RULES,
} from '../domain/vocabulary.js';
import { idText, queryInt } from './numbers.js';
import { choiceError, describeValue } from './zod-messages.js';

export const ModelName = z
  .string()
  .trim()
  .min(1, 'model must not be empty')
  .refine(isValidModel, { error: (iss) => invalidModelMessage(String(iss.input)) });

export const WorkingDirectory = z
  .string()
  .min(1, 'working_directory must not be empty')
  .refine(isAbsolute, {
    error: (iss) =>
      `working_directory must be an absolute path, got "${String(iss.input)}". Pass a full path such as /home/me/project (the CLI resolves --dir for you).`,
  });

export const TaskTag = z
  .string()
  .regex(/^[A-Za-z0-9_.:/-]{1,64}$/, 'a tag is 1–64 letters, digits or _ . : / -');

/** A worker label (`worker --label`, a task's `runs_on`): the same characters as a tag. */
export const WorkerLabel = z
  .string({ error: 'a label is text such as "repo-a"' })
  .regex(/^[A-Za-z0-9_.:/-]{1,64}$/, {
    error: (iss) =>
      `"${String(iss.input).slice(0, 80)}" is not a valid label: use 1–64 letters, digits or _ . : / - (such as "repo-a")`,
  });

/** `on` / `off` for one people-facing channel of a task; YAML's true / false mean the same. */
const notifySwitch = (channel: (typeof NOTIFY_CHANNELS)[number]) =>
  z.preprocess(
    (value) => (value === true ? 'on' : value === false ? 'off' : value),
    z.enum(NOTIFY_SWITCHES, {
      error: (iss) =>
        (channel === 'slack' || channel === 'discord') &&
        typeof iss.input === 'string' &&
        /^https?:/i.test(iss.input)
          ? `notify.${channel} is on or off for this task; the ${channel === 'slack' ? 'Slack' : 'Discord'} channel itself is set on the server (CLAUDE_WORKER_${channel.toUpperCase()}_WEBHOOK_URL)`
          : `notify.${channel} is on or off, not ${describeValue(iss.input)}`,
    }),
  );

/**
 * A task's (or an orchestration's) own notify settings: which endings tell people (`on`), and each channel on or
 * off for it. Missing keys follow the orchestration's settings, then the machine's.
 */
export const NotifySettings = z
  .strictObject(
    {
      on: z
        .array(z.enum(NOTIFY_ENDINGS, { error: choiceError('notify.on ending', NOTIFY_ENDINGS) }), {
          error: `notify.on is a list of endings to tell people about, such as ["failed"]; choose from ${NOTIFY_ENDINGS.join(', ')}`,
        })
        .max(NOTIFY_ENDINGS.length, `notify.on names each of ${NOTIFY_ENDINGS.join(', ')} at most once`),
      sound: notifySwitch('sound'),
      desktop: notifySwitch('desktop'),
      slack: notifySwitch('slack'),
      discord: notifySwitch('discord'),
    },
    {
      error: (iss) =>
        iss.code === 'invalid_type'
          ? 'notify is an object such as {"on": ["failed"], "slack": "off"}'
          : undefined,
    },
  )
  .partial();

/** A whole number between min and max, with a message that names the field, the range and what was sent. */
const whole = (field: string, min: number, max: number, unit = '', note = '') =>
  z
    .number({
      error: (iss) =>
        `${field} must be a whole number${unit ? ` of ${unit}` : ''}, not ${describeValue(iss.input)}`,
    })
    .int({
      error: (iss) => `${field} must be a whole number${unit ? ` of ${unit}` : ''}, not ${String(iss.input)}`,
    })
    .min(min, `${field} must be at least ${min}${unit ? ` ${unit}` : ''}`)
    .max(max, `${field} must be at most ${max}${unit ? ` ${unit}` : ''}${note}`);

/** Fields a caller may set when creating a task. Omitted fields take configured defaults. */

export const CreateTaskInput = z.strictObject({
  execution_prompt: z
    .string({
      error: (iss) =>
        iss.input === undefined
          ? 'missing; write what the task should do'
          : `must be text (the prompt), not ${describeValue(iss.input)}`,
    })
    .refine((s) => s.trim().length > 0, 'execution_prompt must not be empty'),
  working_directory: WorkingDirectory,
  model: ModelName.optional(),
  system_prompt: z
    .string()
    .refine(
      (s) => s.trim().length > 0,
      "system_prompt is empty; leave it out to use Claude Code's own system prompt",
    )
    .nullable()
    .optional(),
  permission_mode: z
    .enum(PERMISSION_MODES, { error: choiceError('permission_mode', PERMISSION_MODES) })
    .optional(),
  allowed_tools: z.array(z.string().min(1)).nullable().optional(),
  disallowed_tools: z.array(z.string().min(1)).nullable().optional(),
  max_turns: whole('max_turns', 1, 10_000).nullable().optional(),
  max_budget_usd: z
    .number({ error: 'max_budget_usd must be an amount in US dollars, such as 2.5' })
    .positive('max_budget_usd must be more than 0')
    .max(10_000, 'max_budget_usd must be at most 10000')
    .nullable()
    .optional(),
  env: z
    .record(
      z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, {
        error: (iss) =>
          `env name "${String(iss.input)}" is not valid: use letters, digits and _ (not starting with a digit)`,
      }),
      z.string(),
    )
    .superRefine((env, ctx) => {
      for (const problem of taskEnvProblems(env)) {
        ctx.addIssue({
          code: 'custom',
          message: problem.message,
          path: problem.key === null ? [] : [problem.key],
        });
      }
    })
    .optional(),
  timeout_seconds: whole('timeout_seconds', 1, 7 * 24 * 3600, 'seconds', ' (7 days)')
    .nullable()
    .optional(),
  priority: whole('priority', -1000, 1000).optional(),
  tags: z.array(TaskTag).max(32, 'at most 32 tags').optional(),
  max_attempts: whole('max_attempts', 1, 20).optional(),
  runs_on: z
    .array(WorkerLabel, { error: 'runs_on must be a list of worker labels, such as ["repo-a"]' })
    .max(16, 'runs_on has at most 16 labels')
    .optional(),
  retry_base_seconds: z
    .number()
    .min(0, 'retry_base_seconds must not be negative')
    .max(3600, 'retry_base_seconds must be at most 3600 (1 hour)')
    .nullable()
    .optional(),
  retry_cap_seconds: z
    .number()
    .min(0, 'retry_cap_seconds must not be negative')
    .max(86_400, 'retry_cap_seconds must be at most 86400 (1 day)')
    .nullable()
    .optional(),
  notify: NotifySettings.nullable().optional(),
});
export type CreateTaskInput = z.infer<typeof CreateTaskInput>;

/**
 * Body of `POST /api/v1/tasks/:id/retry` (and `claude-worker retry --model/--permission-mode/--timeout`): settings
 * that change for the next attempt and stay changed. Optional; the same rules as when the task was created.
 */
export const RetryTaskInput = CreateTaskInput.pick({
  model: true,
  permission_mode: true,
  timeout_seconds: true,
});
export type RetryTaskInput = z.infer<typeof RetryTaskInput>;

const statusList = z
  .string()
  .transform((s) =>
    s
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.enum(TASK_STATUSES, { error: choiceError('status', TASK_STATUSES) })));

/** Query of `GET /api/v1/tasks` (and `claude-worker list`). Newest first; `cursor` continues a page. */
/** `q`: text to find in prompts (case-insensitive); a search of a few words, not a document. */
const PromptSearch = z
  .string()
  .min(1, 'q is the text to find in prompts; leave it out to list every task')
  .max(200, 'q is at most 200 characters; search for a shorter part of the prompt');

export const ListTasksQuery = z.strictObject({
  status: statusList.optional(),
  tag: TaskTag.optional(),
  orchestration_id: idText('orchestration_id').optional(),
  /** The dashboard's name for orchestration_id; give one of the two (the task service checks they agree). */
  orchestration: idText('orchestration').optional(),
  model: z
    .string()
    .regex(/^[A-Za-z0-9._:[\]@/-]{1,100}$/, 'model is a model name such as "opus" or "claude-sonnet-4-5"')
    .optional(),
  q: PromptSearch.optional(),
  limit: queryInt('limit', 1, 500).default(50),
  cursor: z.string().regex(/^\d+$/, 'cursor is the next_cursor of a previous page').optional(),
});
export type ListTasksQuery = z.infer<typeof ListTasksQuery>;

export const TaskIdParam = z.strictObject({ id: idText('a task id') });

const FailureSchema = z.object({
  code: z.enum(FAILURE_CODES),
  message: z.string(),
  suggestion: z.string(),
  retryable: z.boolean(),
  exit_code: z.number().nullable(),
  exit_meaning: z.string().nullable(),
  retry_after_ms: z.number().nullable(),
});

/** The task object as REST, MCP and `--json` return it (documentation; the store produces it). */
export const TaskSchema = z.object({
  id: z.number(),
  status: z.enum(TASK_STATUSES),
  execution_prompt: z.string(),
  working_directory: z.string(),
  model: z.string(),
  system_prompt: z.string().nullable(),
  permission_mode: z.enum(PERMISSION_MODES),
  allowed_tools: z.array(z.string()).nullable(),
  disallowed_tools: z.array(z.string()).nullable(),
  max_turns: z.number().nullable(),
  max_budget_usd: z.number().nullable(),
  env: z.record(z.string(), z.string()),
  timeout_seconds: z.number().nullable(),
  priority: z.number(),
  tags: z.array(z.string()),
  max_attempts: z.number(),
  retry_base_seconds: z.number().nullable(),
  retry_cap_seconds: z.number().nullable(),
  runs_on: z.array(z.string()),
  notify: NotifySettings.nullable(),
  orchestration_id: z.number().nullable(),
  identifier: z.string().nullable(),
  trigger_rule: z.enum(TRIGGER_RULES),
  initial_delay_seconds: z.number(),
  pending_dependencies: z.number(),
  attempt_count: z.number(),
  uncounted_attempts: z.number(),
  interruptions: z.number(),
  run_after: z.string().nullable(),
  worker_id: z.string().nullable(),
  lease_expires_at: z.string().nullable(),
  cancel_requested: z.boolean(),
  created_at: z.string(),
  updated_at: z.string(),
  started_at: z.string().nullable(),
  finished_at: z.string().nullable(),
  last_action: z.string().nullable(),
  last_action_at: z.string().nullable(),
  num_turns: z.number().nullable(),
  cost_usd: z.number().nullable(),
  usage: z.record(z.string(), z.unknown()).nullable(),
  session_id: z.string().nullable(),
  result: z.string().nullable(),
  error: FailureSchema.nullable(),
  status_reason: z.string().nullable(),
  log_path: z.string().nullable(),
  transcript_path: z.string().nullable(),
});

export const AttemptSchema = z.object({
  task_id: z.number(),
  number: z.number(),
  status: z.enum(['running', 'succeeded', 'failed', 'interrupted', 'cancelled']),
  worker_id: z.string(),
  started_at: z.string(),
  finished_at: z.string().nullable(),
  duration_ms: z.number().nullable(),
  session_id: z.string().nullable(),
  resumed_session_id: z.string().nullable(),
  num_turns: z.number().nullable(),
  cost_usd: z.number().nullable(),
  error: FailureSchema.nullable(),
  child_pid: z.number().nullable(),
  child_start: z.string().nullable(),
  child_host: z.string().nullable(),
  orphan_stopped_at: z.string().nullable(),
  counted: z.boolean(),
});

export const TaskEventSchema = z.object({
  id: z.number(),
  type: z.string(),
  task_id: z.number().nullable(),
  orchestration_id: z.number().nullable(),
  from_status: z.enum(TASK_STATUSES).nullable(),
  to_status: z.enum(TASK_STATUSES).nullable(),
  actor: z.string(),
  correlation_id: z.string().nullable(),
  data: z.record(z.string(), z.unknown()),
  created_at: z.string(),
});

export const TaskListSchema = z.object({ tasks: z.array(TaskSchema), next_cursor: z.string().nullable() });

/** `application/problem+json` body (RFC 9457) with our code and the list of problems for validation errors. */
export const ProblemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number(),
  detail: z.string(),
  code: z.string(),
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});
