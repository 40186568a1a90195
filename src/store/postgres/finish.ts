/**
 * finishAttempts in PostgreSQL: a batch of attempt endings in one transaction. Each finish is fenced — the task
 * must still be `running` under that worker and attempt — and skipped without a trace when someone else owns the
 * task now. What an outcome means is the shared rule (domain/rules/attempt-ending.ts). Endings that depend on
 * nothing but the fence (a standalone task completed, failed or cancelled) are written at once by one statement
 * whose UPDATE is the fence; the others lock first the orchestrations of their tasks (in id order), then the task
 * rows, and decide under those locks. The orchestrations' costs, budgets, dependents and ends are resolved in the
 * same transaction, under their row locks (the costs first: at the budget, the tasks not started are skipped
 * before any dependent is queued).
 */
import { sql } from 'kysely';
import { decideAttemptEnding, type AttemptEnding } from '../../domain/rules/attempt-ending.js';
import { isTerminal } from '../../domain/state-machine.js';
import { tokenCounts } from '../../domain/token-kinds.js';
import type { Task, TaskStatus } from '../../domain/vocabulary.js';
import { taskFromRow as rowToTask } from '../codec/task-codec.js';
import { jsonOrNull } from '../codec/values.js';
import { assertTransition, endingEvent, workerActor } from '../shared/transitions.js';
import type { AttemptFinish, ClaimedTask, ClaimRequest } from '../store.js';
import {
  claimedTasks,
  claimTasks,
  claimWithinCapacity,
  uncappedClaimSteps,
  type ClaimedRow,
} from './claim.js';
import { PgResolution } from './orchestrations/resolution.js';
import type { TaskRow } from './schema.js';
import { PREPARED } from './prepared.js';
import { lockTaskFences } from './task-locks.js';
import type { PgTx } from './transactions.js';

interface Held {
  finish: AttemptFinish;
  ending: AttemptEnding;
}

export async function finishAttempts(tx: PgTx, finishes: AttemptFinish[]): Promise<Task[]> {
  return (await finishAndClaim(tx, finishes, null)).finished;
}

/**
 * A finish batch and the claim of the slots it frees, in one transaction. When every ending of the batch needs no
 * lock, the claim rides on the statement that writes them (one round trip less): as if it had run just before the
 * finishes, which no outcome of a standalone task can change; it claims only if that statement wrote every ending
 * (otherwise some ending belongs under a lock, and the claim runs after it). Otherwise the claim runs after the
 * finishes, and sees the dependents they made ready.
 */
export async function finishAndClaim(
  tx: PgTx,
  finishes: AttemptFinish[],
  claim: ClaimRequest | null,
): Promise<{ finished: Task[]; claimed: ClaimedTask[] }> {
  const wanted = claim !== null && claim.limit > 0 ? claim : null;
  const lockFree = needsNoLock(finishes);
  // Endings that need no lock: written at once, fenced by the statement itself, in id order (the order every
  // write locks tasks in). Those it did not write (a task of an orchestration after all, or one someone else owns
  // now) take the locked path, which tells the two apart.
  const decided = lockFree
    ? finishes.map(decidedUnlocked).sort((x, y) => x.finish.task_id - y.finish.task_id)
    : [];
  const first = decided.length === 0 ? null : await writeEndings(tx, decided, true, wanted);
  const rows = first?.ended ?? [];
  const written = new Set(rows.map((row) => row.id));
  const locked = lockFree ? decided.map((h) => h.finish).filter((f) => !written.has(f.task_id)) : finishes;
  const held = await lockAndDecide(tx, locked);
  // In the order given, as the locked path alone would have them.
  const order = new Map(finishes.map((finish, i) => [finish, i]));
  const all = [...decided.filter((h) => written.has(h.finish.task_id)), ...held].sort(
    (x, y) => order.get(x.finish)! - order.get(y.finish)!,
  );
  if (held.length > 0) rows.push(...(await writeEndings(tx, held, false, null)).ended);
  const finished = await recordEndings(tx, all, rows);
  // After the finishes' events, so a task's events stay in the order they happened.
  let claimed: ClaimedTask[] = [];
  if (wanted !== null) {
    const rode = first !== null && written.size === decided.length ? first.claim : 'not_run';
    claimed =
      rode === 'not_run'
        ? await claimTasks(tx, wanted)
        : claimedTasks(tx, wanted, rode === 'capped' ? await claimWithinCapacity(tx, wanted) : rode);
  }
  return { finished, claimed };
}

/** The events of the endings written, and their orchestrations resolved; the tasks as they are now. */
async function recordEndings(tx: PgTx, all: Held[], rows: EndedRow[]): Promise<Task[]> {
  if (all.length === 0) return [];
  const attemptCost = new Map(rows.map((r) => [r.id, r.attempt_cost_usd]));
  const byId = new Map(rows.map(({ attempt_cost_usd: _cost, ...row }): [number, TaskRow] => [row.id, row]));

  const finished: TaskRow[] = [];
  const ended: {
    task: TaskRow;
    status: TaskStatus;
    cause: { actor: string; correlation_id: null; now: number };
  }[] = [];
  const resolution = new PgResolution(tx);
  for (const { finish, ending } of all) {
    const row = byId.get(finish.task_id);
    if (!row) throw new Error(`claude-worker store: task ${finish.task_id} changed under its row lock`);
    tx.append(endingEvent(row, finish.worker_id, ending));
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

/**
 * Whether a batch's endings need their tasks locked before they are decided. A completion, a failure or a
 * cancellation ends the task the same way whatever its row holds beyond the fence (domain/rules/attempt-ending.ts),
 * and a task outside any orchestration has no orchestration row to lock first: such endings are written by one
 * fenced statement. A requeue depends on the cancel request and the interruptions in a row, and a task of an
 * orchestration settles under the orchestration's row lock. A batch with any of those, or with two finishes of one
 * task (the second is fenced out under the lock), is locked whole: orchestrations first, then tasks, never a task
 * row held while an orchestration row is awaited.
 */
function needsNoLock(finishes: AttemptFinish[]): boolean {
  return (
    new Set(finishes.map((f) => f.task_id)).size === finishes.length &&
    finishes.every((f) => f.orchestration_id === null && f.outcome.kind !== 'requeued')
  );
}

/** The ending of a finish that does not depend on the task's row (see needsNoLock). */
function decidedUnlocked(finish: AttemptFinish): Held {
  const ending = decideAttemptEnding(
    { id: finish.task_id, cancel_requested: false, interruptions: 0 },
    finish,
  );
  assertTransition(finish.task_id, 'running', ending.status);
  return { finish, ending };
}

/** Locks the tasks (orchestrations first), keeps the finishes whose fence holds and decides their endings. */
async function lockAndDecide(tx: PgTx, finishes: AttemptFinish[]): Promise<Held[]> {
  if (finishes.length === 0) return [];
  const current = await lockTaskFences(
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
  return held;
}

type EndedRow = TaskRow & { attempt_cost_usd: number | null };

/**
 * One statement for the attempts and the tasks of `held`. The task row is updated first, under its own fence
 * (running, this worker, this attempt: re-checked on the latest row version if another transaction changed it
 * meanwhile), and only the attempts of the tasks it updated are ended, so a finish fenced out changes nothing.
 * `standaloneOnly`: a task of an orchestration is left alone too (its ending belongs under the orchestration's
 * lock). The task's cost is the sum over its attempts, the one just ended with its new cost (the statement's
 * snapshot does not see the attempt update); turns and usage are the last attempt's.
 */
async function writeEndings(
  tx: PgTx,
  held: Held[],
  standaloneOnly: boolean,
  claim: ClaimRequest | null,
): Promise<{ ended: EndedRow[]; claim: ClaimedRow[] | 'capped' | 'not_run' }> {
  const col = <V>(pick: (h: Held) => V) => held.map(pick);
  const statement = sql<WrittenRow>`${sql.raw(PREPARED)}
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
        AND NOT (${standaloneOnly}::boolean AND t.orchestration_id IS NOT NULL)
      RETURNING t.*
    ), ended AS (
      UPDATE attempts a
      SET status = f.attempt_status, counted = f.counted, finished_at = ${tx.now}, duration_ms = f.duration_ms,
          error = f.error, session_id = COALESCE(f.session_id, a.session_id),
          num_turns = COALESCE(f.num_turns, a.num_turns), cost_usd = COALESCE(f.cost_usd, a.cost_usd),
          input_tokens = f.input_tokens, output_tokens = f.output_tokens, cache_read_tokens = f.cache_read_tokens,
          cache_creation_tokens = f.cache_creation_tokens
      FROM f JOIN updated u ON u.id = f.id
      WHERE a.task_id = f.id AND a.number = f.attempt
      RETURNING a.task_id, a.cost_usd
    )${claim === null ? sql`` : sql`, ${uncappedClaimSteps(tx, claim, sql`(SELECT count(*) FROM updated) = ${held.length}`)}`}
    ${claim === null ? endedOnly : endedAndClaimed}`;
  const rows = await tx.rows(statement);
  const ended: EndedRow[] = [];
  const claimed: ClaimedRow[] = [];
  let capped = false;
  for (const { part, capped_exist, attempt_cost_usd, previous_attempt_status, ...task } of rows) {
    if (part === 'ended') ended.push({ ...task, attempt_cost_usd });
    else if (part === 'claimed') claimed.push({ ...task, previous_attempt_status });
    else capped = capped_exist === true;
  }
  // An orchestration caps its parallelism: the statement claimed nothing, the capacity path decides.
  return { ended, claim: claim === null ? 'not_run' : capped ? 'capped' : claimed };
}

/** A row of writeEndings' statement: an ended task, a claimed one, or the claim's "capped" answer. */
type WrittenRow = TaskRow & {
  part: 'ended' | 'claimed' | 'capped';
  previous_attempt_status: string | null;
  attempt_cost_usd: number | null;
  capped_exist: boolean | null;
};

const endedOnly = sql`
    SELECT 'ended' AS part, updated.*, NULL::text AS previous_attempt_status, ended.cost_usd AS attempt_cost_usd,
           NULL::boolean AS capped_exist
    FROM updated LEFT JOIN ended ON ended.task_id = updated.id`;

// One result for the three: the claimed rows carry how their previous attempt ended, the "capped" row only its flag.
const endedAndClaimed = sql`${endedOnly}
    UNION ALL
    SELECT 'claimed', claimed.*, NULL::double precision, NULL::boolean FROM claimed
    UNION ALL
    SELECT 'capped', (NULL::tasks).*, NULL::text, NULL::double precision, capped.capped_exist FROM capped`;

export function taskRow(tx: PgTx, id: number): Promise<TaskRow | undefined> {
  return tx.row(sql<TaskRow>`SELECT * FROM tasks WHERE id = ${id}`);
}
