/**
 * retryTask in PostgreSQL: a failed, cancelled or skipped task runs again (queued, or waiting while dependencies
 * are unfinished), with one more attempt allowed. Where a task of an orchestration goes is the shared rule
 * `decideOrchestrationRetry`; its dependents skipped because of it re-arm in the same transaction, under the
 * orchestration's row lock.
 */
import { sql } from 'kysely';
import { ClaudeWorkerError } from '../../domain/errors.js';
import { RETRYABLE_STATUSES } from '../../domain/state-machine.js';
import type { Actor, Task, TaskStatus } from '../../domain/vocabulary.js';
import { assertTransition } from '../sqlite/context.js';
import { decideOrchestrationRetry, type RetryPlan } from '../sqlite/orchestrations/retry-plan.js';
import { notRetryable } from '../sqlite/retry.js';
import { rowToTask } from '../sqlite/task-rows.js';
import { PgResolution } from './orchestrations/resolution.js';
import { statements, summaries } from './orchestrations/statements.js';
import type { TaskRow } from './schema.js';
import { lockTasks } from './task-locks.js';
import type { PgTx } from './transactions.js';

export async function retryTask(tx: PgTx, id: number, actor: Actor): Promise<Task> {
  const row = (await lockTasks(tx, [id])).get(id);
  if (!row) throw ClaudeWorkerError.notFound('Task', id);
  const from = row.status as TaskStatus;
  if (!RETRYABLE_STATUSES.includes(from)) throw notRetryable(id, from);
  const plan: RetryPlan =
    row.orchestration_id === null
      ? { to: row.pending_dependencies > 0 ? 'waiting' : 'queued', prompt: null }
      : await planRetry(tx, row, row.orchestration_id);
  const to: TaskStatus = plan.to;
  assertTransition(id, from, to);
  const maxAttempts = Math.max(row.max_attempts, row.attempt_count + 1);
  const updated = await tx.row(sql<TaskRow>`
    UPDATE tasks
    SET status = ${to}, execution_prompt = ${plan.prompt ?? row.execution_prompt},
        run_after = ${to === 'queued' ? tx.now : null}, max_attempts = ${maxAttempts}, error = NULL, result = NULL,
        cancel_requested = 0, finished_at = NULL, status_reason = NULL, worker_id = NULL, lease_expires_at = NULL,
        updated_at = ${tx.now}
    WHERE id = ${id}
    RETURNING *`);
  if (!updated) throw new Error(`claude-worker store: task ${id} vanished while retrying`);
  const previous = row.error === null ? null : ((JSON.parse(row.error) as { code?: string }).code ?? null);
  tx.append({
    type: 'task_retried',
    task_id: id,
    orchestration_id: row.orchestration_id,
    from_status: from,
    to_status: to,
    actor: actor.actor,
    correlation_id: actor.correlation_id ?? null,
    data: { attempt_count: row.attempt_count, max_attempts: maxAttempts, previous_error_code: previous },
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
  return rowToTask(updated);
}

async function planRetry(tx: PgTx, task: TaskRow, orchestrationId: number): Promise<RetryPlan> {
  const dependent = await statements.dependent(tx, task.id);
  if (!dependent) throw new Error(`claude-worker store: task ${task.id} vanished while retrying`);
  return decideOrchestrationRetry(
    task,
    orchestrationId,
    await summaries.row(tx, orchestrationId),
    dependent,
    await statements.dependencies(tx, task.id),
  );
}
