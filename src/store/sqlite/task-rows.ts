/**
 * Rows ↔ records: SQLite keeps times as epoch milliseconds and JSON values as TEXT; the rest of claude-worker sees
 * the snake_case records of domain/vocabulary.ts with ISO-8601 times. The only place that knows both shapes.
 */
import type {
  Attempt,
  AttemptStatus,
  EventType,
  Failure,
  PermissionMode,
  Task,
  TaskEvent,
  TaskStatus,
  TriggerRule,
  Usage,
} from '../../domain/vocabulary.js';
import type { AttemptRow, EventRow, TaskRow } from './schema.js';

export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

function isoOrNull(ms: number | null): string | null {
  return ms === null ? null : isoTime(ms);
}

function parseJson<T>(text: string | null): T | null {
  return text === null ? null : (JSON.parse(text) as T);
}

/** JSON text of a label list, NULL when empty (claims test `runs_on IS NULL` first: the common case stays cheap). */
export function labelsOrNull(labels: readonly string[] | undefined): string | null {
  return labels && labels.length > 0 ? JSON.stringify(labels) : null;
}

/** JSON text for a nullable value (undefined and null both store NULL). */
export function jsonOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}

export function rowToTask(row: TaskRow): Task {
  return {
    id: row.id,
    status: row.status as TaskStatus,
    execution_prompt: row.execution_prompt,
    working_directory: row.working_directory,
    model: row.model,
    system_prompt: row.system_prompt,
    permission_mode: row.permission_mode as PermissionMode,
    allowed_tools: parseJson<string[]>(row.allowed_tools),
    disallowed_tools: parseJson<string[]>(row.disallowed_tools),
    max_turns: row.max_turns,
    max_budget_usd: row.max_budget_usd,
    env: parseJson<Record<string, string>>(row.env) ?? {},
    timeout_seconds: row.timeout_seconds,
    priority: row.priority,
    tags: parseJson<string[]>(row.tags) ?? [],
    max_attempts: row.max_attempts,
    retry_base_seconds: row.retry_base_seconds,
    retry_cap_seconds: row.retry_cap_seconds,
    runs_on: parseJson<string[]>(row.runs_on) ?? [],
    orchestration_id: row.orchestration_id,
    identifier: row.identifier,
    trigger_rule: row.trigger_rule as TriggerRule,
    initial_delay_seconds: row.initial_delay_seconds,
    pending_dependencies: row.pending_dependencies,
    attempt_count: row.attempt_count,
    run_after: isoOrNull(row.run_after),
    worker_id: row.worker_id,
    lease_expires_at: isoOrNull(row.lease_expires_at),
    cancel_requested: row.cancel_requested !== 0,
    created_at: isoTime(row.created_at),
    updated_at: isoTime(row.updated_at),
    started_at: isoOrNull(row.started_at),
    finished_at: isoOrNull(row.finished_at),
    last_action: row.last_action,
    last_action_at: isoOrNull(row.last_action_at),
    num_turns: row.num_turns,
    cost_usd: row.cost_usd,
    usage: parseJson<Usage>(row.usage),
    session_id: row.session_id,
    result: row.result,
    error: parseJson<Failure>(row.error),
    status_reason: row.status_reason,
    log_path: row.log_path,
    transcript_path: row.transcript_path,
  };
}

export function rowToAttempt(row: AttemptRow): Attempt {
  return {
    task_id: row.task_id,
    number: row.number,
    status: row.status as AttemptStatus,
    worker_id: row.worker_id,
    started_at: isoTime(row.started_at),
    finished_at: isoOrNull(row.finished_at),
    duration_ms: row.duration_ms,
    session_id: row.session_id,
    resumed_session_id: row.resumed_session_id,
    num_turns: row.num_turns,
    cost_usd: row.cost_usd,
    error: parseJson<Failure>(row.error),
    child_pid: row.child_pid,
    child_start: row.child_start,
    child_host: row.child_host,
    orphan_stopped_at: isoOrNull(row.orphan_stopped_at),
  };
}

export function rowToEvent(row: EventRow): TaskEvent {
  return {
    id: row.id,
    type: row.type as EventType,
    task_id: row.task_id,
    orchestration_id: row.orchestration_id,
    from_status: row.from_status as TaskStatus | null,
    to_status: row.to_status as TaskStatus | null,
    actor: row.actor,
    correlation_id: row.correlation_id,
    data: parseJson<Record<string, unknown>>(row.data) ?? {},
    created_at: isoTime(row.created_at),
  };
}
