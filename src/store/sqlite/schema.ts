/**
 * The shape of the SQLite tables as the current code sees them, for Kysely's type checking of dynamic queries.
 * Times are INTEGER epoch milliseconds; JSON fields (tags, env, tool lists, usage, error, event data) are TEXT.
 * Migrations do not import these types: they describe each step on their own, because the schema moves on.
 */
import type { Generated, Selectable } from 'kysely';

export interface TasksTable {
  id: Generated<number>;
  status: string;
  execution_prompt: string;
  working_directory: string;
  model: string;
  system_prompt: string | null;
  permission_mode: string;
  /** JSON array or NULL. */
  allowed_tools: string | null;
  disallowed_tools: string | null;
  max_turns: number | null;
  max_budget_usd: number | null;
  /** JSON object. */
  env: string;
  timeout_seconds: number | null;
  priority: number;
  /** JSON array. */
  tags: string;
  max_attempts: number;
  retry_base_seconds: number | null;
  retry_cap_seconds: number | null;
  orchestration_id: number | null;
  identifier: string | null;
  trigger_rule: string;
  initial_delay_seconds: number;
  pending_dependencies: number;
  attempt_count: number;
  run_after: number | null;
  worker_id: string | null;
  lease_expires_at: number | null;
  /** 0 or 1. */
  cancel_requested: number;
  created_at: number;
  updated_at: number;
  started_at: number | null;
  finished_at: number | null;
  last_action: string | null;
  last_action_at: number | null;
  num_turns: number | null;
  cost_usd: number | null;
  /** JSON object or NULL. */
  usage: string | null;
  session_id: string | null;
  result: string | null;
  /** JSON Failure or NULL. */
  error: string | null;
  status_reason: string | null;
  log_path: string | null;
  transcript_path: string | null;
  /** Migration 2: the prompt with `{{ tasks.X.result }}` references, kept until the task is ready (else NULL). */
  prompt_template: string | null;
  /** Migration 2: how the finished dependencies ended (the unfinished ones are `pending_dependencies`). */
  deps_succeeded: Generated<number>;
  deps_failed: Generated<number>;
  deps_skipped: Generated<number>;
  deps_cancelled: Generated<number>;
  /** Migration 7: JSON array of the worker labels this task needs, or NULL for none. */
  runs_on: string | null;
  /** Migration 8: attempts not counted against max_attempts (a stopped worker, a rate-limit wait). */
  uncounted_attempts: Generated<number>;
  /** Migration 8: attempts in a row interrupted by a stopped worker (reset by any other ending). */
  interruptions: Generated<number>;
  /** Migration 13: the W3C traceparent of the request that created the task, or NULL. */
  trace_parent: string | null;
  /** Migration 14: JSON object of the task's notify settings, or NULL. */
  notify: string | null;
}

export interface AttemptsTable {
  task_id: number;
  number: number;
  status: string;
  worker_id: string;
  started_at: number;
  finished_at: number | null;
  duration_ms: number | null;
  session_id: string | null;
  resumed_session_id: string | null;
  num_turns: number | null;
  cost_usd: number | null;
  /** JSON Failure or NULL. */
  error: string | null;
  child_pid: number | null;
  child_start: string | null;
  child_host: string | null;
  orphan_stopped_at: number | null;
  /** Migration 8: 0 when the attempt does not count against max_attempts. */
  counted: Generated<number>;
  /** Migration 13: the model the attempt ran with (NULL for attempts older than the migration). */
  model: string | null;
  /** Migration 13: ms between the moment the task could start (run_after) and its claim. */
  queue_wait_ms: number | null;
  /** Migration 13: tokens the attempt used, by kind (NULL: not reported). */
  input_tokens: number | null;
  output_tokens: number | null;
  cache_read_tokens: number | null;
  cache_creation_tokens: number | null;
}

export interface EventsTable {
  id: Generated<number>;
  type: string;
  task_id: number | null;
  orchestration_id: number | null;
  from_status: string | null;
  to_status: string | null;
  actor: string;
  correlation_id: string | null;
  /** JSON object. */
  data: string;
  created_at: number;
}

export interface OrchestrationsTable {
  id: Generated<number>;
  name: string | null;
  max_parallel: number | null;
  budget_usd: number | null;
  /** Migration 14: JSON object of its notify settings, or NULL. */
  notify: string | null;
  cost_usd: number;
  /** 0 or 1. */
  cancel_requested: number;
  /** 0 or 1: the recorded cost reached budget_usd. */
  budget_exhausted: number;
  status_reason: string | null;
  created_at: number;
  updated_at: number;
  finished_at: number | null;
}

export interface TaskDependenciesTable {
  task_id: number;
  depends_on_task_id: number;
  position: number;
}

export interface WorkersTable {
  id: string;
  host: string;
  pid: number;
  /** JSON array. */
  labels: string;
  concurrency: number;
  version: string;
  started_at: number;
  last_heartbeat_at: number;
  stopped_at: number | null;
}

export interface MigrationsTable {
  version: number;
  name: string;
  applied_at: number;
}

export interface Database {
  tasks: TasksTable;
  attempts: AttemptsTable;
  events: EventsTable;
  orchestrations: OrchestrationsTable;
  task_dependencies: TaskDependenciesTable;
  migrations: MigrationsTable;
  workers: WorkersTable;
}

/** Rows as read back (generated columns resolved). */
export type TaskRow = Selectable<TasksTable>;
export type AttemptRow = Selectable<AttemptsTable>;
export type EventRow = Selectable<EventsTable>;
export type OrchestrationRow = Selectable<OrchestrationsTable>;
