/**
 * The lock order every PostgreSQL write follows: first the rows of the orchestrations involved (in id order), then
 * the task rows (in id order). Finishes, cancels, retries and recovery go through here, so two of them never wait
 * for each other in a circle, and an orchestration's end and budget are decided by one transaction at a time. (A
 * finish batch of standalone tasks alone locks its task rows by its own UPDATE, in id order, and no orchestration:
 * see finish.ts.)
 */
import { sql, type RawBuilder } from 'kysely';
import type { TaskRow } from './schema.js';
import { PREPARED } from './prepared.js';
import type { PgTx } from './transactions.js';

/** What a finish needs of a task it locks: the fence (status, worker, attempt) and what its ending depends on. */
export type TaskFence = Pick<
  TaskRow,
  'id' | 'status' | 'worker_id' | 'attempt_count' | 'cancel_requested' | 'interruptions'
>;

/** Locks the tasks (and their orchestrations first) and returns their current rows by id. */
export async function lockTasks(tx: PgTx, ids: number[]): Promise<Map<number, TaskRow>> {
  const unique = sortedUnique(ids);
  if (unique.length === 0) return new Map();
  const rows = await tx.rows(lockStatement<TaskRow>(sql`t.*`, unique));
  return new Map(rows.map((row) => [row.id, row]));
}

/**
 * As lockTasks, returning only each task's fence: a finish batch reads a handful of columns, not forty-odd (their
 * transfer and parsing were a third of the lock's time).
 */
export async function lockTaskFences(tx: PgTx, ids: number[]): Promise<Map<number, TaskFence>> {
  const unique = sortedUnique(ids);
  if (unique.length === 0) return new Map();
  const rows = await tx.rows(
    lockStatement<TaskFence>(
      sql`t.id, t.status, t.worker_id, t.attempt_count, t.cancel_requested, t.interruptions`,
      unique,
    ),
  );
  return new Map(rows.map((row) => [row.id, row]));
}

function sortedUnique(ids: number[]): number[] {
  return [...new Set(ids)].sort((a, b) => a - b);
}

/**
 * One statement: the orchestration rows are locked by an InitPlan the task scan evaluates before its first row, so
 * before any task row is locked (an orchestration id never changes on a task: reading it unlocked is safe). The
 * orchestrations are looked up by primary key from the array of the tasks' ids, whatever the statistics say: a
 * semi-join could walk every orchestration ever stored, and a plan cached while the tables were small would keep
 * doing so.
 */
function lockStatement<R>(columns: RawBuilder<unknown>, ids: number[]): RawBuilder<R> {
  return sql<R>`${sql.raw(PREPARED)}
    WITH owners AS (
      SELECT o.id FROM orchestrations o
      WHERE o.id = ANY(ARRAY(SELECT orchestration_id FROM tasks WHERE id = ANY(${ids}::bigint[])))
      ORDER BY o.id
      FOR UPDATE OF o
    )
    SELECT ${columns} FROM tasks t
    WHERE t.id = ANY(${ids}::bigint[]) AND (SELECT count(*) FROM owners) >= 0
    ORDER BY t.id
    FOR UPDATE OF t`;
}
