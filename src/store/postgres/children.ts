/**
 * The Claude Code process of an attempt in PostgreSQL: recordChild notes its pid, start-time token and host while
 * the attempt runs (not a transition, no event); recordOrphanStopped stamps the attempt whose process outlived its
 * worker and was stopped, and appends an `orphan_stopped` event, in one transaction.
 */
import { sql } from 'kysely';
import type { Actor, AttemptChild, TaskStatus } from '../../domain/vocabulary.js';
import type { PgTx } from './transactions.js';

export async function recordChild(
  tx: PgTx,
  taskId: number,
  attempt: number,
  child: AttemptChild,
): Promise<void> {
  await tx.rows(sql`
    UPDATE attempts SET child_pid = ${child.pid}, child_start = ${child.start}, child_host = ${child.host}
    WHERE task_id = ${taskId} AND number = ${attempt} AND status = 'running'`);
}

export async function recordOrphanStopped(
  tx: PgTx,
  taskId: number,
  attempt: number,
  data: Record<string, unknown>,
  actor: Actor,
): Promise<void> {
  const task = await tx.row(sql<{ status: string; orchestration_id: number | null }>`
    SELECT status, orchestration_id FROM tasks WHERE id = ${taskId}`);
  if (!task) return;
  const stamped = await tx.rows(sql`
    UPDATE attempts SET orphan_stopped_at = ${tx.now} WHERE task_id = ${taskId} AND number = ${attempt}
    RETURNING 1`);
  if (stamped.length === 0) return;
  const status = task.status as TaskStatus;
  tx.append({
    type: 'orphan_stopped',
    task_id: taskId,
    orchestration_id: task.orchestration_id,
    from_status: status,
    to_status: status,
    actor: actor.actor,
    correlation_id: actor.correlation_id ?? null,
    data: { attempt, ...data },
  });
}
