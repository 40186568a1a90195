/**
 * The vocabulary of claude-worker. Every other module speaks in these terms; this file imports nothing.
 *
 * - Task: one prompt run in one working directory with one model and options. Integer id.
 * - Attempt: one execution of a task (one Claude Code process). A task has 1..max_attempts attempts.
 * - Orchestration: a DAG of tasks submitted together; each task has an `identifier` unique inside it.
 * - Event: an append-only record of a transition (time, actor, correlation id). Feeds the audit trail and the
 *   live stream. Progress (a tool call, a text block) is not a transition: it is published live but not stored
 *   as an event; it lands in the transcript and in `last_action`.
 * - Worker: a process that claims and runs tasks; a server process contains one unless told not to.
 *
 * Records are snake_case because they are the wire format too (REST, MCP, `--json`). Times are ISO-8601 strings.
 */

export const TASK_STATUSES = [
  'waiting',
  'queued',
  'running',
  'completed',
  'failed',
  'cancelled',
  'skipped',
] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export const TERMINAL_STATUSES: readonly TaskStatus[] = ['completed', 'failed', 'cancelled', 'skipped'];

export const PERMISSION_MODES = [
  'default',
  'acceptEdits',
  'bypassPermissions',
  'plan',
  'dontAsk',
  'auto',
] as const;
export type PermissionMode = (typeof PERMISSION_MODES)[number];

export const TRIGGER_RULES = [
  'all_success',
  'all_done',
  'one_success',
  'one_failed',
  'all_failed',
  'none_failed',
] as const;
export type TriggerRule = (typeof TRIGGER_RULES)[number];

/** Why an attempt failed: one code per class, with a retry decision and a suggestion (see error-codes.ts). */
export const FAILURE_CODES = [
  'rate_limit',
  'overloaded',
  'server_error',
  'network',
  'timeout',
  'interrupted',
  'process_crashed',
  'auth',
  'billing',
  'cli_not_found',
  'invalid_request',
  'max_turns',
  'budget',
  'execution_error',
  'cancelled',
  'no_result',
  'memory_limit',
  'dependency_failed',
  'worker_lost',
] as const;
export type FailureCode = (typeof FAILURE_CODES)[number];

/** A classified failure, as stored on the attempt and on the task, and shown to people. */
export interface Failure {
  code: FailureCode;
  /** What happened, in plain words (includes the underlying message). */
  message: string;
  /** What a person can do about it. */
  suggestion: string;
  retryable: boolean;
  exit_code: number | null;
  /** The meaning of the exit code or signal, e.g. "137: killed (SIGKILL, often out of memory)". */
  exit_meaning: string | null;
  /** When the API said how long to wait (rate limits), in milliseconds. */
  retry_after_ms: number | null;
}

/** Token usage as reported by Claude Code's result message. */
export type Usage = Record<string, unknown>;

/** The endings `on` can name: `needs_attention` is the part of `failed` a person must act on. */
export const NOTIFY_ENDINGS = ['completed', 'failed', 'needs_attention'] as const;
export type NotifyEnding = (typeof NOTIFY_ENDINGS)[number];

export const NOTIFY_CHANNELS = ['sound', 'desktop', 'slack', 'discord'] as const;
export type NotifyChannel = (typeof NOTIFY_CHANNELS)[number];

export const NOTIFY_SWITCHES = ['on', 'off'] as const;
export type NotifySwitch = (typeof NOTIFY_SWITCHES)[number];

/** What a task or orchestration says; a missing key follows the one above it (orchestration, then the machine). */
export interface NotifyOptions {
  on?: NotifyEnding[];
  sound?: NotifySwitch;
  desktop?: NotifySwitch;
  slack?: NotifySwitch;
  discord?: NotifySwitch;
}

export interface TaskOptions {
  execution_prompt: string;
  working_directory: string;
  /** An alias (`sonnet`, `opus`, `haiku`) or a full `claude-…` id. */
  model: string;
  /** Null: Claude Code's own system prompt (the `claude_code` preset). */
  system_prompt: string | null;
  permission_mode: PermissionMode;
  allowed_tools: string[] | null;
  disallowed_tools: string[] | null;
  max_turns: number | null;
  max_budget_usd: number | null;
  /** Extra environment for the Claude Code child, on top of the server's (minus its secrets). */
  env: Record<string, string>;
  /** Per-attempt wall-clock limit; null means the configured default. */
  timeout_seconds: number | null;
  priority: number;
  tags: string[];
  max_attempts: number;
  /** First retry backoff for this task (doubles per attempt); null: the configured `retry_base_seconds`. */
  retry_base_seconds: number | null;
  /** Largest retry backoff for this task; null: the configured `retry_cap_seconds`. */
  retry_cap_seconds: number | null;
  /** Worker labels this task needs: only a worker having ALL of them claims it. Empty: any worker. */
  runs_on: string[];
  /** Its own notify settings (its orchestration's merged under them); null: the machine's settings alone. */
  notify: NotifyOptions | null;
}

export interface Task extends TaskOptions {
  id: number;
  status: TaskStatus;
  orchestration_id: number | null;
  identifier: string | null;
  trigger_rule: TriggerRule;
  initial_delay_seconds: number;
  /** Count of dependencies not yet finished; the task is `waiting` while it is above zero. */
  pending_dependencies: number;
  /** Attempts started so far (each one's number); `attempt_count - uncounted_attempts` count against max_attempts. */
  attempt_count: number;
  /** Attempts that do not count against max_attempts: interrupted by a stopped worker, or a rate-limit wait. */
  uncounted_attempts: number;
  /** Attempts in a row interrupted by a stopped worker; at `max_interruptions` the task fails as `worker_lost`. */
  interruptions: number;
  /** Earliest start for a queued task (delays, backoff, cool-down). */
  run_after: string | null;
  worker_id: string | null;
  lease_expires_at: string | null;
  cancel_requested: boolean;
  created_at: string;
  updated_at: string;
  started_at: string | null;
  finished_at: string | null;
  last_action: string | null;
  last_action_at: string | null;
  num_turns: number | null;
  cost_usd: number | null;
  usage: Usage | null;
  session_id: string | null;
  result: string | null;
  error: Failure | null;
  /** Why the task was skipped or what it waits for, in plain words. */
  status_reason: string | null;
  log_path: string | null;
  transcript_path: string | null;
}

export const ATTEMPT_STATUSES = ['running', 'succeeded', 'failed', 'interrupted', 'cancelled'] as const;
export type AttemptStatus = (typeof ATTEMPT_STATUSES)[number];

export interface Attempt {
  task_id: number;
  number: number;
  status: AttemptStatus;
  worker_id: string;
  started_at: string;
  finished_at: string | null;
  duration_ms: number | null;
  session_id: string | null;
  resumed_session_id: string | null;
  num_turns: number | null;
  cost_usd: number | null;
  error: Failure | null;
  /** The Claude Code process of this attempt, once started: pid, start-time token, host (see AttemptChild). */
  child_pid: number | null;
  child_start: string | null;
  child_host: string | null;
  /** When this attempt's process outlived its worker and was stopped before the task ran again. */
  orphan_stopped_at: string | null;
  /** False when the attempt does not count against max_attempts (its worker stopped, or a rate-limit wait). */
  counted: boolean;
}

/**
 * Who the Claude Code process of an attempt is, so a later start can find it if it outlives its worker: the pid,
 * a token of the process's start time (a reused pid has another; `linux:<ticks since boot>` or `ps:<lstart>`),
 * and the host it runs on (a pid means nothing on another machine).
 */
export interface AttemptChild {
  pid: number;
  start: string;
  host: string;
}

export const EVENT_TYPES = [
  'task_created',
  'task_claimed',
  'task_completed',
  'task_failed',
  'task_requeued',
  'task_cancel_requested',
  'task_cancelled',
  'task_skipped',
  'task_retried',
  'task_recovered',
  'task_ready',
  /** A task skipped because of its dependencies waits (or runs) again: one of them was retried. */
  'task_rearmed',
  /** An attempt's Claude Code process outlived its worker and was stopped before the task ran again. */
  'orphan_stopped',
  // Orchestration-level events (task_id null).
  'orchestration_created',
  'orchestration_tasks_added',
  'orchestration_cancelled',
  'orchestration_budget_exhausted',
  /** Its last task finished; data: status, counts, cost_usd. */
  'orchestration_finished',
  // Maintenance (task_id and orchestration_id null).
  /** `prune` deleted finished work; data: finished_before and the counts. */
  'store_pruned',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** A stored transition. */
export interface TaskEvent {
  id: number;
  type: EventType;
  task_id: number | null;
  orchestration_id: number | null;
  from_status: TaskStatus | null;
  to_status: TaskStatus | null;
  /** Who caused it: `api`, `cli`, `worker:<id>`, `recovery`, `system`. */
  actor: string;
  correlation_id: string | null;
  data: Record<string, unknown>;
  created_at: string;
}

/** Live, unstored progress of a running attempt (one per Claude Code message). */
export interface ProgressEvent {
  type: 'task_progress';
  task_id: number;
  attempt: number;
  /** The human log line, e.g. `[tool:Bash] npm test`. */
  line: string;
  num_turns: number | null;
  cost_usd: number | null;
  at: string;
}

export const WORKER_STATUSES = ['alive', 'gone'] as const;
/** `alive`: heartbeat within the lease window and not stopped; `gone`: stopped, or silent past its lease. */
export type WorkerStatus = (typeof WORKER_STATUSES)[number];

/** A worker node as `workers` lists it (REST `GET /api/v1/workers`, `--json`). */
export interface Worker {
  /** `<host>/<pid>/<nonce>`, the `worker_id` its running tasks carry. */
  id: string;
  host: string;
  pid: number;
  labels: string[];
  concurrency: number;
  /** Tasks it runs now (running tasks leased to it). */
  running: number;
  /** The claude-worker version it runs. */
  version: string;
  started_at: string;
  last_heartbeat_at: string;
  status: WorkerStatus;
}

/** Who performs a write, for the audit trail. */
export interface Actor {
  actor: string;
  correlation_id?: string | null;
}

export const ORCHESTRATION_STATUSES = ['pending', 'running', 'completed', 'failed', 'cancelled'] as const;
/**
 * Derived from its tasks: `pending` (nothing started yet), `running` (some task not finished), and once every task
 * is finished: `cancelled` (the orchestration was cancelled), `failed` (a task failed or was cancelled, or the budget
 * ran out), else `completed` (tasks skipped by their own trigger rule do not make it fail).
 */
export type OrchestrationStatus = (typeof ORCHESTRATION_STATUSES)[number];

export interface Orchestration {
  id: number;
  name: string | null;
  status: OrchestrationStatus;
  max_parallel: number | null;
  budget_usd: number | null;
  /** Its own notify settings for its ending (its tasks carry them merged into theirs). */
  notify: NotifyOptions | null;
  /** Sum of its tasks' recorded cost. */
  cost_usd: number;
  task_count: number;
  counts: Record<TaskStatus, number>;
  cancel_requested: boolean;
  /** Why it ended as it did, when that is not obvious ("budget exhausted: $5.02 of $5.00"). */
  status_reason: string | null;
  created_at: string;
  updated_at: string;
  /** When its last task finished; null while any task is unfinished. */
  finished_at: string | null;
}

/** A task as seen inside its orchestration: with the identifiers it depends on. */
export interface OrchestrationTask extends Task {
  depends_on: string[];
}

export interface OrchestrationDetail extends Orchestration {
  tasks: OrchestrationTask[];
}
