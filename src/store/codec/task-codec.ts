/**
 * The task row codec, shared by every store: the one place that lists a task's columns. `taskFromRow` reads a row
 * (whatever the store's column types, see values.ts) into the `Task` record; `TASK_OPTION_COLUMNS` with
 * `taskOptionValues` are the columns a new task is inserted with, in one order; `newTaskRecord` is the record a
 * just-inserted row reads back as (an orchestration of 10,000 tasks builds its answer without reading them back).
 */
import type {
  Failure,
  NotifyOptions,
  PermissionMode,
  Task,
  TaskOptions,
  TaskStatus,
  TriggerRule,
  Usage,
} from '../../domain/vocabulary.js';
import {
  flag,
  int,
  intOrNull,
  isoOrNull,
  isoTime,
  jsonOrNull,
  parseJson,
  type FlagValue,
  type IntValue,
  type JsonValue,
  type TimeValue,
} from './values.js';

/** A task row as any store returns it (`SELECT *`). Extra columns (counters, templates) are ignored. */
export interface TaskRecordRow {
  id: IntValue;
  status: string;
  execution_prompt: string;
  working_directory: string;
  model: string;
  system_prompt: string | null;
  permission_mode: string;
  allowed_tools: JsonValue | null;
  disallowed_tools: JsonValue | null;
  max_turns: number | null;
  max_budget_usd: number | null;
  env: JsonValue;
  timeout_seconds: number | null;
  priority: number;
  tags: JsonValue;
  max_attempts: number;
  retry_base_seconds: number | null;
  retry_cap_seconds: number | null;
  /** JSON array of worker labels, or NULL for none. */
  runs_on: JsonValue | null;
  /** JSON object of the task's notify settings, or NULL for none (added by a later migration). */
  notify?: JsonValue | null;
  orchestration_id: IntValue | null;
  identifier: string | null;
  trigger_rule: string;
  initial_delay_seconds: number;
  pending_dependencies: number;
  attempt_count: number;
  uncounted_attempts: number;
  interruptions: number;
  run_after: TimeValue | null;
  worker_id: string | null;
  lease_expires_at: TimeValue | null;
  cancel_requested: FlagValue;
  created_at: TimeValue;
  updated_at: TimeValue;
  started_at: TimeValue | null;
  finished_at: TimeValue | null;
  last_action: string | null;
  last_action_at: TimeValue | null;
  num_turns: number | null;
  cost_usd: number | null;
  usage: JsonValue | null;
  session_id: string | null;
  result: string | null;
  error: JsonValue | null;
  status_reason: string | null;
  log_path: string | null;
  transcript_path: string | null;
}

export function taskFromRow(row: TaskRecordRow): Task {
  return {
    id: int(row.id),
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
    notify: parseJson<NotifyOptions>(row.notify ?? null),
    orchestration_id: intOrNull(row.orchestration_id),
    identifier: row.identifier,
    trigger_rule: row.trigger_rule as TriggerRule,
    initial_delay_seconds: row.initial_delay_seconds,
    pending_dependencies: row.pending_dependencies,
    attempt_count: row.attempt_count,
    uncounted_attempts: row.uncounted_attempts,
    interruptions: row.interruptions,
    run_after: isoOrNull(row.run_after),
    worker_id: row.worker_id,
    lease_expires_at: isoOrNull(row.lease_expires_at),
    cancel_requested: flag(row.cancel_requested),
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

/** The columns a new task's options are inserted into, in the order of `taskOptionValues`. */
export const TASK_OPTION_COLUMNS = [
  'execution_prompt',
  'working_directory',
  'model',
  'system_prompt',
  'permission_mode',
  'allowed_tools',
  'disallowed_tools',
  'max_turns',
  'max_budget_usd',
  'env',
  'timeout_seconds',
  'priority',
  'tags',
  'max_attempts',
  'retry_base_seconds',
  'retry_cap_seconds',
  'log_path',
  'transcript_path',
  'runs_on',
  'trace_parent',
  'notify',
] as const;

/** What a new task is inserted with besides its options (`{id}` in the log paths is the new id). */
export interface NewTaskOptions extends TaskOptions {
  log_path?: string | null;
  transcript_path?: string | null;
  /** The W3C traceparent of the request that created it (its attempts join that trace). */
  trace_parent?: string | null;
}

/** The values of TASK_OPTION_COLUMNS for a new task (JSON as text: SQLite TEXT and PostgreSQL jsonb both take it). */
export function taskOptionValues(task: NewTaskOptions, prompt: string = task.execution_prompt): unknown[] {
  return [
    prompt,
    task.working_directory,
    task.model,
    task.system_prompt ?? null,
    task.permission_mode,
    jsonOrNull(task.allowed_tools),
    jsonOrNull(task.disallowed_tools),
    task.max_turns ?? null,
    task.max_budget_usd ?? null,
    JSON.stringify(task.env),
    task.timeout_seconds ?? null,
    task.priority,
    JSON.stringify(task.tags),
    task.max_attempts,
    task.retry_base_seconds ?? null,
    task.retry_cap_seconds ?? null,
    task.log_path ?? null,
    task.transcript_path ?? null,
    labelsOrNull(task.runs_on),
    task.trace_parent ?? null,
    jsonOrNull(task.notify),
  ];
}

/** JSON text of a label list, NULL when empty (claims test `runs_on IS NULL` first: the common case stays cheap). */
export function labelsOrNull(labels: readonly string[] | undefined): string | null {
  return labels && labels.length > 0 ? JSON.stringify(labels) : null;
}

/** What a just-inserted task reads back as (the contract suite checks that the two agree). */
export interface NewTaskState {
  id: number;
  status: TaskStatus;
  prompt: string;
  run_after: number | null;
  now: number;
  orchestration_id: number | null;
  identifier: string | null;
  trigger_rule: TriggerRule;
  initial_delay_seconds: number;
  pending_dependencies: number;
}

/** `extra` fields (an orchestration task's `depends_on`) are part of the one record built, not a copy of it. */
export function newTaskRecord<E extends object = object>(
  task: NewTaskOptions,
  s: NewTaskState,
  extra?: E,
): Task & E {
  const named = (path: string | null | undefined) =>
    path === null || path === undefined ? null : path.replaceAll('{id}', String(s.id));
  const created = isoTime(s.now);
  return {
    id: s.id,
    status: s.status,
    execution_prompt: s.prompt,
    working_directory: task.working_directory,
    model: task.model,
    system_prompt: task.system_prompt ?? null,
    permission_mode: task.permission_mode,
    allowed_tools: task.allowed_tools ?? null,
    disallowed_tools: task.disallowed_tools ?? null,
    max_turns: task.max_turns ?? null,
    max_budget_usd: task.max_budget_usd ?? null,
    env: task.env,
    timeout_seconds: task.timeout_seconds ?? null,
    priority: task.priority,
    tags: task.tags,
    max_attempts: task.max_attempts,
    retry_base_seconds: task.retry_base_seconds ?? null,
    retry_cap_seconds: task.retry_cap_seconds ?? null,
    runs_on: task.runs_on ?? [],
    notify: task.notify ?? null,
    orchestration_id: s.orchestration_id,
    identifier: s.identifier,
    trigger_rule: s.trigger_rule,
    initial_delay_seconds: s.initial_delay_seconds,
    pending_dependencies: s.pending_dependencies,
    attempt_count: 0,
    uncounted_attempts: 0,
    interruptions: 0,
    run_after: s.run_after === null ? null : isoTime(s.run_after),
    worker_id: null,
    lease_expires_at: null,
    cancel_requested: false,
    created_at: created,
    updated_at: created,
    started_at: null,
    finished_at: null,
    last_action: null,
    last_action_at: null,
    num_turns: null,
    cost_usd: null,
    usage: null,
    session_id: null,
    result: null,
    error: null,
    status_reason: null,
    log_path: named(task.log_path),
    transcript_path: named(task.transcript_path),
    ...(extra as E),
  };
}
