/**
 * cancelOrchestration, one transaction: the orchestration is marked cancelled (nothing can be added to it), every
 * task not started (waiting, queued) is cancelled with the reason "orchestration cancelled", and every running one
 * gets a cancel request (`task_cancel_requested`: its worker aborts it and finishes it as cancelled). Asking again
 * while tasks are still stopping changes nothing; asking once every task has finished is a conflict.
 */
import {
  CANCELLED_WITH_ORCHESTRATION,
  cancelledWithOrchestration,
  orchestrationFinishedConflict,
} from '../../../domain/rules/cancel.js';
import { orchestrationNotFound } from '../../../domain/rules/skips.js';
import type { Actor, OrchestrationDetail, TaskStatus } from '../../../domain/vocabulary.js';
import { orchestrationFromRow } from '../../codec/orchestration-codec.js';
import { assertTransition, type StoreContext } from '../context.js';
import type { OrchestrationReads } from './reads.js';
import type { Cause, Resolver } from './resolution.js';

interface OpenTask {
  id: number;
  status: string;
  cancel_requested: number;
  attempt_count: number;
  worker_id: string | null;
}

export function prepareCancelOrchestration(
  ctx: StoreContext,
  resolver: Resolver,
  reads: OrchestrationReads,
): (id: number, actor: Actor) => OrchestrationDetail {
  const openTasks = ctx.db.prepare<[number], OpenTask>(
    `SELECT id, status, cancel_requested, attempt_count, worker_id FROM tasks
     WHERE orchestration_id = ? AND status IN ('waiting', 'queued', 'running') ORDER BY id`,
  );
  const markOrchestration = ctx.db.prepare<[{ id: number; reason: string; now: number }]>(
    'UPDATE orchestrations SET cancel_requested = 1, status_reason = @reason, updated_at = @now WHERE id = @id',
  );
  const cancelTask = ctx.db.prepare<[{ id: number; error: string; now: number }]>(
    `UPDATE tasks
     SET status = 'cancelled', cancel_requested = 1, finished_at = @now, updated_at = @now, error = @error,
         status_reason = '${CANCELLED_WITH_ORCHESTRATION}'
     WHERE id = @id`,
  );
  const requestStop = ctx.db.prepare<[number, number]>(
    'UPDATE tasks SET cancel_requested = 1, updated_at = ? WHERE id = ?',
  );

  return (id, actor) =>
    ctx.tx.write(() => {
      const cause: Cause = {
        actor: actor.actor,
        correlation_id: actor.correlation_id ?? null,
        now: Date.now(),
      };
      const row = resolver.summaries.row(id);
      if (!row) throw orchestrationNotFound(id);
      const open = openTasks.all(id);
      if (open.length === 0) {
        throw orchestrationFinishedConflict(
          id,
          orchestrationFromRow(row, resolver.summaries.counts(id)).status,
        );
      }
      const notStarted = open.filter((t) => t.status !== 'running');
      const toStop = open.filter((t) => t.status === 'running' && t.cancel_requested === 0);
      if (row.cancel_requested !== 0 && notStarted.length === 0 && toStop.length === 0) {
        return reads.get(id)!;
      }

      markOrchestration.run({ id, reason: `cancelled on request (${actor.actor})`, now: cause.now });
      const event = { orchestration_id: id, actor: cause.actor, correlation_id: cause.correlation_id };
      ctx.tx.append(
        {
          ...event,
          type: 'orchestration_cancelled',
          task_id: null,
          from_status: null,
          to_status: null,
          data: { cancelled: notStarted.length, stopping: toStop.length },
        },
        cause.now,
      );
      for (const task of notStarted) {
        const from = task.status as TaskStatus;
        assertTransition(task.id, from, 'cancelled');
        const { failure, event: cancelled } = cancelledWithOrchestration(task.id, id, actor.actor);
        cancelTask.run({ id: task.id, error: JSON.stringify(failure), now: cause.now });
        ctx.tx.append(
          { ...event, ...cancelled, task_id: task.id, from_status: from, to_status: 'cancelled' },
          cause.now,
        );
      }
      for (const task of toStop) {
        requestStop.run(cause.now, task.id);
        ctx.tx.append(
          {
            ...event,
            type: 'task_cancel_requested',
            task_id: task.id,
            from_status: 'running',
            to_status: 'running',
            data: { attempt: task.attempt_count, worker_id: task.worker_id },
          },
          cause.now,
        );
      }
      // Every task not started is cancelled already, so resolution only updates counters here.
      const resolution = resolver.begin();
      resolution.touch(id, cause);
      for (const task of notStarted)
        resolution.taskEnded({ id: task.id, orchestration_id: id }, 'cancelled', cause);
      resolution.settle();
      return reads.get(id)!;
    });
}
