/**
 * requestCancel (the rule: domain/rules/cancel.ts): a task that has not started (waiting, queued) is cancelled at
 * once; a running one gets `cancel_requested`, which its worker sees at the next lease renewal, aborts, and finishes
 * as cancelled.
 * A finished task is a conflict (409), an unknown id is not_found (404). One transaction, its event included; a
 * task of an orchestration cancelled before it started resolves its dependents in it too (their trigger rules
 * decide: under `all_success` they are skipped naming it, under `all_done` they may run).
 */
import { ClaudeWorkerError } from '../../domain/errors.js';
import { decideCancel } from '../../domain/rules/cancel.js';
import type { Actor, Task, TaskStatus } from '../../domain/vocabulary.js';
import { assertTransition, type StoreContext } from './context.js';
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
      const decision = decideCancel(taskFromRow(row), actor.actor);
      if (decision.kind === 'unchanged') return taskFromRow(row);
      const to: TaskStatus = decision.kind === 'request' ? 'running' : 'cancelled';
      if (decision.kind === 'cancel') assertTransition(id, from, 'cancelled');
      const updated = ctx.sql.get(
        k
          .updateTable('tasks')
          .set(
            decision.kind === 'request'
              ? { cancel_requested: 1, updated_at: now }
              : {
                  status: 'cancelled',
                  cancel_requested: 1,
                  finished_at: now,
                  updated_at: now,
                  error: JSON.stringify(decision.failure),
                },
          )
          .where('id', '=', id)
          .returningAll(),
      );
      if (!updated) throw new Error(`claude-worker store: task ${id} vanished while cancelling`);
      ctx.tx.append(
        {
          ...decision.event,
          task_id: id,
          orchestration_id: row.orchestration_id,
          from_status: from,
          to_status: to,
          actor: actor.actor,
          correlation_id,
        },
        now,
      );
      if (decision.kind === 'request') return taskFromRow(updated);
      if (updated.orchestration_id !== null) {
        const resolution = resolver.begin();
        resolution.taskEnded(updated, 'cancelled', { actor: actor.actor, correlation_id, now });
        resolution.settle();
      }
      return taskFromRow(updated);
    });
}
