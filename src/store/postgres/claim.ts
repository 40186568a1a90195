/**
 * claimTasks in PostgreSQL, one transaction: the ready tasks (queued, run_after <= now, no cancel request, model
 * neither excluded by the caller nor gated in `model_gates`) in claim order (priority desc, then id), picked with
 * `FOR UPDATE SKIP LOCKED` so claimers on many nodes never wait for each other nor take one task twice; the
 * UPDATE re-checks `status = 'queued'`. Model cool-downs and open breakers are read inside this transaction
 * (a breaker's probe passes for the worker holding it). A task with `runs_on` labels goes only to a worker that
 * has them all. When an unfinished orchestration limits its parallelism,
 * its row is locked first (`FOR UPDATE`), so two nodes claiming at once count its running tasks one after the
 * other and never exceed `max_parallel`.
 *
 * The common case — no unfinished orchestration limits its parallelism — is one statement (one round trip): pick,
 * lock, update, insert the attempts. When a capped orchestration exists, that statement claims nothing and the
 * capacity path below (orchestration rows locked first) does the claim.
 */
import { sql, type RawBuilder } from 'kysely';
import { capacityState, takeWithinCapacity, type Candidate } from '../../domain/rules/capacity.js';
import { workerActor } from '../shared/transitions.js';
import { taskFromRow as rowToTask } from '../codec/task-codec.js';
import type { ClaimedTask, ClaimRequest } from '../store.js';
import type { TaskRow } from './schema.js';
import { PREPARED } from './prepared.js';
import type { PgTx } from './transactions.js';

/** How a previous attempt may end for the next one to resume its Claude session (work done is not paid twice). */
const RESUMABLE = new Set(['interrupted', 'timeout', 'process_crashed']);

/** A claimed task's row with how its previous attempt ended. */
export type ClaimedRow = TaskRow & { previous_attempt_status: string | null };

export async function claimTasks(tx: PgTx, request: ClaimRequest): Promise<ClaimedTask[]> {
  if (request.limit <= 0) return [];
  const fast = await claimUncapped(tx, request);
  return claimedTasks(tx, request, fast ?? (await claimWithinCapacity(tx, request)));
}

/** The capacity path: the ids picked under the capped orchestrations' free slots, then marked and started. */
export async function claimWithinCapacity(tx: PgTx, request: ClaimRequest): Promise<ClaimedRow[]> {
  const ids = await pickTasks(tx, request);
  if (ids.length === 0) return [];
  const rows = await tx.rows(sql<ClaimedRow>`
    UPDATE tasks
    SET ${claimSet(tx, request)}
    WHERE id = ANY(${ids}::bigint[]) AND status = 'queued'
    RETURNING *, ${previousAttemptStatus}`);
  // The queue wait counts from the moment the task could start (run_after: after delays and backoff).
  await tx.rows(sql`
    INSERT INTO attempts (task_id, number, status, worker_id, started_at, resumed_session_id, model, queue_wait_ms)
    SELECT task_id, number, 'running', ${request.worker_id}, ${tx.now}, resumed, model, wait
    FROM unnest(${rows.map((r) => r.id)}::bigint[], ${rows.map((r) => r.attempt_count)}::int[],
                ${rows.map(resumeOf)}::text[], ${rows.map((r) => r.model)}::text[],
                ${rows.map((r) => Math.max(0, tx.now - (r.run_after ?? r.created_at)))}::bigint[])
      AS a (task_id, number, resumed, model, wait)`);
  return rows;
}

/** The claimed rows as the caller gets them, in claim order, each with its `task_claimed` event appended. */
export function claimedTasks(tx: PgTx, request: ClaimRequest, rows: ClaimedRow[]): ClaimedTask[] {
  if (rows.length === 0) return [];
  rows.sort((a, b) => b.priority - a.priority || a.id - b.id);
  const claimed = rows.map((row): ClaimedTask => {
    const { previous_attempt_status: _previous, ...task } = row;
    return {
      task: rowToTask(task),
      attempt: row.attempt_count,
      resume_session_id: resumeOf(row),
      trace_parent: row.trace_parent ?? null,
    };
  });
  for (const c of claimed) {
    tx.append({
      type: 'task_claimed',
      task_id: c.task.id,
      orchestration_id: c.task.orchestration_id,
      from_status: 'queued',
      to_status: 'running',
      actor: workerActor(request.worker_id),
      correlation_id: null,
      data: c.resume_session_id
        ? { attempt: c.attempt, worker_id: request.worker_id, resume_session_id: c.resume_session_id }
        : { attempt: c.attempt, worker_id: request.worker_id },
    });
  }
  return claimed;
}

/** The session a claimed attempt resumes: the task's, when its previous attempt ended resumably. */
function resumeOf(row: ClaimedRow): string | null {
  return RESUMABLE.has(row.previous_attempt_status ?? '') ? row.session_id : null;
}

const previousAttemptStatus = sql`(SELECT COALESCE(a.error::jsonb ->> 'code', a.status) FROM attempts a
  WHERE a.task_id = tasks.id AND a.number = tasks.attempt_count - 1) AS previous_attempt_status`;

function claimSet(tx: PgTx, request: ClaimRequest) {
  return sql`status = 'running', worker_id = ${request.worker_id}, lease_expires_at = ${tx.now + request.lease_ms},
    started_at = ${tx.now}, updated_at = ${tx.now}, attempt_count = attempt_count + 1, error = NULL,
    finished_at = NULL, num_turns = NULL, status_reason = NULL`;
}

/**
 * The claim in one statement when no unfinished orchestration has `max_parallel`; null when one has (nothing is
 * claimed then, the capacity path decides). The attempts are inserted by the same statement.
 */
async function claimUncapped(tx: PgTx, request: ClaimRequest): Promise<ClaimedRow[] | null> {
  const rows = await tx.rows(sql<ClaimedRow & { capped_exist: boolean }>`${sql.raw(PREPARED)}
    WITH ${uncappedClaimSteps(tx, request)}
    SELECT claimed.*, capped.capped_exist FROM capped LEFT JOIN claimed ON true`);
  if (rows[0]?.capped_exist) return null;
  return rows.filter((row) => row.id !== null).map(({ capped_exist: _capped, ...row }) => row as ClaimedRow);
}

/**
 * The steps of the one-statement claim, as common table expressions a statement can carry (a finish batch's
 * statement carries them too): `capped` (does an unfinished orchestration cap its parallelism? then nothing is
 * claimed), `picked`, `claimed` (the task rows with how their previous attempt ended) and `started` (the attempts).
 * `when`: a condition the carrying statement sets for claiming at all.
 */
export function uncappedClaimSteps(tx: PgTx, request: ClaimRequest, when: RawBuilder<unknown> = sql`true`) {
  return sql`capped AS (
      SELECT EXISTS (SELECT 1 FROM orchestrations WHERE finished_at IS NULL AND max_parallel IS NOT NULL)
        AS capped_exist
    ), picked AS (
      SELECT t.id FROM tasks t
      WHERE NOT (SELECT capped_exist FROM capped) AND ${when} AND ${readyTask(tx, request)}
      ORDER BY t.priority DESC, t.id
      LIMIT ${request.limit}
      FOR UPDATE OF t SKIP LOCKED
    ), claimed AS (
      UPDATE tasks
      SET ${claimSet(tx, request)}
      WHERE id IN (SELECT id FROM picked) AND status = 'queued'
      RETURNING *, ${previousAttemptStatus}
    ), started AS (
      INSERT INTO attempts (task_id, number, status, worker_id, started_at, resumed_session_id, model, queue_wait_ms)
      SELECT id, attempt_count, 'running', ${request.worker_id}, ${tx.now},
             CASE WHEN previous_attempt_status = ANY(${[...RESUMABLE]}::text[]) THEN session_id END, model,
             GREATEST(0, ${tx.now}::bigint - COALESCE(run_after, created_at))
      FROM claimed
    )`;
}

/** The conditions for task `t` to be claimable by this request (status, time, cancel, models, gates, labels). */
function readyTask(tx: PgTx, request: ClaimRequest) {
  return sql`t.status = 'queued' AND t.run_after <= ${tx.now} AND t.cancel_requested = 0
      AND NOT (t.model = ANY(${request.exclude_models ?? []}::text[]))
      AND (${request.only_models ?? null}::text[] IS NULL OR t.model = ANY(${request.only_models ?? null}::text[]))
      AND NOT EXISTS (
        SELECT 1 FROM model_gates g
        WHERE g.model = t.model
          AND (g.cooldown_until > ${tx.now}
               OR (g.breaker_open = 1
                   AND NOT (g.probe_worker_id IS NOT DISTINCT FROM ${request.worker_id}
                            AND g.probe_expires_at > ${tx.now}))))
      AND (t.runs_on IS NULL OR t.runs_on::jsonb <@ to_jsonb(${request.labels ?? []}::text[]))`;
}

/** The ids to claim, locked; under each capped orchestration's free slots (domain/rules/capacity.ts). */
async function pickTasks(tx: PgTx, request: ClaimRequest): Promise<number[]> {
  const caps = await tx.rows(sql<{ id: number; max_parallel: number }>`
    SELECT id, max_parallel FROM orchestrations
    WHERE finished_at IS NULL AND max_parallel IS NOT NULL
    ORDER BY id
    FOR UPDATE`);
  const running = new Map<number, number>();
  if (caps.length > 0) {
    const rows = await tx.rows(sql<{ orchestration_id: number; n: number }>`
      SELECT orchestration_id, count(*) AS n FROM tasks
      WHERE orchestration_id = ANY(${caps.map((c) => c.id)}::bigint[]) AND status = 'running'
      GROUP BY orchestration_id`);
    for (const r of rows) running.set(r.orchestration_id, r.n);
  }
  const state = capacityState(
    caps.map((c) => ({ id: c.id, free: c.max_parallel - (running.get(c.id) ?? 0) })),
  );
  for (;;) {
    const rows = await candidates(tx, request, request.limit - state.chosen.length, state.full, state.chosen);
    if (takeWithinCapacity(state, rows, request.limit)) return state.chosen;
  }
}

function candidates(
  tx: PgTx,
  request: ClaimRequest,
  limit: number,
  fullOrchestrations: number[],
  seen: number[],
): Promise<Candidate[]> {
  return tx.rows(sql<Candidate>`
    SELECT t.id, t.orchestration_id FROM tasks t
    WHERE ${readyTask(tx, request)}
      AND (t.orchestration_id IS NULL OR NOT (t.orchestration_id = ANY(${fullOrchestrations}::bigint[])))
      AND NOT (t.id = ANY(${seen}::bigint[]))
    ORDER BY t.priority DESC, t.id
    LIMIT ${limit}
    FOR UPDATE SKIP LOCKED`);
}
