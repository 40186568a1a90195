/**
 * recoverTasks: running tasks whose worker is gone (lease expired, or the worker is known dead) end their attempt as
 * `interrupted` and are requeued at once, resuming their Claude session on the next claim. A task out of attempts
 * fails with that interruption; a task someone asked to cancel is cancelled. Nothing is left running and nothing is
 * dropped. One IMMEDIATE transaction for all of them; for tasks of an orchestration it also records the interrupted
 * attempt's cost and resolves the dependents of a task that ended (failed, cancelled).
 */
import { isTerminal } from '../../domain/state-machine.js';
import type { EventType, Failure, Task, TaskStatus } from '../../domain/vocabulary.js';
import type { RecoveryRequest } from '../store.js';
import { assertTransition, type StoreContext } from './context.js';
import { failureFor as storeFailure } from '../../domain/rules/failures.js';
import type { Resolver } from './orchestrations/resolution.js';
import type { TaskRow } from './schema.js';
import { isoTime, jsonOrNull } from '../codec/values.js';
import { taskFromRow } from '../codec/task-codec.js';

const RECOVERABLE = `
  SELECT * FROM tasks
  WHERE status = 'running'
    AND ((@expired_leases = 1 AND lease_expires_at < @now) OR worker_id IN (SELECT value FROM json_each(@dead)))
  ORDER BY id`;

const INTERRUPT_ATTEMPT = `
  UPDATE attempts SET status = 'interrupted', finished_at = @now, duration_ms = MAX(0, @now - started_at), error = @error
  WHERE task_id = @task_id AND number = @attempt AND status = 'running'
  RETURNING cost_usd`;

const END_TASK = `
  UPDATE tasks
  SET status = @status, worker_id = NULL, lease_expires_at = NULL, updated_at = @now, finished_at = @finished_at,
      run_after = COALESCE(@run_after, run_after), error = @error
  WHERE id = @task_id
  RETURNING *`;

export function prepareRecoverTasks(
  ctx: StoreContext,
  resolver: Resolver,
): (request: RecoveryRequest) => Task[] {
  const recoverable = ctx.db.prepare<[Record<string, unknown>], TaskRow>(RECOVERABLE);
  const interruptAttempt = ctx.db.prepare<[Record<string, unknown>], { cost_usd: number | null }>(
    INTERRUPT_ATTEMPT,
  );
  const endTask = ctx.db.prepare<[Record<string, unknown>], TaskRow>(END_TASK);

  return (request) => {
    const dead = request.dead_worker_ids ?? [];
    if (!request.expired_leases && dead.length === 0) return [];
    return ctx.tx.write(() => {
      const now = Date.now();
      const rows = recoverable.all({
        expired_leases: request.expired_leases ? 1 : 0,
        now,
        dead: JSON.stringify(dead),
      });
      const resolution = resolver.begin();
      const cause = { actor: request.actor.actor, correlation_id: request.actor.correlation_id ?? null, now };
      const recovered = rows.map((row) => {
        const reason =
          row.worker_id !== null && dead.includes(row.worker_id)
            ? { code: 'worker_gone', text: `its worker ${row.worker_id} is no longer running` }
            : {
                code: 'lease_expired',
                text: `its lease expired at ${isoTime(row.lease_expires_at ?? now)} without renewal`,
              };
        const interrupted = storeFailure(
          'interrupted',
          `The worker running attempt ${row.attempt_count} stopped: ${reason.text}.`,
          row.id,
        );
        const attemptRow = interruptAttempt.get({
          task_id: row.id,
          attempt: row.attempt_count,
          now,
          error: JSON.stringify(interrupted),
        });

        const { status, error, follow } = decide(row, interrupted, reason.text);
        assertTransition(row.id, 'running', status);
        const updated = endTask.get({
          task_id: row.id,
          status,
          now,
          finished_at: status === 'queued' ? null : now,
          run_after: status === 'queued' ? now : null,
          error: jsonOrNull(error),
        });
        if (!updated) throw new Error(`claude-worker store: task ${row.id} vanished during recovery`);
        const base = {
          task_id: row.id,
          orchestration_id: row.orchestration_id,
          from_status: 'running' as const,
          to_status: status,
          actor: request.actor.actor,
          correlation_id: request.actor.correlation_id ?? null,
        };
        ctx.tx.append(
          {
            ...base,
            type: 'task_recovered',
            data: { attempt: row.attempt_count, worker_id: row.worker_id, reason: reason.code },
          },
          now,
        );
        if (follow) {
          ctx.tx.append(
            {
              ...base,
              type: follow,
              data: {
                attempt: row.attempt_count,
                code: error.code,
                message: error.message,
                suggestion: error.suggestion,
              },
            },
            now,
          );
        }
        if (updated.orchestration_id !== null) {
          resolution.attemptEnded(
            updated.orchestration_id,
            attemptRow?.cost_usd ?? null,
            status === 'queued',
            cause,
          );
          if (isTerminal(status)) resolution.taskEnded(updated, status, cause);
        }
        return updated;
      });
      resolution.settle();
      // A requeued task may have been skipped since (its orchestration's budget ran out): return it as it is now.
      return recovered.map((row) =>
        taskFromRow(resolution.changed.has(row.id) ? (ctx.taskRow(row.id) ?? row) : row),
      );
    });
  };
}

/** Requeue while attempts remain; a cancel request wins; out of attempts, the interruption is the failure. */
function decide(
  row: TaskRow,
  interrupted: Failure,
  reason: string,
): { status: TaskStatus; error: Failure; follow: EventType | null } {
  if (row.cancel_requested !== 0) {
    const failure = storeFailure(
      'cancelled',
      `Cancelled on request; attempt ${row.attempt_count} ended when ${reason}.`,
      row.id,
    );
    return { status: 'cancelled', error: failure, follow: 'task_cancelled' };
  }
  if (row.attempt_count < row.max_attempts) return { status: 'queued', error: interrupted, follow: null };
  const failure: Failure = {
    ...interrupted,
    message: `${interrupted.message} It had used all ${row.max_attempts} of its attempts.`,
    suggestion:
      `Run it again with \`claude-worker retry ${row.id}\`. If workers keep stopping, check the server log ` +
      'and free memory (`claude-worker doctor`).',
  };
  return { status: 'failed', error: failure, follow: 'task_failed' };
}
