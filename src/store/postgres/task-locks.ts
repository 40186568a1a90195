/**
 * The lock order every PostgreSQL write follows: first the rows of the orchestrations involved (in id order), then
 * the task rows (in id order). Finishes, cancels, retries and recovery all go through here, so two of them never
 * wait for each other in a circle, and an orchestration's end and budget are decided by one transaction at a time.
 */
import { sql } from 'kysely';
import type { TaskRow } from './schema.js';
import { PREPARED } from './prepared.js';
import type { PgTx } from './transactions.js';

/** Locks the tasks (and their orchestrations first) and returns their current rows by id. */
export async function lockTasks(tx: PgTx, ids: number[]): Promise<Map<number, TaskRow>> {
  const unique = [...new Set(ids)].sort((a, b) => a - b);
  if (unique.length === 0) return new Map();
  // One statement: the orchestration rows are locked by an InitPlan the task scan evaluates before its first row,
  // so before any task row is locked (an orchestration id never changes on a task: reading it unlocked is safe).
  const rows = await tx.rows(sql<TaskRow>`${sql.raw(PREPARED)}
    WITH owners AS (
      SELECT o.id FROM orchestrations o
      WHERE o.id IN (SELECT orchestration_id FROM tasks WHERE id = ANY(${unique}::bigint[]))
      ORDER BY o.id
      FOR UPDATE OF o
    )
    SELECT t.* FROM tasks t
    WHERE t.id = ANY(${unique}::bigint[]) AND (SELECT count(*) FROM owners) >= 0
    ORDER BY t.id
    FOR UPDATE OF t`);
  return new Map(rows.map((row) => [row.id, row]));
}
