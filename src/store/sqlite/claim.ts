/**
 * claimTasks: in one IMMEDIATE transaction, the ready tasks (queued, run_after <= now, no cancel request, model not
 * excluded) in claim order (priority desc, then id) become `running` under the caller's lease, each with a new
 * attempt row and a `task_claimed` event. One UPDATE … RETURNING picks and marks the whole batch. When an unfinished
 * orchestration limits its parallelism (max_parallel), the ids are picked first (orchestrations/capacity.ts), then
 * marked by the same UPDATE.
 */
import type { Task } from '../../domain/vocabulary.js';
import type { ClaimedTask, ClaimRequest } from '../store.js';
import { workerActor, type StoreContext } from './context.js';
import { prepareRows } from './named-rows.js';
import { prepareCapacity } from './orchestrations/capacity.js';
import type { TaskRow } from './schema.js';
import { taskFromRow } from '../codec/task-codec.js';

/**
 * A queued task that may start now, on this worker: a task with `runs_on` labels only when the worker has all of
 * them (`runs_on IS NULL` first, so tasks without labels, the usual case, cost one column test).
 */
const READY = `
  status = 'queued' AND run_after <= @now AND cancel_requested = 0
  AND model NOT IN (SELECT value FROM json_each(@exclude_models))
  AND (@only_models IS NULL OR model IN (SELECT value FROM json_each(@only_models)))
  AND (runs_on IS NULL OR NOT EXISTS (
    SELECT 1 FROM json_each(runs_on) AS needed WHERE needed.value NOT IN (SELECT value FROM json_each(@labels))))`;

const START = `
  UPDATE tasks
  SET status = 'running', worker_id = @worker_id, lease_expires_at = @lease_expires_at, started_at = @now,
      updated_at = @now, attempt_count = attempt_count + 1, error = NULL, finished_at = NULL, num_turns = NULL,
      status_reason = NULL`;

// RETURNING also reads how the previous attempt ended, which decides whether the new one resumes the Claude session.
const RETURNING = `
  RETURNING *,
    (SELECT COALESCE(json_extract(a.error, '$.code'), a.status) FROM attempts a
      WHERE a.task_id = tasks.id AND a.number = tasks.attempt_count - 1) AS previous_attempt_status`;

// The inner SELECT walks the `tasks_ready` partial index in claim order and stops at the limit (INDEXED BY: without
// statistics the planner would pick `tasks_status` and sort every queued task).
const CLAIM = `${START}
  WHERE id IN (
    SELECT id FROM tasks INDEXED BY tasks_ready
    WHERE ${READY}
    ORDER BY priority DESC, id
    LIMIT @limit
  )
  ${RETURNING}`;

/** The ids were picked under max_parallel; still queued, since the pick ran in this same transaction. */
const CLAIM_IDS = `${START}
  WHERE id IN (SELECT value FROM json_each(@ids)) AND status = 'queued'
  ${RETURNING}`;

/** How a previous attempt may end for the next one to resume its Claude session (work done is not paid twice). */
const RESUMABLE = new Set(['interrupted', 'timeout', 'process_crashed']);

const INSERT_ATTEMPT = `
  INSERT INTO attempts (task_id, number, status, worker_id, started_at, resumed_session_id, model, queue_wait_ms)
  VALUES (?, ?, 'running', ?, ?, ?, ?, ?)`;

type ClaimedRow = TaskRow & { previous_attempt_status: string | null };

export function prepareClaimTasks(ctx: StoreContext): (request: ClaimRequest) => ClaimedTask[] {
  const claim = prepareRows<[Record<string, unknown>], ClaimedRow>(ctx.db, CLAIM);
  const claimIds = prepareRows<[Record<string, unknown>], ClaimedRow>(ctx.db, CLAIM_IDS);
  const pickUnderLimits = prepareCapacity(ctx, READY);
  const insertAttempt = ctx.db.prepare(INSERT_ATTEMPT);

  return (request) => {
    if (request.limit <= 0) return [];
    return ctx.tx.write(() => {
      const now = Date.now();
      const filter = {
        now,
        exclude_models: JSON.stringify(request.exclude_models ?? []),
        only_models: request.only_models ? JSON.stringify(request.only_models) : null,
        labels: JSON.stringify(request.labels ?? []),
        limit: request.limit,
      };
      const lease = { worker_id: request.worker_id, lease_expires_at: now + request.lease_ms, now };
      const ids = pickUnderLimits(filter);
      const rows =
        ids === null
          ? claim.all({ ...lease, ...filter })
          : ids.length === 0
            ? []
            : claimIds.all({ ...lease, ids: JSON.stringify(ids) });
      // RETURNING gives no order; the caller starts them in claim order.
      rows.sort((a, b) => b.priority - a.priority || a.id - b.id);
      return rows.map((row): ClaimedTask => {
        const attempt = row.attempt_count;
        const resume = RESUMABLE.has(row.previous_attempt_status ?? '') ? row.session_id : null;
        // The queue wait counts from the moment the task could start (run_after: after delays and backoff).
        const wait = Math.max(0, now - (row.run_after ?? row.created_at));
        insertAttempt.run(row.id, attempt, request.worker_id, now, resume, row.model, wait);
        ctx.tx.append(
          {
            type: 'task_claimed',
            task_id: row.id,
            orchestration_id: row.orchestration_id,
            from_status: 'queued',
            to_status: 'running',
            actor: workerActor(request.worker_id),
            correlation_id: null,
            data: resume
              ? { attempt, worker_id: request.worker_id, resume_session_id: resume }
              : { attempt, worker_id: request.worker_id },
          },
          now,
        );
        const task: Task = taskFromRow(row);
        return { task, attempt, resume_session_id: resume, trace_parent: row.trace_parent ?? null };
      });
    });
  };
}
