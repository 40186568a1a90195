/**
 * The wire contract for orchestrations: the document a workflow file (JSON or YAML), `POST /api/v1/orchestrations`
 * and MCP `submit_orchestration` share. Task fields reuse the task schemas (`CreateTaskInput.shape`), so a field means
 * the same thing and fails with the same message everywhere.
 *
 * What a schema cannot check lives in `src/workflow/validate.ts`: identifiers unique, dependencies known and acyclic,
 * `{{ tasks.X.result }}` naming a dependency, a prompt and a working directory present after `defaults` apply,
 * directories absolute (relative ones are accepted only from a file, resolved against the file's folder) and existing.
 *
 * The original claude-worker format is a subset and validates unchanged:
 * `{"tasks":[{"identifier","execution_prompt","working_directory","system_prompt?","model?","depends_on?","initial_delay?"}]}`.
 */
import * as z from 'zod';
import { TRIGGER_RULES } from '../domain/vocabulary.js';
import { durationField } from './numbers.js';
import { CreateTaskInput, NotifySettings } from './task-schemas.js';
import { choiceError } from './zod-messages.js';

export const IDENTIFIER_PATTERN = /^[A-Za-z0-9_-]{1,100}$/;
export const MAX_WORKFLOW_TASKS = 10_000;
export const MAX_INITIAL_DELAY_SECONDS = 3600;

/** The message for an identifier that does not match `IDENTIFIER_PATTERN`, with a corrected suggestion. */
export function invalidIdentifierMessage(value: string): string {
  if (value.length === 0) return 'must not be empty; use 1–100 letters, digits, _ or - such as "build"';
  const fixed = value
    .replace(/[^A-Za-z0-9_-]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 100);
  const example = fixed.length > 0 ? fixed : 'build';
  return `"${value.length > 120 ? `${value.slice(0, 117)}...` : value}" is not a valid identifier: use 1–100 letters, digits, _ or - (for example "${example}")`;
}

export const TaskIdentifier = z
  .string({
    error: (iss) =>
      iss.input === undefined
        ? 'missing; give every task a unique identifier such as "build"'
        : typeof iss.input === 'number'
          ? `must be text; write it in quotes, such as "${String(iss.input)}"`
          : 'must be text such as "build"',
  })
  .regex(IDENTIFIER_PATTERN, { error: (iss) => invalidIdentifierMessage(String(iss.input)) });

/** In a file a relative directory is allowed (resolved later against the file's folder); REST/MCP need absolute. */
export const WorkflowDirectory = z
  .string({ error: 'working_directory must be a path (text)' })
  .min(1, 'working_directory must not be empty');

const TriggerRuleSchema = z.enum(TRIGGER_RULES, { error: choiceError('trigger rule', TRIGGER_RULES) });

const InitialDelay = durationField({ min: 0, max: MAX_INITIAL_DELAY_SECONDS });

const DependsOn = z.array(z.string({ error: 'must be the identifier of a task (text)' }), {
  error: (iss) =>
    iss.code === 'invalid_type' ? 'must be a list of task identifiers, such as ["build", "lint"]' : undefined,
});

const task = CreateTaskInput.shape;

/** In a document, durations may be written as in the CLI (`30m`, `2h`) as well as in seconds. */
const Timeout = durationField({ min: 1, max: 7 * 24 * 3600, whole: true })
  .nullable()
  .optional();

/** Every field a task may set besides `identifier` and `depends_on`; all optional (a task may take them from defaults). */
const taskSettings = {
  ...task,
  working_directory: WorkflowDirectory,
  trigger_rule: TriggerRuleSchema,
  initial_delay: InitialDelay,
  /** Seconds or a duration (`30m`); the file-format name of `timeout_seconds` (a task sets one or the other). */
  timeout: Timeout,
  timeout_seconds: Timeout,
  retry_base_seconds: durationField({ min: 0, max: 3600 }).nullable().optional(),
  retry_cap_seconds: durationField({ min: 0, max: 86_400 }).nullable().optional(),
};

/** `defaults`: any task field except `identifier` and `depends_on`; a task's own value wins (see validate.ts). */
export const WorkflowDefaults = z.strictObject(taskSettings).partial();
export type WorkflowDefaults = z.infer<typeof WorkflowDefaults>;

/** One task of a document. `execution_prompt` and `working_directory` may come from `defaults`. */
export const WorkflowTask = WorkflowDefaults.extend({
  identifier: TaskIdentifier,
  depends_on: DependsOn.nullable().optional(),
});
export type WorkflowTask = z.infer<typeof WorkflowTask>;

const documentFields = {
  name: z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(200, 'must be at most 200 characters')
    .nullable()
    .optional(),
  defaults: WorkflowDefaults.optional(),
  max_parallel: z
    .int({ error: 'must be a whole number of tasks' })
    .min(1, 'must be at least 1')
    .max(MAX_WORKFLOW_TASKS, `must be at most ${MAX_WORKFLOW_TASKS}`)
    .nullable()
    .optional(),
  budget_usd: z
    .number({
      error: (iss) =>
        iss.code === 'invalid_type' ? 'must be an amount in US dollars, such as 5' : undefined,
    })
    .positive('must be more than 0')
    .nullable()
    .optional(),
  /** The orchestration's own notify settings: its ending, and beneath each task's own. */
  notify: NotifySettings.nullable().optional(),
};

const taskCount = (items: z.ZodType) =>
  z
    .array(items, {
      error: (iss) =>
        iss.code === 'invalid_type'
          ? iss.input === undefined
            ? 'missing; an orchestration is a list of tasks under "tasks"'
            : 'must be a list of task objects'
          : undefined,
    })
    .min(1, 'must list at least one task')
    .max(
      MAX_WORKFLOW_TASKS,
      `an orchestration has at most ${MAX_WORKFLOW_TASKS} tasks; split it into several`,
    );

/** The whole document (for OpenAPI and MCP tool input). `validateWorkflow` is the one place that accepts it. */
export const OrchestrationDocument = z.strictObject({ ...documentFields, tasks: taskCount(WorkflowTask) });
export type OrchestrationDocument = z.infer<typeof OrchestrationDocument>;

/** The document with `defaults` and each task left unchecked, so each can be checked on its own and every problem reported. */
export const OrchestrationEnvelope = z.strictObject({
  ...documentFields,
  defaults: z.unknown().optional(),
  tasks: taskCount(z.unknown()),
});

/** Field names a task may use, for "did you mean" on unknown fields. */
export const WORKFLOW_TASK_FIELDS: readonly string[] = Object.keys(WorkflowTask.shape);
export const WORKFLOW_DEFAULTS_FIELDS: readonly string[] = Object.keys(WorkflowDefaults.shape);
export const ORCHESTRATION_FIELDS: readonly string[] = Object.keys(OrchestrationDocument.shape);
