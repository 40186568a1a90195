/**
 * finishAttempts: ends a batch of attempts in one transaction (group commit). Each finish is fenced: it applies only
 * while the task is still `running` under that worker and attempt; otherwise someone else owns the task now (lease
 * lost, recovered) and the finish is skipped without a trace. Per finish: the fence read, the attempt row, the task
 * row and one event (what the ending means is decided by domain/rules/attempt-ending.ts); for a task of an orchestration also its cost and, when it ended, its dependents' resolution
 * (orchestrations/resolution.ts), in the same transaction.
 */
import { isTerminal } from '../../domain/state-machine.js';
import { decideAttemptEnding } from '../../domain/rules/attempt-ending.js';
import type { Task } from '../../domain/vocabulary.js';
import type { AttemptFinish } from '../store.js';
import { assertTransition, workerActor, type StoreContext } from './context.js';
import { endingEvent } from '../shared/transitions.js';
import { prepareRows } from './named-rows.js';
import type { Resolver } from './orchestrations/resolution.js';
import type { TaskRow } from './schema.js';
import { jsonOrNull } from '../codec/values.js';
import { taskFromRow } from '../codec/task-codec.js';
import { tokenCounts } from '../../domain/token-kinds.js';
import type { Usage } from '../../domain/vocabulary.js';

function tokenColumns(usage: Usage | null): Record<string, number | null> {
  const t = tokenCounts(usage);
  return {
    input_tokens: t.input,
    output_tokens: t.output,
    cache_read_tokens: t.cache_read,
    cache_creation_tokens: t.cache_creation,
  };
}

const FENCE =
  'SELECT status, worker_id, attempt_count, cancel_requested, interruptions FROM tasks WHERE id = ?';

const END_ATTEMPT = `
  UPDATE attempts
  SET status = @status, finished_at = @now, duration_ms = @duration_ms, error = @error,
      session_id = COALESCE(@session_id, session_id), num_turns = COALESCE(@num_turns, num_turns),
      cost_usd = COALESCE(@cost_usd, cost_usd), counted = @counted,
      input_tokens = @input_tokens, output_tokens = @output_tokens, cache_read_tokens = @cache_read_tokens,
      cache_creation_tokens = @cache_creation_tokens
  WHERE task_id = @task_id AND number = @attempt
  RETURNING cost_usd`;

// The task's cost is the sum over its attempts (the one just ended included); turns and usage are the last attempt's.
const END_TASK = `
  UPDATE tasks
  SET status = @status, worker_id = NULL, lease_expires_at = NULL, updated_at = @now, finished_at = @finished_at,
      run_after = COALESCE(@run_after, run_after), error = @error, result = COALESCE(@result, result),
      session_id = COALESCE(@session_id, session_id), num_turns = COALESCE(@num_turns, num_turns),
      usage = COALESCE(@usage, usage), uncounted_attempts = uncounted_attempts + 1 - @counted,
      interruptions = @interruptions,
      cost_usd = (SELECT CASE WHEN COUNT(a.cost_usd) = 0 THEN NULL ELSE TOTAL(a.cost_usd) END
                  FROM attempts a WHERE a.task_id = @task_id)
  WHERE id = @task_id
  RETURNING *`;

interface FenceRow {
  status: string;
  worker_id: string | null;
  attempt_count: number;
  cancel_requested: number;
  interruptions: number;
}

export function prepareFinishAttempts(
  ctx: StoreContext,
  resolver: Resolver,
): (finishes: AttemptFinish[]) => Task[] {
  const fence = ctx.db.prepare<[number], FenceRow>(FENCE);
  const endAttempt = ctx.db.prepare<[Record<string, unknown>], { cost_usd: number | null }>(END_ATTEMPT);
  const endTask = prepareRows<[Record<string, unknown>], TaskRow>(ctx.db, END_TASK);

  return (finishes) => {
    if (finishes.length === 0) return [];
    return ctx.tx.write(() => {
      const now = Date.now();
      const finished: TaskRow[] = [];
      const resolution = resolver.begin();
      for (const finish of finishes) {
        const current = fence.get(finish.task_id);
        const holds =
          current !== undefined &&
          current.status === 'running' &&
          current.worker_id === finish.worker_id &&
          current.attempt_count === finish.attempt;
        if (!holds) continue;
        const ending = decideAttemptEnding(
          {
            id: finish.task_id,
            cancel_requested: current.cancel_requested !== 0,
            interruptions: current.interruptions,
          },
          finish,
        );
        assertTransition(finish.task_id, 'running', ending.status);
        const shared = {
          task_id: finish.task_id,
          now,
          error: jsonOrNull(ending.error),
          session_id: finish.session_id,
          num_turns: finish.num_turns,
        };
        const attemptRow = endAttempt.get({
          ...shared,
          attempt: finish.attempt,
          status: ending.attempt_status,
          duration_ms: Math.max(0, Math.round(finish.duration_ms)),
          cost_usd: finish.cost_usd,
          counted: ending.counted ? 1 : 0,
          ...tokenColumns(finish.usage),
        });
        const row = endTask.get({
          ...shared,
          status: ending.status,
          finished_at: ending.status === 'queued' ? null : now,
          run_after: ending.run_after?.getTime() ?? null,
          result: finish.result,
          usage: jsonOrNull(finish.usage),
          counted: ending.counted ? 1 : 0,
          interruptions: ending.interruptions,
        });
        if (!row) throw new Error(`claude-worker store: task ${finish.task_id} vanished while finishing`);
        ctx.tx.append(endingEvent(row, finish.worker_id, ending), now);
        finished.push(row);
        if (row.orchestration_id !== null) {
          const cause = { actor: workerActor(finish.worker_id), correlation_id: null, now };
          // The cost first: at the budget, the tasks not started are skipped before any dependent is queued.
          resolution.attemptEnded(
            row.orchestration_id,
            attemptRow?.cost_usd ?? null,
            ending.status === 'queued',
            cause,
          );
          if (isTerminal(ending.status)) resolution.taskEnded(row, ending.status, cause);
        }
      }
      resolution.settle();
      // A requeued task may have been skipped since (its orchestration's budget ran out): return it as it is now.
      return finished.map((row) =>
        taskFromRow(resolution.changed.has(row.id) ? (ctx.taskRow(row.id) ?? row) : row),
      );
    });
  };
}
