/**
 * prune in PostgreSQL: deletes what finished before a cut-off — standalone tasks in a final status, and
 * orchestrations settled before it, whole (tasks, edges, staged rows) — with their attempts, events, stored output
 * and mirrored sessions, in batches of one transaction each (a writer waits at most one batch). A dry run counts
 * the same rows. One `store_pruned` event records what a real run deleted. The same selection as the SQLite store.
 * The `/metrics` counters keep what is deleted: a due seal runs first, and each batch folds the attempts it deletes
 * that are not sealed yet into the totals, in the transaction that deletes them (metrics-seal.ts).
 */
import { sql } from 'kysely';
import { TERMINAL_STATUSES } from '../../domain/vocabulary.js';
import type { PruneCounts, PruneRequest, PruneResult } from '../store.js';
import { fold, sealStep } from './metrics-seal.js';
import type { PgTransactions, PgTx } from './transactions.js';

const DEFAULT_BATCH = 2_000;
const FINAL = [...TERMINAL_STATUSES];

interface TaskFiles {
  id: number;
  log_path: string | null;
  transcript_path: string | null;
}

async function countOnly(tx: PgTx, before: number): Promise<PruneCounts> {
  const s = await tx.row(sql<{ tasks: number; attempts: number; events: number }>`
    SELECT count(*)::int AS tasks,
           COALESCE(sum((SELECT count(*) FROM attempts a WHERE a.task_id = t.id)), 0)::int AS attempts,
           COALESCE(sum((SELECT count(*) FROM events e WHERE e.task_id = t.id)), 0)::int AS events
    FROM tasks t
    WHERE t.orchestration_id IS NULL AND t.status = ANY(${FINAL}::text[]) AND t.finished_at < ${before}`);
  const o = await tx.row(sql<{ orchestrations: number; tasks: number; attempts: number; events: number }>`
    SELECT count(*)::int AS orchestrations,
           COALESCE(sum((SELECT count(*) FROM tasks t WHERE t.orchestration_id = o.id)), 0)::int AS tasks,
           COALESCE(sum((SELECT count(*) FROM attempts a JOIN tasks t ON t.id = a.task_id
                          WHERE t.orchestration_id = o.id)), 0)::int AS attempts,
           COALESCE(sum((SELECT count(*) FROM events e WHERE e.orchestration_id = o.id)), 0)::int AS events
    FROM orchestrations o WHERE o.finished_at IS NOT NULL AND o.finished_at < ${before}`);
  return {
    tasks: (s?.tasks ?? 0) + (o?.tasks ?? 0),
    attempts: (s?.attempts ?? 0) + (o?.attempts ?? 0),
    events: (s?.events ?? 0) + (o?.events ?? 0),
    orchestrations: o?.orchestrations ?? 0,
  };
}

/**
 * Deletes tasks with their attempts (folded into the metrics totals first), events, edges, output and sessions;
 * adds what it deleted to `counts`.
 */
async function deleteTasks(tx: PgTx, ids: number[], counts: PruneCounts): Promise<void> {
  if (ids.length === 0) return;
  await fold(tx, ids);
  const list = sql`${ids}::bigint[]`;
  await tx.rows(sql`
    DELETE FROM session_entries WHERE session_id IN (
      SELECT session_id FROM attempts WHERE task_id = ANY(${list}) AND session_id IS NOT NULL
      UNION SELECT session_id FROM tasks WHERE id = ANY(${list}) AND session_id IS NOT NULL)`);
  counts.attempts += (
    await tx.rows(sql`DELETE FROM attempts WHERE task_id = ANY(${list}) RETURNING 1`)
  ).length;
  counts.events += (await tx.rows(sql`DELETE FROM events WHERE task_id = ANY(${list}) RETURNING 1`)).length;
  await tx.rows(sql`DELETE FROM webhook_deliveries WHERE task_id = ANY(${list})`);
  await tx.rows(sql`DELETE FROM task_dependencies WHERE task_id = ANY(${list})`);
  await tx.rows(sql`DELETE FROM task_output WHERE task_id = ANY(${list})`);
  counts.tasks += (await tx.rows(sql`DELETE FROM tasks WHERE id = ANY(${list}) RETURNING 1`)).length;
}

export async function prune(transactions: PgTransactions, request: PruneRequest): Promise<PruneResult> {
  const before = request.finished_before.getTime();
  if (request.dry_run) {
    return { ...(await transactions.run((tx) => countOnly(tx, before))), dry_run: true, log_paths: [] };
  }
  const batch = request.batch_size ?? DEFAULT_BATCH;
  while (await transactions.run((tx) => sealStep(tx))) continue;
  const counts: PruneCounts = { tasks: 0, attempts: 0, events: 0, orchestrations: 0 };
  const logPaths: string[] = [];
  const keepPaths = (rows: TaskFiles[]) => {
    for (const row of rows) {
      if (row.log_path) logPaths.push(row.log_path);
      if (row.transcript_path) logPaths.push(row.transcript_path);
    }
  };
  for (;;) {
    const done = await transactions.run(async (tx) => {
      const orchestrations = await tx.rows(sql<{ id: number }>`
        SELECT id FROM orchestrations WHERE finished_at IS NOT NULL AND finished_at < ${before}
        ORDER BY id LIMIT ${Math.max(1, Math.floor(batch / 50))} FOR UPDATE SKIP LOCKED`);
      const ids = orchestrations.map((o) => o.id);
      if (ids.length === 0) return true;
      const tasks = await tx.rows(sql<TaskFiles>`
        SELECT id, log_path, transcript_path FROM tasks WHERE orchestration_id = ANY(${ids}::bigint[])`);
      keepPaths(tasks);
      await deleteTasks(
        tx,
        tasks.map((t) => t.id),
        counts,
      );
      counts.events += (
        await tx.rows(sql`DELETE FROM events WHERE orchestration_id = ANY(${ids}::bigint[]) RETURNING 1`)
      ).length;
      await tx.rows(sql`DELETE FROM webhook_deliveries WHERE orchestration_id = ANY(${ids}::bigint[])`);
      await tx.rows(sql`DELETE FROM staged_tasks WHERE orchestration_id = ANY(${ids}::bigint[])`);
      counts.orchestrations += (
        await tx.rows(sql`DELETE FROM orchestrations WHERE id = ANY(${ids}::bigint[]) RETURNING 1`)
      ).length;
      return false;
    });
    if (done) break;
  }
  for (;;) {
    const done = await transactions.run(async (tx) => {
      const tasks = await tx.rows(sql<TaskFiles>`
        SELECT id, log_path, transcript_path FROM tasks
        WHERE orchestration_id IS NULL AND status = ANY(${FINAL}::text[]) AND finished_at < ${before}
        ORDER BY id LIMIT ${batch} FOR UPDATE SKIP LOCKED`);
      if (tasks.length === 0) return true;
      keepPaths(tasks);
      await deleteTasks(
        tx,
        tasks.map((t) => t.id),
        counts,
      );
      return false;
    });
    if (done) break;
  }
  if (counts.tasks + counts.orchestrations + counts.events > 0) {
    await transactions.run(async (tx) => {
      tx.append({
        type: 'store_pruned',
        task_id: null,
        orchestration_id: null,
        from_status: null,
        to_status: null,
        actor: request.actor.actor,
        correlation_id: request.actor.correlation_id ?? null,
        data: { finished_before: request.finished_before.toISOString(), ...counts },
      });
    });
  }
  return { ...counts, dry_run: false, log_paths: logPaths };
}
