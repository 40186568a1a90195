/**
 * finishAttempts in PostgreSQL: a batch of attempt endings in one transaction. Locks first the orchestrations of
 * the tasks (their rows, in id order), then the task rows; each finish is fenced — `UPDATE … WHERE id AND
 * attempt_count AND worker_id AND status = 'running' RETURNING` — and skipped without a trace when someone else
 * owns the task now. What an outcome means is the shared rule (domain/rules/attempt-ending.ts); the orchestration's cost, budget,
 * dependents and end are resolved in the same transaction, under its row lock.
 */
import { sql } from 'kysely';
import { isTerminal } from '../../domain/state-machine.js';
import type { Task } from '../../domain/vocabulary.js';
import { assertTransition, workerActor } from '../sqlite/context.js';
import { decideAttemptEnding } from '../../domain/rules/attempt-ending.js';
import { taskFromRow as rowToTask } from '../codec/task-codec.js';
import { jsonOrNull } from '../codec/values.js';
import type { AttemptFinish } from '../store.js';
import { PgResolution } from './orchestrations/resolution.js';
import type { TaskRow } from './schema.js';
import { lockTasks } from './task-locks.js';
import type { PgTx } from './transactions.js';

export async function finishAttempts(tx: PgTx, finishes: AttemptFinish[]): Promise<Task[]> {
  if (finishes.length === 0) return [];
  const current = await lockTasks(
    tx,
    finishes.map((f) => f.task_id),
  );
  const finished: TaskRow[] = [];
  const resolution = new PgResolution(tx);
  for (const finish of finishes) {
    const fence = current.get(finish.task_id);
    const holds =
      fence !== undefined &&
      fence.status === 'running' &&
      fence.worker_id === finish.worker_id &&
      fence.attempt_count === finish.attempt;
    if (!holds) continue;
    const ending = decideAttemptEnding(
      {
        id: finish.task_id,
        cancel_requested: fence.cancel_requested !== 0,
        interruptions: fence.interruptions,
      },
      finish,
    );
    assertTransition(finish.task_id, 'running', ending.status);
    const attemptRow = await tx.row(sql<{ cost_usd: number | null }>`
      UPDATE attempts
      SET status = ${ending.attempt_status}, counted = ${ending.counted ? 1 : 0}, finished_at = ${tx.now},
          duration_ms = ${Math.max(0, Math.round(finish.duration_ms))}, error = ${jsonOrNull(ending.error)},
          session_id = COALESCE(${finish.session_id}::text, session_id),
          num_turns = COALESCE(${finish.num_turns}::int, num_turns),
          cost_usd = COALESCE(${finish.cost_usd}::double precision, cost_usd)
      WHERE task_id = ${finish.task_id} AND number = ${finish.attempt}
      RETURNING cost_usd`);
    const row = await tx.row(sql<TaskRow>`
      UPDATE tasks
      SET status = ${ending.status}, worker_id = NULL, lease_expires_at = NULL, updated_at = ${tx.now},
          finished_at = ${ending.status === 'queued' ? null : tx.now},
          run_after = COALESCE(${ending.run_after?.getTime() ?? null}::bigint, run_after), error = ${jsonOrNull(ending.error)},
          result = COALESCE(${finish.result}::text, result),
          session_id = COALESCE(${finish.session_id}::text, session_id),
          num_turns = COALESCE(${finish.num_turns}::int, num_turns),
          usage = COALESCE(${jsonOrNull(finish.usage)}::text, usage),
          uncounted_attempts = uncounted_attempts + ${ending.counted ? 0 : 1},
          interruptions = ${ending.interruptions},
          cost_usd = (SELECT CASE WHEN count(a.cost_usd) = 0 THEN NULL ELSE sum(a.cost_usd) END
                      FROM attempts a WHERE a.task_id = ${finish.task_id})
      WHERE id = ${finish.task_id} AND attempt_count = ${finish.attempt} AND worker_id = ${finish.worker_id}
        AND status = 'running'
      RETURNING *`);
    if (!row) throw new Error(`claude-worker store: task ${finish.task_id} changed under its row lock`);
    // The fence row is stale now: a second finish of the same attempt in this batch is fenced out.
    current.delete(finish.task_id);
    tx.append({
      type: ending.event.type,
      task_id: row.id,
      orchestration_id: row.orchestration_id,
      from_status: 'running',
      to_status: ending.status,
      actor: workerActor(finish.worker_id),
      correlation_id: null,
      data: ending.event.data,
    });
    finished.push(row);
    if (row.orchestration_id !== null) {
      const cause = { actor: workerActor(finish.worker_id), correlation_id: null, now: tx.now };
      await resolution.attemptEnded(
        row.orchestration_id,
        attemptRow?.cost_usd ?? null,
        ending.status === 'queued',
        cause,
      );
      if (isTerminal(ending.status)) await resolution.taskEnded(row, ending.status, cause);
    }
  }
  await resolution.settle();
  return Promise.all(
    finished.map(async (row) =>
      rowToTask(resolution.changed.has(row.id) ? ((await taskRow(tx, row.id)) ?? row) : row),
    ),
  );
}

export function taskRow(tx: PgTx, id: number): Promise<TaskRow | undefined> {
  return tx.row(sql<TaskRow>`SELECT * FROM tasks WHERE id = ${id}`);
}
