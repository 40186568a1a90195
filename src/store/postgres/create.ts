/**
 * createTask: one insert (its id drawn in the same statement, so its log file names carry it) and its
 * `task_created` event, in one transaction. The option columns and their values are the shared codec's.
 */
import { sql } from 'kysely';
import type { Actor, Task } from '../../domain/vocabulary.js';
import { taskFromRow, taskOptionValues } from '../codec/task-codec.js';
import type { NewTask } from '../store.js';
import type { TaskRow } from './schema.js';
import { OPTION_COLUMNS, optionValuesWithId } from './task-columns.js';
import { PREPARED } from './prepared.js';
import type { PgTx } from './transactions.js';

export async function createTask(tx: PgTx, task: NewTask, actor: Actor): Promise<Task> {
  // One statement: the id is drawn first, so the log file names can carry it.
  const row = await tx.row(sql<TaskRow>`${sql.raw(PREPARED)}
    WITH n AS (SELECT nextval(pg_get_serial_sequence('tasks', 'id')) AS id)
    INSERT INTO tasks (id, status, run_after, created_at, updated_at, ${OPTION_COLUMNS})
    SELECT n.id, 'queued', ${tx.now}::bigint, ${tx.now}::bigint, ${tx.now}::bigint,
      ${optionValuesWithId(taskOptionValues(task), sql`n.id`)}
    FROM n
    RETURNING *`);
  if (!row) throw new Error('claude-worker store: a task insert returned nothing');
  tx.append({
    type: 'task_created',
    task_id: row.id,
    orchestration_id: row.orchestration_id,
    from_status: null,
    to_status: 'queued',
    actor: actor.actor,
    correlation_id: actor.correlation_id ?? null,
    data: { model: row.model, priority: row.priority },
  });
  return taskFromRow(row);
}
