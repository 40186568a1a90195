/**
 * createTask: one insert (its log file names carry the new id, filled in by the same statement) and its
 * `task_created` event, in one transaction.
 */
import { sql } from 'kysely';
import type { Actor, Task } from '../../domain/vocabulary.js';
import { taskFromRow as rowToTask } from '../codec/task-codec.js';
import { jsonOrNull } from '../codec/values.js';
import type { NewTask } from '../store.js';
import type { TaskRow } from './schema.js';
import type { PgTx } from './transactions.js';

export async function createTask(tx: PgTx, task: NewTask, actor: Actor): Promise<Task> {
  const row = await tx.row(sql<TaskRow>`
    WITH next AS (SELECT nextval(pg_get_serial_sequence('tasks', 'id')) AS id)
    INSERT INTO tasks (
      id, status, execution_prompt, working_directory, model, system_prompt, permission_mode, allowed_tools,
      disallowed_tools, max_turns, max_budget_usd, env, timeout_seconds, priority, tags, max_attempts,
      run_after, created_at, updated_at, log_path, transcript_path, retry_base_seconds, retry_cap_seconds
    )
    VALUES ((SELECT id FROM next), 'queued', ${task.execution_prompt}, ${task.working_directory}, ${task.model},
      ${task.system_prompt}, ${task.permission_mode}, ${jsonOrNull(task.allowed_tools)},
      ${jsonOrNull(task.disallowed_tools)}, ${task.max_turns}, ${task.max_budget_usd}, ${JSON.stringify(task.env)},
      ${task.timeout_seconds}, ${task.priority}, ${JSON.stringify(task.tags)}, ${task.max_attempts},
      ${tx.now}, ${tx.now}, ${tx.now},
      replace(${task.log_path ?? null}::text, '{id}', (SELECT id FROM next)::text),
      replace(${task.transcript_path ?? null}::text, '{id}', (SELECT id FROM next)::text),
      ${task.retry_base_seconds ?? null}, ${task.retry_cap_seconds ?? null})
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
  return rowToTask(row);
}
