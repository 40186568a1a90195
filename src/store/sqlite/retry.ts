/**
 * retryTask: a failed, cancelled or skipped task runs again, where domain/rules/retry.ts says (queued, or waiting on
 * its dependencies; a conflict otherwise). One transaction, its `task_retried` event included; the task's error,
 * cancel request and interruptions in a row are cleared. For a task of an orchestration the rule reads the
 * orchestration, the task's counters and its dependencies, and its dependents skipped because of it are re-armed in
 * the same transaction: they wait for it again (`task_rearmed`). Settings changed with the retry (model, permission
 * mode, timeout) are written to the task and recorded in the event as `changes`.
 */
import { ClaudeWorkerError } from '../../domain/errors.js';
import { planRetry, retryContextOf, type RetryContext } from '../../domain/rules/retry.js';
import { RETRYABLE_STATUSES } from '../../domain/state-machine.js';
import type { Actor, Task, TaskStatus } from '../../domain/vocabulary.js';
import { taskFromRow } from '../codec/task-codec.js';
import { assertTransition, type StoreContext } from './context.js';
import type { Resolver } from './orchestrations/resolution.js';
import type { TaskRetryChanges } from '../store.js';
import type { TaskRow } from './schema.js';

export function prepareRetryTask(
  ctx: StoreContext,
  resolver: Resolver,
): (id: number, actor: Actor, changes?: TaskRetryChanges) => Task {
  const k = ctx.sql.builder;

  return (id, actor, changes = {}) =>
    ctx.tx.write(() => {
      const now = Date.now();
      const row = ctx.taskRow(id);
      if (!row) throw ClaudeWorkerError.notFound('Task', id);
      const task = taskFromRow(row);
      const from = task.status;
      const context = RETRYABLE_STATUSES.includes(from) ? retryContext(resolver, row) : null;
      const plan = planRetry(task, context, changes);
      const to: TaskStatus = plan.to;
      assertTransition(id, from, to);
      const updated = ctx.sql.get(
        k
          .updateTable('tasks')
          .set({
            status: to,
            execution_prompt: plan.prompt ?? row.execution_prompt,
            model: plan.settings.model,
            permission_mode: plan.settings.permission_mode,
            timeout_seconds: plan.settings.timeout_seconds,
            run_after: to === 'queued' ? now : null,
            max_attempts: plan.max_attempts,
            interruptions: 0,
            error: null,
            result: null,
            cancel_requested: 0,
            finished_at: null,
            status_reason: null,
            worker_id: null,
            lease_expires_at: null,
            updated_at: now,
          })
          .where('id', '=', id)
          .returningAll(),
      );
      if (!updated) throw new Error(`claude-worker store: task ${id} vanished while retrying`);
      ctx.tx.append(
        {
          type: plan.event.type,
          task_id: id,
          orchestration_id: row.orchestration_id,
          from_status: from,
          to_status: to,
          actor: actor.actor,
          correlation_id: actor.correlation_id ?? null,
          data: plan.event.data,
        },
        now,
      );
      if (row.orchestration_id !== null) {
        const resolution = resolver.begin();
        resolution.taskReopened(updated, from, {
          actor: actor.actor,
          correlation_id: actor.correlation_id ?? null,
          now,
        });
        resolution.settle();
      }
      return taskFromRow(updated);
    });
}

/** What the retry rule needs to know of a task of an orchestration (null for a plain task). */
function retryContext(resolver: Resolver, row: TaskRow): RetryContext | null {
  if (row.orchestration_id === null) return null;
  const orchestration = resolver.summaries.row(row.orchestration_id);
  const dependent = resolver.statements.dependent.get(row.id);
  if (!orchestration || !dependent)
    throw new Error(`claude-worker store: task ${row.id} vanished while retrying`);
  return retryContextOf({
    orchestration,
    dependent,
    dependencies: resolver.statements.dependencies.all(row.id),
  });
}
