/**
 * createTask: one insert (its id reserved first, so its log file names carry it) and its `task_created` event, in
 * one transaction. The option columns and their values are the shared codec's.
 */
import { sql } from 'kysely';
import type { Actor, Task } from '../../domain/vocabulary.js';
import { taskFromRow, taskOptionValues } from '../codec/task-codec.js';
import type { NewTask } from '../store.js';
import type { TaskRow } from './schema.js';
import { OPTION_COLUMNS } from './task-columns.js';
import { PREPARED } from './prepared.js';
import type { PgTx } from './transactions.js';

export async function createTask(tx: PgTx, task: NewTask, actor: Actor): Promise<Task> {
  const reserved = await tx.row(
    sql<{ id: number }>`SELECT nextval(pg_get_serial_sequence('tasks', 'id')) AS id`,
  );
  const id = reserved!.id;
  const named = (path: string | null | undefined) =>
    path === null || path === undefined ? null : path.replaceAll('{id}', String(id));
  const values = taskOptionValues({
    ...task,
    log_path: named(task.log_path),
    transcript_path: named(task.transcript_path),
  });
  const row = await tx.row(sql<TaskRow>`${sql.raw(PREPARED)}
    INSERT INTO tasks (id, status, run_after, created_at, updated_at, ${OPTION_COLUMNS})
    VALUES (${id}, 'queued', ${tx.now}, ${tx.now}, ${tx.now}, ${sql.join(values)})
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
