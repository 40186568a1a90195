/**
 * An orchestration as a record: its row and its task counts per status (read from the `tasks_orchestration_status`
 * index alone), through the shared codec. The derived-status rule (domain/rules/orchestration-status.ts) is also
 * said here as an SQL expression for filtering lists; the two must say the same thing.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { emptyCounts } from '../../../domain/rules/orchestration-status.js';
import type { Orchestration, TaskStatus } from '../../../domain/vocabulary.js';
import { orchestrationFromRow } from '../../codec/orchestration-codec.js';
import type { StatusCounts } from '../../store.js';
import type { OrchestrationRow } from '../schema.js';

const has = (statuses: string) =>
  `EXISTS (SELECT 1 FROM tasks t WHERE t.orchestration_id = o.id AND t.status IN (${statuses}))`;

/** `orchestrationStatus` in SQL over `orchestrations o`: a handful of index seeks per orchestration, whatever its size. */
export const DERIVED_STATUS_SQL = `
  CASE
    WHEN NOT EXISTS (SELECT 1 FROM tasks t WHERE t.orchestration_id = o.id) THEN 'pending'
    WHEN ${has("'waiting', 'queued', 'running'")} THEN
      CASE WHEN ${has("'running', 'completed', 'failed', 'cancelled', 'skipped'")} THEN 'running' ELSE 'pending' END
    WHEN o.cancel_requested <> 0 THEN 'cancelled'
    WHEN o.budget_exhausted <> 0 OR ${has("'failed', 'cancelled'")} THEN 'failed'
    ELSE 'completed'
  END`;

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
      return row ? orchestrationFromRow(row, counts(id)) : undefined;
    },
  };
}
