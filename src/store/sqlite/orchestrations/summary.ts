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

export { DERIVED_STATUS_SQL } from '../../shared/orchestration-status-sql.js';

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
