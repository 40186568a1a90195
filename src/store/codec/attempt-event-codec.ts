/** The attempt and event row codecs, shared by every store (column types: values.ts). */
import type {
  Attempt,
  AttemptStatus,
  EventType,
  Failure,
  TaskEvent,
  TaskStatus,
} from '../../domain/vocabulary.js';
import {
  flag,
  int,
  intOrNull,
  isoOrNull,
  isoTime,
  parseJson,
  type FlagValue,
  type IntValue,
  type JsonValue,
  type TimeValue,
} from './values.js';

export interface AttemptRecordRow {
  task_id: IntValue;
  number: number;
  status: string;
  worker_id: string;
  started_at: TimeValue;
  finished_at: TimeValue | null;
  duration_ms: number | null;
  session_id: string | null;
  resumed_session_id: string | null;
  num_turns: number | null;
  cost_usd: number | null;
  error: JsonValue | null;
  child_pid: number | null;
  child_start: string | null;
  child_host: string | null;
  orphan_stopped_at: TimeValue | null;
  counted: FlagValue;
}

export function attemptFromRow(row: AttemptRecordRow): Attempt {
  return {
    task_id: int(row.task_id),
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
    counted: flag(row.counted),
  };
}

export interface EventRecordRow {
  id: IntValue;
  type: string;
  task_id: IntValue | null;
  orchestration_id: IntValue | null;
  from_status: string | null;
  to_status: string | null;
  actor: string;
  correlation_id: string | null;
  data: JsonValue;
  created_at: TimeValue;
}

export function eventFromRow(row: EventRecordRow): TaskEvent {
  return {
    id: int(row.id),
    type: row.type as EventType,
    task_id: intOrNull(row.task_id),
    orchestration_id: intOrNull(row.orchestration_id),
    from_status: row.from_status as TaskStatus | null,
    to_status: row.to_status as TaskStatus | null,
    actor: row.actor,
    correlation_id: row.correlation_id,
    data: parseJson<Record<string, unknown>>(row.data) ?? {},
    created_at: isoTime(row.created_at),
  };
}
