/**
 * requestCancel in PostgreSQL: waiting/queued → cancelled at once (a task of an orchestration resolves its
 * dependents in the same transaction), running → `cancel_requested` for its worker to act on. The task row is
 * locked (its orchestration's first) before it is read, so a concurrent claim or finish is seen, not overwritten.
 * The conflict wording is the SQLite store's (`finishedConflict`).
 */
import { sql } from 'kysely';
import { ClaudeWorkerError } from '../../domain/errors.js';
import type { Actor, Task, TaskStatus } from '../../domain/vocabulary.js';
import { finishedConflict } from '../sqlite/cancel.js';
import { assertTransition } from '../sqlite/context.js';
import { storeFailure } from '../sqlite/failures.js';
import { rowToTask } from '../sqlite/task-rows.js';
import { PgResolution } from './orchestrations/resolution.js';
import type { TaskRow } from './schema.js';
import { lockTasks } from './task-locks.js';
import type { PgTx } from './transactions.js';

export async function requestCancel(tx: PgTx, id: number, actor: Actor): Promise<Task> {
  const row = (await lockTasks(tx, [id])).get(id);
  if (!row) throw ClaudeWorkerError.notFound('Task', id);
  const from = row.status as TaskStatus;
  const correlation_id = actor.correlation_id ?? null;

  if (from === 'running') {
    if (row.cancel_requested !== 0) return rowToTask(row);
    const updated = await tx.row(sql<TaskRow>`
      UPDATE tasks SET cancel_requested = 1, updated_at = ${tx.now} WHERE id = ${id} RETURNING *`);
    if (!updated) throw new Error(`claude-worker store: task ${id} vanished while cancelling`);
    tx.append({
      type: 'task_cancel_requested',
      task_id: id,
      orchestration_id: row.orchestration_id,
      from_status: 'running',
      to_status: 'running',
      actor: actor.actor,
      correlation_id,
      data: { attempt: row.attempt_count, worker_id: row.worker_id },
    });
    return rowToTask(updated);
  }

  if (from !== 'waiting' && from !== 'queued') throw finishedConflict(id, from);
  assertTransition(id, from, 'cancelled');
  const failure = storeFailure('cancelled', `Cancelled on request (${actor.actor}) before it started.`, id);
  const updated = await tx.row(sql<TaskRow>`
    UPDATE tasks
    SET status = 'cancelled', cancel_requested = 1, finished_at = ${tx.now}, updated_at = ${tx.now},
        error = ${JSON.stringify(failure)}
    WHERE id = ${id}
    RETURNING *`);
  if (!updated) throw new Error(`claude-worker store: task ${id} vanished while cancelling`);
  tx.append({
    type: 'task_cancelled',
    task_id: id,
    orchestration_id: row.orchestration_id,
    from_status: from,
    to_status: 'cancelled',
    actor: actor.actor,
    correlation_id,
    data: { code: failure.code, message: failure.message, suggestion: failure.suggestion },
  });
  if (updated.orchestration_id !== null) {
    const resolution = new PgResolution(tx);
    await resolution.taskEnded(updated, 'cancelled', { actor: actor.actor, correlation_id, now: tx.now });
    await resolution.settle();
  }
  return rowToTask(updated);
}
