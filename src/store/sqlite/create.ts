/**
 * createTask: one insert and its `task_created` event in one transaction. The log file names carry the new id,
 * which only exists after the insert, so the `{id}` placeholder is filled in by a second statement.
 */
import type { Actor, Task } from '../../domain/vocabulary.js';
import type { NewTask } from '../store.js';
import type { StoreContext } from './context.js';
import { prepareRows } from './named-rows.js';
import type { TaskRow } from './schema.js';
import { jsonOrNull, labelsOrNull, rowToTask } from './task-rows.js';

const INSERT_TASK = `
  INSERT INTO tasks (
    status, execution_prompt, working_directory, model, system_prompt, permission_mode, allowed_tools,
    disallowed_tools, max_turns, max_budget_usd, env, timeout_seconds, priority, tags, max_attempts,
    run_after, created_at, updated_at, log_path, transcript_path, retry_base_seconds, retry_cap_seconds,
    runs_on
  ) VALUES (
    'queued', @execution_prompt, @working_directory, @model, @system_prompt, @permission_mode, @allowed_tools,
    @disallowed_tools, @max_turns, @max_budget_usd, @env, @timeout_seconds, @priority, @tags, @max_attempts,
    @now, @now, @now, @log_path, @transcript_path, @retry_base_seconds, @retry_cap_seconds,
    @runs_on
  )`;

/** Fills the `{id}` placeholder of the log file names from the row's id (orchestrations reuse it for many rows). */
export const NAME_FILES_SET =
  "log_path = replace(log_path, '{id}', id), transcript_path = replace(transcript_path, '{id}', id)";

const NAME_FILES = `
  UPDATE tasks
  SET ${NAME_FILES_SET}
  WHERE id = ?
  RETURNING *`;

export function prepareCreateTask(ctx: StoreContext): (task: NewTask, actor: Actor) => Task {
  const insert = ctx.db.prepare(INSERT_TASK);
  const nameFiles = prepareRows<[number], TaskRow>(ctx.db, NAME_FILES);

  return (task, actor) =>
    ctx.tx.write(() => {
      const now = Date.now();
      const { lastInsertRowid } = insert.run({
        execution_prompt: task.execution_prompt,
        working_directory: task.working_directory,
        model: task.model,
        system_prompt: task.system_prompt,
        permission_mode: task.permission_mode,
        allowed_tools: jsonOrNull(task.allowed_tools),
        disallowed_tools: jsonOrNull(task.disallowed_tools),
        max_turns: task.max_turns,
        max_budget_usd: task.max_budget_usd,
        env: JSON.stringify(task.env),
        timeout_seconds: task.timeout_seconds,
        priority: task.priority,
        tags: JSON.stringify(task.tags),
        max_attempts: task.max_attempts,
        now,
        log_path: task.log_path ?? null,
        transcript_path: task.transcript_path ?? null,
        retry_base_seconds: task.retry_base_seconds ?? null,
        retry_cap_seconds: task.retry_cap_seconds ?? null,
        runs_on: labelsOrNull(task.runs_on),
      });
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
      return rowToTask(row);
    });
}
