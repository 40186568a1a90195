/**
 * retryTask in PostgreSQL: a failed, cancelled or skipped task runs again where the shared rule says
 * (domain/rules/retry.ts: queued, or waiting on its dependencies; a conflict otherwise). The task row is locked
 * (its orchestration's first); settings changed with the retry (model, permission mode, timeout) are written and
 * recorded in its event; its dependents skipped because of it re-arm in the same transaction.
 */
import { sql } from 'kysely';
import { ClaudeWorkerError } from '../../domain/errors.js';
import { planRetry, retryContextOf, type RetryContext } from '../../domain/rules/retry.js';
import { RETRYABLE_STATUSES } from '../../domain/state-machine.js';
import type { Actor, Task, TaskStatus } from '../../domain/vocabulary.js';
import { taskFromRow } from '../codec/task-codec.js';
import { assertTransition } from '../shared/transitions.js';
import { PgResolution } from './orchestrations/resolution.js';
import { statements, summaries } from './orchestrations/statements.js';
import type { TaskRetryChanges } from '../store.js';
import type { TaskRow } from './schema.js';
import { lockTasks } from './task-locks.js';
import type { PgTx } from './transactions.js';

export async function retryTask(
  tx: PgTx,
  id: number,
  actor: Actor,
  changes: TaskRetryChanges = {},
): Promise<Task> {
  const row = (await lockTasks(tx, [id])).get(id);
  if (!row) throw ClaudeWorkerError.notFound('Task', id);
  const task = taskFromRow(row);
  const from = task.status;
  const context = RETRYABLE_STATUSES.includes(from) ? await retryContext(tx, row) : null;
  const plan = planRetry(task, context, changes);
  const to: TaskStatus = plan.to;
  assertTransition(id, from, to);
  const updated = await tx.row(sql<TaskRow>`
    UPDATE tasks
    SET status = ${to}, execution_prompt = ${plan.prompt ?? row.execution_prompt},
        model = ${plan.settings.model}, permission_mode = ${plan.settings.permission_mode},
        timeout_seconds = ${plan.settings.timeout_seconds},
        run_after = ${to === 'queued' ? tx.now : null}, max_attempts = ${plan.max_attempts}, interruptions = 0,
        error = NULL, result = NULL, cancel_requested = 0, finished_at = NULL, status_reason = NULL,
        worker_id = NULL, lease_expires_at = NULL, updated_at = ${tx.now}
    WHERE id = ${id}
    RETURNING *`);
  if (!updated) throw new Error(`claude-worker store: task ${id} vanished while retrying`);
  tx.append({
    type: plan.event.type,
    task_id: id,
    orchestration_id: row.orchestration_id,
    from_status: from,
    to_status: to,
    actor: actor.actor,
    correlation_id: actor.correlation_id ?? null,
    data: plan.event.data,
  });
  if (row.orchestration_id !== null) {
    const resolution = new PgResolution(tx);
    await resolution.taskReopened(updated, from, {
      actor: actor.actor,
      correlation_id: actor.correlation_id ?? null,
      now: tx.now,
    });
    await resolution.settle();
  }
  return taskFromRow(updated);
}

/** What the retry rule needs to know of a task of an orchestration (null for a plain task). */
async function retryContext(tx: PgTx, row: TaskRow): Promise<RetryContext | null> {
  if (row.orchestration_id === null) return null;
  const orchestration = await summaries.row(tx, row.orchestration_id);
  const dependent = await statements.dependent(tx, row.id);
  if (!orchestration || !dependent)
    throw new Error(`claude-worker store: task ${row.id} vanished while retrying`);
  return retryContextOf({
    orchestration,
    dependent,
    dependencies: await statements.dependencies(tx, row.id),
  });
}
