/**
 * requestCancel in PostgreSQL (the rule: domain/rules/cancel.ts): waiting/queued → cancelled at once (a task of an
 * orchestration resolves its dependents in the same transaction), running → `cancel_requested` for its worker to
 * act on. The task row is locked (its orchestration's first) before it is read, so a concurrent claim or finish is
 * seen, not overwritten.
 */
import { sql } from 'kysely';
import { ClaudeWorkerError } from '../../domain/errors.js';
import { decideCancel } from '../../domain/rules/cancel.js';
import type { Actor, Task, TaskStatus } from '../../domain/vocabulary.js';
import { taskFromRow } from '../codec/task-codec.js';
import { assertTransition } from '../shared/transitions.js';
import { PgResolution } from './orchestrations/resolution.js';
import type { TaskRow } from './schema.js';
import { lockTasks } from './task-locks.js';
import type { PgTx } from './transactions.js';

export async function requestCancel(tx: PgTx, id: number, actor: Actor): Promise<Task> {
  const row = (await lockTasks(tx, [id])).get(id);
  if (!row) throw ClaudeWorkerError.notFound('Task', id);
  const from = row.status as TaskStatus;
  const correlation_id = actor.correlation_id ?? null;
  const decision = decideCancel(taskFromRow(row), actor.actor);
  if (decision.kind === 'unchanged') return taskFromRow(row);
  if (decision.kind === 'cancel') assertTransition(id, from, 'cancelled');
  const updated = await tx.row(
    decision.kind === 'request'
      ? sql<TaskRow>`UPDATE tasks SET cancel_requested = 1, updated_at = ${tx.now} WHERE id = ${id} RETURNING *`
      : sql<TaskRow>`
          UPDATE tasks
          SET status = 'cancelled', cancel_requested = 1, finished_at = ${tx.now}, updated_at = ${tx.now},
              error = ${JSON.stringify(decision.failure)}
          WHERE id = ${id}
          RETURNING *`,
  );
  if (!updated) throw new Error(`claude-worker store: task ${id} vanished while cancelling`);
  tx.append({
    ...decision.event,
    task_id: id,
    orchestration_id: row.orchestration_id,
    from_status: from,
    to_status: decision.kind === 'request' ? 'running' : 'cancelled',
    actor: actor.actor,
    correlation_id,
  });
  if (decision.kind === 'cancel' && updated.orchestration_id !== null) {
    const resolution = new PgResolution(tx);
    await resolution.taskEnded(updated, 'cancelled', { actor: actor.actor, correlation_id, now: tx.now });
    await resolution.settle();
  }
  return taskFromRow(updated);
}
