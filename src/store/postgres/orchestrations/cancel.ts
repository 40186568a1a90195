/**
 * cancelOrchestration in PostgreSQL, one transaction under the orchestration's row lock: it is marked cancelled,
 * every task not started is cancelled, every running one gets a cancel request; asking again while tasks are
 * stopping changes nothing, asking once all finished is a conflict (the wording: domain/rules/cancel.ts).
 */
import { sql } from 'kysely';
import type { Actor, OrchestrationDetail, TaskStatus } from '../../../domain/vocabulary.js';
import { assertTransition } from '../../shared/transitions.js';
import {
  CANCELLED_WITH_ORCHESTRATION,
  cancelledWithOrchestration,
  orchestrationFinishedConflict,
} from '../../../domain/rules/cancel.js';
import { orchestrationNotFound } from '../../../domain/rules/skips.js';
import { orchestrationFromRow } from '../../codec/orchestration-codec.js';
import type { PgTx } from '../transactions.js';
import { getOrchestration } from './reads.js';
import { PgResolution, type Cause } from './resolution.js';
import { lockOrchestrations, summaries } from './statements.js';

interface OpenTask {
  id: number;
  status: string;
  cancel_requested: number;
  attempt_count: number;
  worker_id: string | null;
}

export async function cancelOrchestration(tx: PgTx, id: number, actor: Actor): Promise<OrchestrationDetail> {
  const cause: Cause = { actor: actor.actor, correlation_id: actor.correlation_id ?? null, now: tx.now };
  await lockOrchestrations(tx, [id]);
  const row = await summaries.row(tx, id);
  if (!row) throw orchestrationNotFound(id);
  const open = await tx.rows(sql<OpenTask>`
    SELECT id, status, cancel_requested, attempt_count, worker_id FROM tasks
    WHERE orchestration_id = ${id} AND status IN ('waiting', 'queued', 'running')
    ORDER BY id
    FOR UPDATE`);
  if (open.length === 0) {
    throw orchestrationFinishedConflict(id, orchestrationFromRow(row, await summaries.counts(tx, id)).status);
  }
  const notStarted = open.filter((t) => t.status !== 'running');
  const toStop = open.filter((t) => t.status === 'running' && t.cancel_requested === 0);
  const detail = async () => (await getOrchestration(tx, id))!;
  if (row.cancel_requested !== 0 && notStarted.length === 0 && toStop.length === 0) return detail();

  await tx.rows(sql`
    UPDATE orchestrations SET cancel_requested = 1, status_reason = ${`cancelled on request (${actor.actor})`},
      updated_at = ${cause.now}
    WHERE id = ${id}`);
  const event = { orchestration_id: id, actor: cause.actor, correlation_id: cause.correlation_id };
  tx.append({
    ...event,
    type: 'orchestration_cancelled',
    task_id: null,
    from_status: null,
    to_status: null,
    data: { cancelled: notStarted.length, stopping: toStop.length },
  });
  for (const task of notStarted) {
    const from = task.status as TaskStatus;
    assertTransition(task.id, from, 'cancelled');
    const { failure, event: cancelled } = cancelledWithOrchestration(task.id, id, actor.actor);
    await tx.rows(sql`
      UPDATE tasks
      SET status = 'cancelled', cancel_requested = 1, finished_at = ${cause.now}, updated_at = ${cause.now},
          error = ${JSON.stringify(failure)}, status_reason = ${CANCELLED_WITH_ORCHESTRATION}
      WHERE id = ${task.id}`);
    tx.append({ ...event, ...cancelled, task_id: task.id, from_status: from, to_status: 'cancelled' });
  }
  for (const task of toStop) {
    await tx.rows(
      sql`UPDATE tasks SET cancel_requested = 1, updated_at = ${cause.now} WHERE id = ${task.id}`,
    );
    tx.append({
      ...event,
      type: 'task_cancel_requested',
      task_id: task.id,
      from_status: 'running',
      to_status: 'running',
      data: { attempt: task.attempt_count, worker_id: task.worker_id },
    });
  }
  const resolution = new PgResolution(tx);
  resolution.touch(id, cause);
  for (const task of notStarted)
    await resolution.taskEnded({ id: task.id, orchestration_id: id }, 'cancelled', cause);
  await resolution.settle();
  return detail();
}
