/**
 * finishAttempts: ends a batch of attempts in one transaction (group commit). Each finish is fenced: it applies only
 * while the task is still `running` under that worker and attempt; otherwise someone else owns the task now (lease
 * lost, recovered) and the finish is skipped without a trace. Per finish: the fence read, the attempt row, the task
 * row and one event; for a task of an orchestration also its cost and, when it ended, its dependents' resolution
 * (orchestrations/resolution.ts), in the same transaction.
 */
import { isTerminal } from '../../domain/state-machine.js';
import type { AttemptStatus, EventType, Failure, Task, TaskStatus } from '../../domain/vocabulary.js';
import type { AttemptFinish } from '../store.js';
import { assertTransition, workerActor, type StoreContext } from './context.js';
import { failureFor as storeFailure } from '../../domain/rules/failures.js';
import { prepareRows } from './named-rows.js';
import type { Resolver } from './orchestrations/resolution.js';
import type { TaskRow } from './schema.js';
import { jsonOrNull } from '../codec/values.js';
import { taskFromRow } from '../codec/task-codec.js';

const FENCE = 'SELECT status, worker_id, attempt_count, cancel_requested FROM tasks WHERE id = ?';

const END_ATTEMPT = `
  UPDATE attempts
  SET status = @status, finished_at = @now, duration_ms = @duration_ms, error = @error,
      session_id = COALESCE(@session_id, session_id), num_turns = COALESCE(@num_turns, num_turns),
      cost_usd = COALESCE(@cost_usd, cost_usd)
  WHERE task_id = @task_id AND number = @attempt
  RETURNING cost_usd`;

// The task's cost is the sum over its attempts (the one just ended included); turns and usage are the last attempt's.
const END_TASK = `
  UPDATE tasks
  SET status = @status, worker_id = NULL, lease_expires_at = NULL, updated_at = @now, finished_at = @finished_at,
      run_after = COALESCE(@run_after, run_after), error = @error, result = COALESCE(@result, result),
      session_id = COALESCE(@session_id, session_id), num_turns = COALESCE(@num_turns, num_turns),
      usage = COALESCE(@usage, usage), max_attempts = max_attempts + @refund,
      cost_usd = (SELECT CASE WHEN COUNT(a.cost_usd) = 0 THEN NULL ELSE TOTAL(a.cost_usd) END
                  FROM attempts a WHERE a.task_id = @task_id)
  WHERE id = @task_id
  RETURNING *`;

interface FenceRow {
  status: string;
  worker_id: string | null;
  attempt_count: number;
  cancel_requested: number;
}

interface Ending {
  task: TaskStatus;
  attempt: AttemptStatus;
  error: Failure | null;
  event: EventType;
  data: Record<string, unknown>;
  run_after: number | null;
  /** The attempt does not count against max_attempts (a rate-limit wait). */
  refund?: boolean;
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
        const ending = endingOf(finish, current.cancel_requested !== 0);
        assertTransition(finish.task_id, 'running', ending.task);
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
          status: ending.attempt,
          duration_ms: Math.max(0, Math.round(finish.duration_ms)),
          cost_usd: finish.cost_usd,
        });
        const row = endTask.get({
          ...shared,
          status: ending.task,
          finished_at: ending.task === 'queued' ? null : now,
          run_after: ending.run_after,
          result: finish.result,
          usage: jsonOrNull(finish.usage),
          refund: ending.refund ? 1 : 0,
        });
        if (!row) throw new Error(`claude-worker store: task ${finish.task_id} vanished while finishing`);
        ctx.tx.append(
          {
            type: ending.event,
            task_id: row.id,
            orchestration_id: row.orchestration_id,
            from_status: 'running',
            to_status: ending.task,
            actor: workerActor(finish.worker_id),
            correlation_id: null,
            data: { attempt: finish.attempt, ...ending.data },
          },
          now,
        );
        finished.push(row);
        if (row.orchestration_id !== null) {
          const cause = { actor: workerActor(finish.worker_id), correlation_id: null, now };
          // The cost first: at the budget, the tasks not started are skipped before any dependent is queued.
          resolution.attemptEnded(
            row.orchestration_id,
            attemptRow?.cost_usd ?? null,
            ending.task === 'queued',
            cause,
          );
          if (isTerminal(ending.task)) resolution.taskEnded(row, ending.task, cause);
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

/** What an outcome does to the task and its attempt. A requeue of a task someone asked to cancel cancels it. */
function endingOf(finish: AttemptFinish, cancelRequested: boolean): Ending {
  const { outcome } = finish;
  switch (outcome.kind) {
    case 'completed':
      return {
        task: 'completed',
        attempt: 'succeeded',
        error: null,
        event: 'task_completed',
        data: { duration_ms: finish.duration_ms, num_turns: finish.num_turns, cost_usd: finish.cost_usd },
        run_after: null,
      };
    case 'failed':
      return {
        task: 'failed',
        attempt: 'failed',
        error: outcome.failure,
        event: 'task_failed',
        data: described(outcome.failure),
        run_after: null,
      };
    case 'cancelled':
      return {
        task: 'cancelled',
        attempt: 'cancelled',
        error: outcome.failure,
        event: 'task_cancelled',
        data: described(outcome.failure),
        run_after: null,
      };
    case 'requeued': {
      const attempt: AttemptStatus = outcome.failure.code === 'interrupted' ? 'interrupted' : 'failed';
      if (cancelRequested) {
        const failure = storeFailure(
          'cancelled',
          `Cancelled on request while attempt ${finish.attempt} was ending (${outcome.failure.message}).`,
          finish.task_id,
        );
        return {
          task: 'cancelled',
          attempt,
          error: failure,
          event: 'task_cancelled',
          data: described(failure),
          run_after: null,
        };
      }
      const runAfter = outcome.run_after.getTime();
      return {
        task: 'queued',
        attempt,
        error: outcome.failure,
        event: 'task_requeued',
        data: {
          ...described(outcome.failure),
          run_after: new Date(runAfter).toISOString(),
          ...(outcome.refund_attempt ? { attempt_not_counted: true } : {}),
        },
        run_after: runAfter,
        refund: outcome.refund_attempt === true,
      };
    }
  }
}

function described(failure: Failure): Record<string, unknown> {
  return { code: failure.code, message: failure.message, suggestion: failure.suggestion };
}
