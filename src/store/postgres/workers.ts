/**
 * Worker nodes in PostgreSQL: register at start (an upsert, so a worker whose row was pruned can register again),
 * heartbeat, graceful stop, the list with each worker's running-task count, and pruning of workers long gone. No
 * events (a heartbeat is not a task transition). The same statements as the SQLite store's workers.ts.
 */
import { sql } from 'kysely';
import type { WorkerRecord } from '../../domain/workers.js';
import { workerFromRow, type WorkerRow } from '../codec/worker-codec.js';
import type { NewWorker } from '../store.js';
import type { PgTx } from './transactions.js';

const GONE = (before: number) => sql`
  COALESCE(stopped_at, last_heartbeat_at) < ${before} AND last_heartbeat_at < ${before}
  AND NOT EXISTS (SELECT 1 FROM tasks WHERE status = 'running' AND worker_id = workers.id)`;

export async function registerWorker(tx: PgTx, worker: NewWorker): Promise<WorkerRecord> {
  const row = await tx.row(sql<WorkerRow>`
    INSERT INTO workers (id, host, pid, labels, concurrency, version, started_at, last_heartbeat_at, stopped_at)
    VALUES (${worker.id}, ${worker.host}, ${worker.pid}, ${JSON.stringify(worker.labels)}, ${worker.concurrency},
            ${worker.version}, ${tx.now}, ${tx.now}, NULL)
    ON CONFLICT (id) DO UPDATE SET
      host = excluded.host, pid = excluded.pid, labels = excluded.labels, concurrency = excluded.concurrency,
      version = excluded.version, last_heartbeat_at = excluded.last_heartbeat_at, stopped_at = NULL
    RETURNING *, (SELECT count(*)::int FROM tasks WHERE status = 'running' AND worker_id = workers.id) AS running`);
  if (!row) throw new Error(`claude-worker store: worker ${worker.id} vanished right after registering`);
  return workerFromRow(row);
}

export async function heartbeatWorker(tx: PgTx, workerId: string): Promise<boolean> {
  const rows = await tx.rows(sql`
    UPDATE workers SET last_heartbeat_at = ${tx.now} WHERE id = ${workerId} AND stopped_at IS NULL RETURNING 1`);
  return rows.length > 0;
}

export async function stopWorker(tx: PgTx, workerId: string): Promise<void> {
  await tx.rows(
    sql`UPDATE workers SET stopped_at = ${tx.now}, last_heartbeat_at = ${tx.now} WHERE id = ${workerId}`,
  );
}

export async function listWorkers(tx: PgTx): Promise<WorkerRecord[]> {
  const rows = await tx.rows(sql<WorkerRow>`
    WITH busy AS (
      SELECT worker_id, count(*)::int AS running FROM tasks WHERE status = 'running' AND worker_id IS NOT NULL
      GROUP BY worker_id
    )
    SELECT workers.*, COALESCE(busy.running, 0) AS running
    FROM workers LEFT JOIN busy ON busy.worker_id = workers.id
    ORDER BY workers.started_at, workers.id`);
  return rows.map(workerFromRow);
}

export async function pruneWorkers(tx: PgTx, goneBefore: number, dryRun: boolean): Promise<number> {
  if (dryRun) {
    const row = await tx.row(
      sql<{ n: number }>`SELECT count(*)::int AS n FROM workers WHERE ${GONE(goneBefore)}`,
    );
    return row?.n ?? 0;
  }
  return (await tx.rows(sql`DELETE FROM workers WHERE ${GONE(goneBefore)} RETURNING 1`)).length;
}
