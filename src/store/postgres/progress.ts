/**
 * recordProgress and renewLeases in PostgreSQL: not transitions, so no events. Progress applies only while that
 * attempt is the task's running one; a renewal extends the leases a worker still holds and tells it which of them
 * someone asked to cancel and which it lost.
 */
import { sql } from 'kysely';
import type { LeaseRenewal, Progress } from '../store.js';
import type { PgTx } from './transactions.js';

export async function recordProgress(
  tx: PgTx,
  taskId: number,
  attempt: number,
  progress: Progress,
): Promise<void> {
  const numTurns = progress.num_turns ?? null;
  const cost = progress.cost_usd ?? null;
  const session = progress.session_id ?? null;
  // The attempt first: the task's cost is summed from the attempt rows.
  if (numTurns !== null || cost !== null || session !== null) {
    await tx.rows(sql`
      UPDATE attempts
      SET num_turns = COALESCE(${numTurns}::int, num_turns), cost_usd = COALESCE(${cost}::double precision, cost_usd),
          session_id = COALESCE(${session}::text, session_id)
      WHERE task_id = ${taskId} AND number = ${attempt} AND status = 'running'`);
  }
  await tx.rows(sql`
    UPDATE tasks
    SET last_action = ${progress.last_action}, last_action_at = ${tx.now},
        num_turns = COALESCE(${numTurns}::int, num_turns), session_id = COALESCE(${session}::text, session_id),
        cost_usd = CASE WHEN ${cost}::double precision IS NULL THEN cost_usd
                        ELSE (SELECT COALESCE(sum(a.cost_usd), 0) FROM attempts a WHERE a.task_id = ${taskId}) END
    WHERE id = ${taskId} AND status = 'running' AND attempt_count = ${attempt}`);
}

export async function renewLeases(
  tx: PgTx,
  workerId: string,
  taskIds: number[],
  leaseMs: number,
): Promise<LeaseRenewal> {
  if (taskIds.length === 0) return { held: [], cancel_requested: [], lost: [] };
  const rows = await tx.rows(sql<{ id: number; cancel_requested: number }>`
    UPDATE tasks SET lease_expires_at = ${tx.now + leaseMs}
    WHERE status = 'running' AND worker_id = ${workerId} AND id = ANY(${taskIds}::bigint[])
    RETURNING id, cancel_requested`);
  const held = new Set(rows.map((r) => r.id));
  return {
    held: taskIds.filter((id) => held.has(id)),
    cancel_requested: rows
      .filter((r) => r.cancel_requested !== 0)
      .map((r) => r.id)
      .sort((a, b) => a - b),
    lost: taskIds.filter((id) => !held.has(id)),
  };
}
