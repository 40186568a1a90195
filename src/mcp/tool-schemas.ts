/**
 * Input schemas of the MCP tools, built from the shared contract (task fields from `CreateTaskInput`, graph fields
 * from `WorkflowTask`), so a field means the same and fails with the same message as over REST or in a workflow
 * file. What is added here is only what MCP needs: descriptions written for a model, a clear message when a required
 * field is missing, and the MCP names of graph fields (`task_identifier`, `wait_after_dependencies`).
 * Objects are strict: a misspelt field is refused, never silently dropped.
 */
import * as z from 'zod';
import { OrchestrationDocument, WorkflowTask } from '../contract/orchestration-schemas.js';
import { jsonId } from '../contract/numbers.js';
import { GroupName } from '../contract/staging-schemas.js';
import { choiceError } from '../contract/zod-messages.js';
import { CreateTaskInput, ListTasksQuery } from '../contract/task-schemas.js';
import { ORCHESTRATION_STATUSES, TASK_STATUSES } from '../domain/vocabulary.js';

const task = CreateTaskInput.shape;
const graph = WorkflowTask.shape;
const document = OrchestrationDocument.shape;

/** A required text field: says it is missing and how to fill it, then applies the contract's own checks. */
function requiredText<T extends z.ZodType<unknown, string>>(field: string, hint: string, schema: T) {
  return z
    .string({
      error: (iss) =>
        iss.input === undefined ? `${field} is missing; ${hint}` : `${field} must be text; ${hint}`,
    })
    .pipe(schema);
}

/** An id: a positive whole number (decimal digits in a string are accepted too, as models sometimes send them). */
const idOf = jsonId;

export const TaskId = idOf('task_id', 12, 'create_task, submit_orchestration or list_tasks').describe(
  'The task id (from create_task, submit_orchestration or list_tasks).',
);

export const OrchestrationId = idOf(
  'orchestration_id',
  3,
  'submit_orchestration or list_orchestrations',
).describe('The orchestration id (from submit_orchestration or list_orchestrations).');

export const CreateTaskToolInput = z.strictObject({
  execution_prompt: requiredText(
    'execution_prompt',
    'write what Claude Code should do, as you would brief a colleague',
    task.execution_prompt,
  ).describe('What the task should do: a complete, self-contained brief (the worker sees nothing else).'),
  working_directory: requiredText(
    'working_directory',
    'pass the absolute path of the folder the task works in, such as /home/me/project',
    task.working_directory,
  ).describe('Absolute path of an existing folder the task runs in.'),
  model: task.model.describe(
    'sonnet, opus, haiku, or a full claude-… model id. Default: the configured model.',
  ),
  system_prompt: task.system_prompt.describe(
    "Replaces Claude Code's own system prompt. Usually leave it out.",
  ),
  permission_mode: task.permission_mode.describe('Claude Code permission mode. Default: the configured one.'),
  max_turns: task.max_turns.describe('Stop after this many turns.'),
  max_budget_usd: task.max_budget_usd.describe('Stop once this much (US dollars) has been spent.'),
  priority: task.priority.describe('Higher runs first (-1000 to 1000, default 0).'),
  runs_on: task.runs_on.describe(
    'Worker labels, such as ["repo-a"]: only a worker having ALL of them runs the task (a machine that has its folder). Default: any worker.',
  ),
  notify: task.notify.describe(
    'Who is told when it ends: {"on": ["failed"]} to hear only of failures, "slack"/"discord"/"sound"/"desktop": "on" or "off" for this task. Default: the server\'s notify settings.',
  ),
  orchestration_group: GroupName.optional().describe(
    'Stage the task in this group instead of running it now. Stage every task of a graph under the same group, then call submit_orchestration with the group name.',
  ),
  task_identifier: graph.identifier
    .optional()
    .describe(
      'With orchestration_group: this task\'s name inside the group (e.g. "build"), used in depends_on.',
    ),
  depends_on: graph.depends_on.describe(
    'With orchestration_group: task_identifiers of the same group that must finish first.',
  ),
  wait_after_dependencies: graph.initial_delay.describe(
    'With orchestration_group: seconds to wait after the dependencies allow the task to start (0–3600).',
  ),
  trigger_rule: graph.trigger_rule.describe(
    "With orchestration_group: when the task runs given its dependencies' outcomes. Default all_success (skip if any failed).",
  ),
});
export type CreateTaskToolInput = z.infer<typeof CreateTaskToolInput>;

export const SubmitOrchestrationInput = z.strictObject({
  orchestration_group: GroupName.optional().describe('The group whose staged tasks to submit.'),
  workflow: z
    .record(z.string(), z.unknown())
    .optional()
    .describe(
      'Instead of a group: a whole orchestration document, {"name"?, "defaults"?, "max_parallel"?, "budget_usd"?, "tasks": [{"identifier", "execution_prompt", "working_directory", "depends_on"?, "initial_delay"?, "model"?, "trigger_rule"?, ...}]}. working_directory must be absolute. A prompt may use {{ tasks.<identifier>.result }} of a dependency.',
    ),
  name: document.name.describe(
    'With orchestration_group: a name for the orchestration (default: the group name).',
  ),
  max_parallel: document.max_parallel.describe(
    'With orchestration_group: at most this many of its tasks run at once.',
  ),
  budget_usd: document.budget_usd.describe(
    'With orchestration_group: nothing new starts once its cost reaches this.',
  ),
  notify: document.notify.describe(
    "With orchestration_group: who is told when it ends, as create_task's notify (its tasks take these unless they set their own).",
  ),
});

export const TaskIdInput = z.strictObject({ task_id: TaskId });

export const MAX_LOG_BYTES = 64 * 1024;
export const DEFAULT_LOG_BYTES = 8 * 1024;

export const TaskLogsInput = z.strictObject({
  task_id: TaskId,
  max_bytes: z
    .int({ error: 'max_bytes is a whole number of bytes' })
    .min(256, 'max_bytes must be at least 256')
    .max(MAX_LOG_BYTES, `max_bytes must be at most ${MAX_LOG_BYTES}`)
    .default(DEFAULT_LOG_BYTES)
    .describe(`How much of the end of the log to return, in bytes (default ${DEFAULT_LOG_BYTES}).`),
  format: z
    .enum(['text', 'jsonl'])
    .default('text')
    .describe('text: one human line per step (default). jsonl: the raw Claude Code transcript.'),
});

export const MAX_WAIT_SECONDS = 3600;
export const DEFAULT_WAIT_SECONDS = 50;

export const WaitForTaskInput = z.strictObject({
  task_id: TaskId,
  timeout_seconds: z
    .number({ error: 'timeout_seconds is a number of seconds' })
    .min(0, 'timeout_seconds must not be negative')
    .max(MAX_WAIT_SECONDS, `timeout_seconds must be at most ${MAX_WAIT_SECONDS}`)
    .default(DEFAULT_WAIT_SECONDS)
    .describe(
      `How long to wait at most (default ${DEFAULT_WAIT_SECONDS}). Keep it below your MCP client's request timeout.`,
    ),
});

export const ListTasksInput = z.strictObject({
  status: z
    .array(z.enum(TASK_STATUSES, { error: choiceError('status', TASK_STATUSES) }))
    .optional()
    .describe(`Only these statuses (${TASK_STATUSES.join(', ')}).`),
  orchestration_id: OrchestrationId.optional(),
  tag: ListTasksQuery.shape.tag,
  limit: z
    .int()
    .min(1)
    .max(100)
    .default(20)
    .describe('At most this many, newest first (default 20, max 100).'),
  cursor: ListTasksQuery.shape.cursor.describe('next_cursor of the previous page.'),
});

export const OrchestrationIdInput = z.strictObject({ orchestration_id: OrchestrationId });

export const ListOrchestrationsInput = z.strictObject({
  status: z
    .array(
      z.enum(ORCHESTRATION_STATUSES, { error: choiceError('orchestration status', ORCHESTRATION_STATUSES) }),
    )
    .optional()
    .describe(`Only these statuses (${ORCHESTRATION_STATUSES.join(', ')}).`),
  limit: z
    .int()
    .min(1)
    .max(100)
    .default(20)
    .describe('At most this many, newest first (default 20, max 100).'),
  cursor: z.string().optional().describe('next_cursor of the previous page.'),
});
