/**
 * recoverTasks: running tasks whose worker is gone (lease expired, or the worker is known dead). What happens to
 * each is decided by domain/rules/recovery.ts (requeued at once without spending an attempt; cancelled on request;
 * failed as `worker_lost` after too many interruptions in a row); this file reads the tasks and writes the
 * decision. One IMMEDIATE transaction for all of them; for tasks of an orchestration it also records the
 * interrupted attempt's cost and resolves the dependents of a task that ended (failed, cancelled).
 */
import { decideRecoveryOfRow } from '../../domain/rules/recovery.js';
import { isTerminal } from '../../domain/state-machine.js';
import type { Task } from '../../domain/vocabulary.js';
import { taskFromRow } from '../codec/task-codec.js';
import { jsonOrNull } from '../codec/values.js';
import type { RecoveryRequest } from '../store.js';
import { assertTransition, type StoreContext } from './context.js';
import type { Resolver } from './orchestrations/resolution.js';
import type { TaskRow } from './schema.js';

const RECOVERABLE = `
  SELECT * FROM tasks
  WHERE status = 'running'
    AND ((@expired_leases = 1 AND lease_expires_at < @now) OR worker_id IN (SELECT value FROM json_each(@dead)))
  ORDER BY id`;

const INTERRUPT_ATTEMPT = `
  UPDATE attempts SET status = 'interrupted', finished_at = @now, duration_ms = MAX(0, @now - started_at),
    error = @error, counted = 0
  WHERE task_id = @task_id AND number = @attempt AND status = 'running'
  RETURNING cost_usd`;

const END_TASK = `
  UPDATE tasks
  SET status = @status, worker_id = NULL, lease_expires_at = NULL, updated_at = @now, finished_at = @finished_at,
      run_after = COALESCE(@run_after, run_after), error = @error, interruptions = @interruptions,
      uncounted_attempts = uncounted_attempts + @uncounted
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
      const actor = request.actor.actor;
      const correlation_id = request.actor.correlation_id ?? null;
      const cause = { actor, correlation_id, now };
      const recovered = rows.map((row) => {
        const decision = decideRecoveryOfRow(row, dead, request.max_interruptions);
        const attemptRow = interruptAttempt.get({
          task_id: row.id,
          attempt: row.attempt_count,
          now,
          error: JSON.stringify(decision.attempt_error),
        });
        const { status } = decision;
        assertTransition(row.id, 'running', status);
        const updated = endTask.get({
          task_id: row.id,
          status,
          now,
          finished_at: status === 'queued' ? null : now,
          run_after: status === 'queued' ? now : null,
          error: jsonOrNull(decision.error),
          interruptions: decision.interruptions,
          // Only an attempt this recovery ended is uncounted (one already finished is not touched again).
          uncounted: attemptRow ? 1 : 0,
        });
        if (!updated) throw new Error(`claude-worker store: task ${row.id} vanished during recovery`);
        for (const event of decision.events) {
          ctx.tx.append(
            {
              type: event.type,
              task_id: row.id,
              orchestration_id: row.orchestration_id,
              from_status: 'running',
              to_status: status,
              actor,
              correlation_id,
              data: event.data,
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
