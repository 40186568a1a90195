/**
 * requestCancel: a task that has not started (waiting, queued) is cancelled at once; a running one gets
 * `cancel_requested`, which its worker sees at the next lease renewal, aborts, and finishes as cancelled.
 * A finished task is a conflict (409), an unknown id is not_found (404). One transaction, its event included; a
 * task of an orchestration cancelled before it started resolves its dependents in it too (their trigger rules
 * decide: under `all_success` they are skipped naming it, under `all_done` they may run).
 */
import { ClaudeWorkerError } from '../../domain/errors.js';
import type { Actor, Task, TaskStatus } from '../../domain/vocabulary.js';
import { assertTransition, type StoreContext } from './context.js';
import { failureFor as storeFailure } from '../../domain/rules/failures.js';
import type { Resolver } from './orchestrations/resolution.js';
import { taskFromRow } from '../codec/task-codec.js';

export function prepareRequestCancel(
  ctx: StoreContext,
  resolver: Resolver,
): (id: number, actor: Actor) => Task {
  const k = ctx.sql.builder;

  return (id, actor) =>
    ctx.tx.write(() => {
      const now = Date.now();
      const row = ctx.taskRow(id);
      if (!row) throw ClaudeWorkerError.notFound('Task', id);
      const from = row.status as TaskStatus;
      const correlation_id = actor.correlation_id ?? null;

      if (from === 'running') {
        // Asking twice changes nothing and records nothing more.
        if (row.cancel_requested !== 0) return taskFromRow(row);
        const updated = ctx.sql.get(
          k
            .updateTable('tasks')
            .set({ cancel_requested: 1, updated_at: now })
            .where('id', '=', id)
            .returningAll(),
        );
        if (!updated) throw new Error(`claude-worker store: task ${id} vanished while cancelling`);
        ctx.tx.append(
          {
            type: 'task_cancel_requested',
            task_id: id,
            orchestration_id: row.orchestration_id,
            from_status: 'running',
            to_status: 'running',
            actor: actor.actor,
            correlation_id,
            data: { attempt: row.attempt_count, worker_id: row.worker_id },
          },
          now,
        );
        return taskFromRow(updated);
      }

      if (from !== 'waiting' && from !== 'queued') throw finishedConflict(id, from);
      assertTransition(id, from, 'cancelled');
      const failure = storeFailure(
        'cancelled',
        `Cancelled on request (${actor.actor}) before it started.`,
        id,
      );
      const updated = ctx.sql.get(
        k
          .updateTable('tasks')
          .set({
            status: 'cancelled',
            cancel_requested: 1,
            finished_at: now,
            updated_at: now,
            error: JSON.stringify(failure),
          })
          .where('id', '=', id)
          .returningAll(),
      );
      if (!updated) throw new Error(`claude-worker store: task ${id} vanished while cancelling`);
      ctx.tx.append(
        {
          type: 'task_cancelled',
          task_id: id,
          orchestration_id: row.orchestration_id,
          from_status: from,
          to_status: 'cancelled',
          actor: actor.actor,
          correlation_id,
          data: { code: failure.code, message: failure.message, suggestion: failure.suggestion },
        },
        now,
      );
      if (updated.orchestration_id !== null) {
        const resolution = resolver.begin();
        resolution.taskEnded(updated, 'cancelled', { actor: actor.actor, correlation_id, now });
        resolution.settle();
      }
      return taskFromRow(updated);
    });
}

function finishedConflict(id: number, status: TaskStatus): ClaudeWorkerError {
  const next =
    status === 'completed'
      ? `Read its result with \`claude-worker status ${id}\`.`
      : `Run it again with \`claude-worker retry ${id}\`.`;
  return new ClaudeWorkerError('conflict', `Task ${id} already ${status}; nothing to cancel. ${next}`, {
    data: { id, status },
  });
}
