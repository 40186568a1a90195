/**
 * recoverTasks in PostgreSQL: running tasks whose worker is gone (lease expired, or the worker known dead) end
 * their attempt as `interrupted` and are requeued (or fail out of attempts, or are cancelled when asked), in one
 * transaction. The candidates are locked (their orchestrations first) and the condition is checked again under the
 * lock, so when two workers recover at once each task is recovered by one of them, once; the other finds it no
 * longer running. What happens to each task is the shared rule (domain/rules/recovery.ts): requeued without
 * spending an attempt, cancelled on request, or failed as `worker_lost` after too many interruptions in a row.
 */
import { sql } from 'kysely';
import { isTerminal } from '../../domain/state-machine.js';
import type { Task } from '../../domain/vocabulary.js';
import { assertTransition } from '../shared/transitions.js';
import { decideRecoveryOfRow } from '../../domain/rules/recovery.js';
import { taskFromRow as rowToTask } from '../codec/task-codec.js';
import { jsonOrNull } from '../codec/values.js';
import type { RecoveryRequest } from '../store.js';
import { taskRow } from './finish.js';
import { PgResolution } from './orchestrations/resolution.js';
import type { TaskRow } from './schema.js';
import { lockTasks } from './task-locks.js';
import type { PgTx } from './transactions.js';

export async function recoverTasks(tx: PgTx, request: RecoveryRequest): Promise<Task[]> {
  const dead = request.dead_worker_ids ?? [];
  if (!request.expired_leases && dead.length === 0) return [];
  const now = tx.now;
  const recoverable = (row: TaskRow) =>
    row.status === 'running' &&
    ((request.expired_leases && row.lease_expires_at !== null && row.lease_expires_at < now) ||
      (row.worker_id !== null && dead.includes(row.worker_id)));
  const candidates = await tx.rows(sql<{ id: number }>`
    SELECT id FROM tasks
    WHERE status = 'running'
      AND ((${request.expired_leases} AND lease_expires_at < ${now}) OR worker_id = ANY(${dead}::text[]))
    ORDER BY id`);
  if (candidates.length === 0) return [];
  const locked = await lockTasks(
    tx,
    candidates.map((c) => c.id),
  );
  const rows = [...locked.values()].filter(recoverable).sort((a, b) => a.id - b.id);
  const resolution = new PgResolution(tx);
  const cause = { actor: request.actor.actor, correlation_id: request.actor.correlation_id ?? null, now };
  const recovered: TaskRow[] = [];
  for (const row of rows) {
    const decision = decideRecoveryOfRow(row, dead, request.max_interruptions);
    const attemptRow = await tx.row(sql<{ cost_usd: number | null }>`
      UPDATE attempts
      SET status = 'interrupted', finished_at = ${now}, duration_ms = GREATEST(0, ${now} - started_at),
          error = ${JSON.stringify(decision.attempt_error)}, counted = 0
      WHERE task_id = ${row.id} AND number = ${row.attempt_count} AND status = 'running'
      RETURNING cost_usd`);
    const { status } = decision;
    assertTransition(row.id, 'running', status);
    const updated = await tx.row(sql<TaskRow>`
      UPDATE tasks
      SET status = ${status}, worker_id = NULL, lease_expires_at = NULL, updated_at = ${now},
          finished_at = ${status === 'queued' ? null : now},
          run_after = COALESCE(${status === 'queued' ? now : null}::bigint, run_after),
          error = ${jsonOrNull(decision.error)}, interruptions = ${decision.interruptions},
          uncounted_attempts = uncounted_attempts + ${attemptRow ? 1 : 0}
      WHERE id = ${row.id} AND status = 'running'
      RETURNING *`);
    if (!updated) throw new Error(`claude-worker store: task ${row.id} changed under its row lock`);
    for (const event of decision.events) {
      tx.append({
        type: event.type,
        task_id: row.id,
        orchestration_id: row.orchestration_id,
        from_status: 'running',
        to_status: status,
        actor: request.actor.actor,
        correlation_id: request.actor.correlation_id ?? null,
        data: event.data,
      });
    }
    if (updated.orchestration_id !== null) {
      await resolution.attemptEnded(
        updated.orchestration_id,
        attemptRow?.cost_usd ?? null,
        status === 'queued',
        cause,
      );
      if (isTerminal(status)) await resolution.taskEnded(updated, status, cause);
    }
    recovered.push(updated);
  }
  await resolution.settle();
  return Promise.all(
    recovered.map(async (row) =>
      rowToTask(resolution.changed.has(row.id) ? ((await taskRow(tx, row.id)) ?? row) : row),
    ),
  );
}
