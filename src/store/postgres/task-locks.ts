/**
 * The lock order every PostgreSQL write follows: first the rows of the orchestrations involved (in id order), then
 * the task rows (in id order). Finishes, cancels, retries and recovery all go through here, so two of them never
 * wait for each other in a circle, and an orchestration's end and budget are decided by one transaction at a time.
 */
import { sql } from 'kysely';
import { lockOrchestrations } from './orchestrations/statements.js';
import type { TaskRow } from './schema.js';
import type { PgTx } from './transactions.js';

/** Locks the tasks (and their orchestrations first) and returns their current rows by id. */
export async function lockTasks(tx: PgTx, ids: number[]): Promise<Map<number, TaskRow>> {
  const unique = [...new Set(ids)].sort((a, b) => a - b);
  if (unique.length === 0) return new Map();
  // An orchestration id never changes on a task, so reading it without a lock is safe.
  const owners = await tx.rows(sql<{ orchestration_id: number | null }>`
    SELECT DISTINCT orchestration_id FROM tasks WHERE id = ANY(${unique}::bigint[])`);
  await lockOrchestrations(
    tx,
    owners.map((o) => o.orchestration_id),
  );
  const rows = await tx.rows(sql<TaskRow>`
    SELECT * FROM tasks WHERE id = ANY(${unique}::bigint[]) ORDER BY id FOR UPDATE`);
  return new Map(rows.map((row) => [row.id, row]));
}
