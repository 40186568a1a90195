/** The orchestration row codec, shared by every store: the row plus its task counts → the record. */
import { orchestrationStatus } from '../../domain/rules/orchestration-status.js';
import {
  TASK_STATUSES,
  type NotifyOptions,
  type Orchestration,
  type TaskStatus,
} from '../../domain/vocabulary.js';
import {
  flag,
  int,
  isoOrNull,
  isoTime,
  parseJson,
  type FlagValue,
  type IntValue,
  type JsonValue,
  type TimeValue,
} from './values.js';

export interface OrchestrationRecordRow {
  id: IntValue;
  name: string | null;
  max_parallel: number | null;
  budget_usd: number | null;
  /** JSON object of its notify settings, or NULL for none. */
  notify?: JsonValue | null;
  cost_usd: number;
  cancel_requested: FlagValue;
  budget_exhausted: FlagValue;
  status_reason: string | null;
  created_at: TimeValue;
  updated_at: TimeValue;
  finished_at: TimeValue | null;
}

export function orchestrationFromRow(
  row: OrchestrationRecordRow,
  counts: Record<TaskStatus, number>,
): Orchestration {
  const cancelRequested = flag(row.cancel_requested);
  return {
    id: int(row.id),
    name: row.name,
    status: orchestrationStatus(counts, {
      cancel_requested: cancelRequested,
      budget_exhausted: flag(row.budget_exhausted),
    }),
    max_parallel: row.max_parallel,
    budget_usd: row.budget_usd,
    notify: parseJson<NotifyOptions>(row.notify ?? null),
    cost_usd: row.cost_usd,
    task_count: TASK_STATUSES.reduce((sum, s) => sum + counts[s], 0),
    counts,
    cancel_requested: cancelRequested,
    status_reason: row.status_reason,
    created_at: isoTime(row.created_at),
    updated_at: isoTime(row.updated_at),
    finished_at: isoOrNull(row.finished_at),
  };
}
