/**
 * An orchestration as a record: its row, its task counts per status (read from the `tasks_orchestration_status`
 * index alone) and its derived status. The derived-status rule lives here twice on purpose — in TypeScript for one
 * orchestration, and as an SQL expression for filtering lists — and the two must say the same thing.
 */
import type BetterSqlite3 from 'better-sqlite3';
import {
  TASK_STATUSES,
  type Orchestration,
  type OrchestrationStatus,
  type TaskStatus,
} from '../../../domain/vocabulary.js';
import type { StatusCounts } from '../../store.js';
import type { OrchestrationRow } from '../schema.js';
import { isoTime } from '../task-rows.js';

/**
 * pending: nothing ran or finished yet; running: some task unfinished; once all finished: cancelled (it was
 * cancelled), failed (a task failed or was cancelled, or the budget ran out), else completed.
 */
export function deriveStatus(row: OrchestrationRow, counts: StatusCounts): OrchestrationStatus {
  const total = TASK_STATUSES.reduce((sum, s) => sum + counts[s], 0);
  const unfinished = counts.waiting + counts.queued + counts.running;
  if (total === 0) return 'pending';
  if (unfinished > 0) return counts.running > 0 || unfinished < total ? 'running' : 'pending';
  if (row.cancel_requested !== 0) return 'cancelled';
  if (row.budget_exhausted !== 0 || counts.failed + counts.cancelled > 0) return 'failed';
  return 'completed';
}

const has = (statuses: string) =>
  `EXISTS (SELECT 1 FROM tasks t WHERE t.orchestration_id = o.id AND t.status IN (${statuses}))`;

/** `deriveStatus` in SQL over `orchestrations o`: a handful of index seeks per orchestration, whatever its size. */
export const DERIVED_STATUS_SQL = `
  CASE
    WHEN NOT EXISTS (SELECT 1 FROM tasks t WHERE t.orchestration_id = o.id) THEN 'pending'
    WHEN ${has("'waiting', 'queued', 'running'")} THEN
      CASE WHEN ${has("'running', 'completed', 'failed', 'cancelled', 'skipped'")} THEN 'running' ELSE 'pending' END
    WHEN o.cancel_requested <> 0 THEN 'cancelled'
    WHEN o.budget_exhausted <> 0 OR ${has("'failed', 'cancelled'")} THEN 'failed'
    ELSE 'completed'
  END`;

export function emptyCounts(): StatusCounts {
  return Object.fromEntries(TASK_STATUSES.map((s) => [s, 0])) as StatusCounts;
}

export function rowToOrchestration(row: OrchestrationRow, counts: StatusCounts): Orchestration {
  return {
    id: row.id,
    name: row.name,
    status: deriveStatus(row, counts),
    max_parallel: row.max_parallel,
    budget_usd: row.budget_usd,
    cost_usd: row.cost_usd,
    task_count: TASK_STATUSES.reduce((sum, s) => sum + counts[s], 0),
    counts,
    cancel_requested: row.cancel_requested !== 0,
    status_reason: row.status_reason,
    created_at: isoTime(row.created_at),
    updated_at: isoTime(row.updated_at),
    finished_at: row.finished_at === null ? null : isoTime(row.finished_at),
  };
}

export interface Summaries {
  row(id: number): OrchestrationRow | undefined;
  counts(id: number): StatusCounts;
  /** The orchestration as a record, or undefined for an unknown id. */
  summary(id: number): Orchestration | undefined;
}

export function prepareSummaries(db: BetterSqlite3.Database): Summaries {
  const selectRow = db.prepare<[number], OrchestrationRow>('SELECT * FROM orchestrations WHERE id = ?');
  const selectCounts = db.prepare<[number], { status: string; n: number }>(
    'SELECT status, COUNT(*) AS n FROM tasks WHERE orchestration_id = ? GROUP BY status',
  );
  const counts = (id: number): StatusCounts => {
    const result = emptyCounts();
    for (const { status, n } of selectCounts.all(id)) result[status as TaskStatus] = n;
    return result;
  };
  return {
    row: (id) => selectRow.get(id),
    counts,
    summary: (id) => {
      const row = selectRow.get(id);
      return row ? rowToOrchestration(row, counts(id)) : undefined;
    },
  };
}

/** Dollars as people read them: cents from $1 up, up to four decimals below. */
export function dollars(value: number): string {
  return value >= 1 ? `$${value.toFixed(2)}` : `$${Number(value.toFixed(4))}`;
}
