/**
 * createTask: one insert and its `task_created` event in one transaction. The log file names carry the new id,
 * which only exists after the insert, so the `{id}` placeholder is filled in by a second statement.
 */
import type { Actor, Task } from '../../domain/vocabulary.js';
import type { NewTask } from '../store.js';
import type { StoreContext } from './context.js';
import { prepareRows } from './named-rows.js';
import type { TaskRow } from './schema.js';
import { TASK_OPTION_COLUMNS, taskFromRow, taskOptionValues } from '../codec/task-codec.js';

const INSERT_TASK = `
  INSERT INTO tasks (status, run_after, created_at, updated_at, ${TASK_OPTION_COLUMNS.join(', ')})
  VALUES ('queued', ?, ?, ?, ${TASK_OPTION_COLUMNS.map(() => '?').join(', ')})`;

/** Fills the `{id}` placeholder of the log file names from the row's id (orchestrations reuse it for many rows). */
export const NAME_FILES_SET =
  "log_path = replace(log_path, '{id}', id), transcript_path = replace(transcript_path, '{id}', id)";

const NAME_FILES = `
  UPDATE tasks
  SET ${NAME_FILES_SET}
  WHERE id = ?
  RETURNING *`;

export function prepareCreateTask(ctx: StoreContext): (task: NewTask, actor: Actor) => Task {
  const insert = ctx.db.prepare<unknown[]>(INSERT_TASK);
  const nameFiles = prepareRows<[number], TaskRow>(ctx.db, NAME_FILES);

  return (task, actor) =>
    ctx.tx.write(() => {
      const now = Date.now();
      const { lastInsertRowid } = insert.run(now, now, now, ...taskOptionValues(task));
      const row = nameFiles.get(Number(lastInsertRowid));
      if (!row)
        throw new Error(`claude-worker store: task ${String(lastInsertRowid)} vanished right after insert`);
      ctx.tx.append(
        {
          type: 'task_created',
          task_id: row.id,
          orchestration_id: row.orchestration_id,
          from_status: null,
          to_status: 'queued',
          actor: actor.actor,
          correlation_id: actor.correlation_id ?? null,
          data: { model: row.model, priority: row.priority },
        },
        now,
      );
      return taskFromRow(row);
    });
}
