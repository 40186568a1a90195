/**
 * finishAttempts in PostgreSQL: a batch of attempt endings in one transaction. Locks first the orchestrations of
 * the tasks (their rows, in id order), then the task rows; each finish is fenced — the task must still be
 * `running` under that worker and attempt, checked under the lock and again by the UPDATE's own WHERE — and skipped
 * without a trace when someone else owns the task now. What an outcome means is the shared rule
 * (domain/rules/attempt-ending.ts). The attempts and the tasks of the whole batch are written by one statement;
 * the orchestrations' costs, budgets, dependents and ends are resolved in the same transaction, under their row
 * locks (the costs first: at the budget, the tasks not started are skipped before any dependent is queued).
 */
import { sql } from 'kysely';
import { decideAttemptEnding, type AttemptEnding } from '../../domain/rules/attempt-ending.js';
import { isTerminal } from '../../domain/state-machine.js';
import { tokenCounts } from '../../domain/token-kinds.js';
import type { Task, TaskStatus } from '../../domain/vocabulary.js';
import { taskFromRow as rowToTask } from '../codec/task-codec.js';
import { jsonOrNull } from '../codec/values.js';
import { assertTransition, workerActor } from '../shared/transitions.js';
import type { AttemptFinish } from '../store.js';
import { PgResolution } from './orchestrations/resolution.js';
import type { TaskRow } from './schema.js';
import { PREPARED } from './prepared.js';
import { lockTasks } from './task-locks.js';
import type { PgTx } from './transactions.js';

interface Held {
  finish: AttemptFinish;
  ending: AttemptEnding;
}

export async function finishAttempts(tx: PgTx, finishes: AttemptFinish[]): Promise<Task[]> {
  if (finishes.length === 0) return [];
  const current = await lockTasks(
    tx,
    finishes.map((f) => f.task_id),
  );
  const held: Held[] = [];
  for (const finish of finishes) {
    const fence = current.get(finish.task_id);
    const holds =
      fence !== undefined &&
      fence.status === 'running' &&
      fence.worker_id === finish.worker_id &&
      fence.attempt_count === finish.attempt;
    if (!holds) continue;
    // The fence row is stale once used: a second finish of the same attempt in this batch is fenced out.
    current.delete(finish.task_id);
    const ending = decideAttemptEnding(
      {
        id: finish.task_id,
        cancel_requested: fence.cancel_requested !== 0,
        interruptions: fence.interruptions,
      },
      finish,
    );
    assertTransition(finish.task_id, 'running', ending.status);
    held.push({ finish, ending });
  }
  if (held.length === 0) return [];
  const col = <V>(pick: (h: Held) => V) => held.map(pick);

  // One statement for the attempts and the tasks. The task's cost is the sum over its attempts, the one just ended
  // with its new cost (the statement's snapshot does not see the attempt update); turns and usage are the last's.
  const rows = await tx.rows(sql<TaskRow & { attempt_cost_usd: number | null }>`${sql.raw(PREPARED)}
    WITH f AS (
      SELECT * FROM unnest(
        ${col((h) => h.finish.task_id)}::bigint[], ${col((h) => h.finish.attempt)}::int[],
        ${col((h) => h.finish.worker_id)}::text[], ${col((h) => h.ending.status)}::text[],
        ${col((h) => h.ending.attempt_status)}::text[], ${col((h) => (h.ending.counted ? 1 : 0))}::smallint[],
        ${col((h) => Math.max(0, Math.round(h.finish.duration_ms)))}::bigint[],
        ${col((h) => h.ending.run_after?.getTime() ?? null)}::bigint[],
        ${col((h) => jsonOrNull(h.ending.error))}::text[], ${col((h) => h.finish.result)}::text[],
        ${col((h) => h.finish.session_id)}::text[], ${col((h) => h.finish.num_turns)}::int[],
        ${col((h) => h.finish.cost_usd)}::double precision[], ${col((h) => jsonOrNull(h.finish.usage))}::text[],
        ${col((h) => h.ending.interruptions)}::int[], ${col((h) => tokenCounts(h.finish.usage).input)}::bigint[],
        ${col((h) => tokenCounts(h.finish.usage).output)}::bigint[],
        ${col((h) => tokenCounts(h.finish.usage).cache_read)}::bigint[],
        ${col((h) => tokenCounts(h.finish.usage).cache_creation)}::bigint[])
        AS f (id, attempt, worker_id, status, attempt_status, counted, duration_ms, run_after, error, result,
              session_id, num_turns, cost_usd, usage, interruptions, input_tokens, output_tokens, cache_read_tokens,
              cache_creation_tokens)
    ), ended AS (
      UPDATE attempts a
      SET status = f.attempt_status, counted = f.counted, finished_at = ${tx.now}, duration_ms = f.duration_ms,
          error = f.error, session_id = COALESCE(f.session_id, a.session_id),
          num_turns = COALESCE(f.num_turns, a.num_turns), cost_usd = COALESCE(f.cost_usd, a.cost_usd),
          input_tokens = f.input_tokens, output_tokens = f.output_tokens, cache_read_tokens = f.cache_read_tokens,
          cache_creation_tokens = f.cache_creation_tokens
      FROM f
      WHERE a.task_id = f.id AND a.number = f.attempt
      RETURNING a.task_id, a.cost_usd
    ), updated AS (
      UPDATE tasks t
      SET status = f.status, worker_id = NULL, lease_expires_at = NULL, updated_at = ${tx.now},
          finished_at = CASE WHEN f.status = 'queued' THEN NULL ELSE ${tx.now}::bigint END,
          run_after = COALESCE(f.run_after, t.run_after), error = f.error, result = COALESCE(f.result, t.result),
          session_id = COALESCE(f.session_id, t.session_id), num_turns = COALESCE(f.num_turns, t.num_turns),
          usage = COALESCE(f.usage, t.usage), uncounted_attempts = t.uncounted_attempts + 1 - f.counted,
          interruptions = f.interruptions,
          cost_usd = (SELECT CASE WHEN count(c.cost) = 0 THEN NULL ELSE sum(c.cost) END
                      FROM (SELECT CASE WHEN a.number = f.attempt THEN COALESCE(f.cost_usd, a.cost_usd)
                                        ELSE a.cost_usd END AS cost
                            FROM attempts a WHERE a.task_id = t.id) AS c)
      FROM f
      WHERE t.id = f.id AND t.attempt_count = f.attempt AND t.worker_id = f.worker_id AND t.status = 'running'
      RETURNING t.*
    )
    SELECT updated.*, ended.cost_usd AS attempt_cost_usd
    FROM updated LEFT JOIN ended ON ended.task_id = updated.id`);
  const attemptCost = new Map(rows.map((r) => [r.id, r.attempt_cost_usd]));
  const byId = new Map(rows.map(({ attempt_cost_usd: _cost, ...row }): [number, TaskRow] => [row.id, row]));

  const finished: TaskRow[] = [];
  const ended: {
    task: TaskRow;
    status: TaskStatus;
    cause: { actor: string; correlation_id: null; now: number };
  }[] = [];
  const resolution = new PgResolution(tx);
  for (const { finish, ending } of held) {
    const row = byId.get(finish.task_id);
    if (!row) throw new Error(`claude-worker store: task ${finish.task_id} changed under its row lock`);
    tx.append({
      type: ending.event.type,
      task_id: row.id,
      orchestration_id: row.orchestration_id,
      from_status: 'running',
      to_status: ending.status,
      actor: workerActor(finish.worker_id),
      correlation_id: null,
      data: ending.event.data,
    });
    finished.push(row);
    if (row.orchestration_id !== null) {
      const cause = { actor: workerActor(finish.worker_id), correlation_id: null, now: tx.now };
      await resolution.attemptEnded(
        row.orchestration_id,
        attemptCost.get(row.id) ?? null,
        ending.status === 'queued',
        cause,
      );
      if (isTerminal(ending.status)) ended.push({ task: row, status: ending.status, cause });
    }
  }
  await resolution.tasksEnded(ended);
  await resolution.settle();
  // A requeued task may have been skipped since (its orchestration's budget ran out): return it as it is now.
  return Promise.all(
    finished.map(async (row) =>
      rowToTask(resolution.changed.has(row.id) ? ((await taskRow(tx, row.id)) ?? row) : row),
    ),
  );
}

export function taskRow(tx: PgTx, id: number): Promise<TaskRow | undefined> {
  return tx.row(sql<TaskRow>`SELECT * FROM tasks WHERE id = ${id}`);
}
