/**
 * retryTask: a failed, cancelled or skipped task runs again. It goes back to `queued` (or `waiting` while it still
 * has unfinished dependencies) with one more attempt allowed and its error and cancel request cleared. Any other
 * state is a conflict that says what to do instead. One transaction, its `task_retried` event included. A task of an
 * orchestration goes where its trigger rule says (orchestrations/retry-plan.ts), and its dependents skipped because
 * of it are re-armed in the same transaction: they wait for it again (`task_rearmed`). Settings changed with the
 * retry (model, permission mode, timeout) are written to the task and recorded in the event as `changes`.
 */
import { ClaudeWorkerError } from '../../domain/errors.js';
import { retryChangeRecord } from '../../domain/retry-changes.js';
import { RETRYABLE_STATUSES } from '../../domain/state-machine.js';
import type { Actor, PermissionMode, Task, TaskStatus } from '../../domain/vocabulary.js';
import type { TaskRetryChanges } from '../store.js';
import { assertTransition, type StoreContext } from './context.js';
import type { Resolver } from './orchestrations/resolution.js';
import { planOrchestrationRetry } from './orchestrations/retry-plan.js';
import { rowToTask } from './task-rows.js';

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
      const from = row.status as TaskStatus;
      if (!RETRYABLE_STATUSES.includes(from)) throw notRetryable(id, from);
      const plan =
        row.orchestration_id === null
          ? { to: row.pending_dependencies > 0 ? ('waiting' as const) : ('queued' as const), prompt: null }
          : planOrchestrationRetry(resolver, row, row.orchestration_id);
      const to: TaskStatus = plan.to;
      assertTransition(id, from, to);
      const maxAttempts = Math.max(row.max_attempts, row.attempt_count + 1);
      const changed = retryChangeRecord(
        {
          model: row.model,
          permission_mode: row.permission_mode as PermissionMode,
          timeout_seconds: row.timeout_seconds,
        },
        changes,
      );
      const updated = ctx.sql.get(
        k
          .updateTable('tasks')
          .set({
            status: to,
            execution_prompt: plan.prompt ?? row.execution_prompt,
            model: changes.model ?? row.model,
            permission_mode: changes.permission_mode ?? row.permission_mode,
            timeout_seconds:
              changes.timeout_seconds === undefined ? row.timeout_seconds : changes.timeout_seconds,
            run_after: to === 'queued' ? now : null,
            max_attempts: maxAttempts,
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
      const previous =
        row.error === null ? null : ((JSON.parse(row.error) as { code?: string }).code ?? null);
      ctx.tx.append(
        {
          type: 'task_retried',
          task_id: id,
          orchestration_id: row.orchestration_id,
          from_status: from,
          to_status: to,
          actor: actor.actor,
          correlation_id: actor.correlation_id ?? null,
          data: {
            attempt_count: row.attempt_count,
            max_attempts: maxAttempts,
            previous_error_code: previous,
            ...(Object.keys(changed).length > 0 ? { changes: changed } : {}),
          },
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
      return rowToTask(updated);
    });
}

function notRetryable(id: number, status: TaskStatus): ClaudeWorkerError {
  const messages: Partial<Record<TaskStatus, string>> = {
    waiting: `Task ${id} is waiting for its dependencies and has not run yet; there is nothing to retry.`,
    queued: `Task ${id} is queued and has not run yet; there is nothing to retry. It starts when a worker is free.`,
    running:
      `Task ${id} is running; there is nothing to retry yet. Follow it with \`claude-worker watch ${id}\`, ` +
      `or stop it with \`claude-worker cancel ${id}\` and retry it after.`,
    completed:
      `Task ${id} already completed; only failed, cancelled or skipped tasks can be retried. ` +
      'To run the prompt again, submit it as a new task with `claude-worker run`.',
  };
  return new ClaudeWorkerError(
    'conflict',
    messages[status] ?? `Task ${id} is ${status} and cannot be retried.`,
    {
      data: { id, status },
    },
  );
}
