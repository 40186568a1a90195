/**
 * Worker nodes: register at start (an upsert, so a worker whose row was pruned can register again), heartbeat,
 * graceful stop, the list with each worker's running-task count, and pruning of workers long gone. Plain statements (autocommit); no events (a
 * heartbeat is not a task transition).
 */
import type { WorkerRecord } from '../../domain/workers.js';
import type { NewWorker } from '../store.js';
import type { StoreContext } from './context.js';
import { workerFromRow, type WorkerRow } from '../codec/worker-codec.js';

const REGISTER = `
  INSERT INTO workers (id, host, pid, labels, concurrency, version, started_at, last_heartbeat_at, stopped_at)
  VALUES (@id, @host, @pid, @labels, @concurrency, @version, @now, @now, NULL)
  ON CONFLICT (id) DO UPDATE SET
    host = excluded.host, pid = excluded.pid, labels = excluded.labels, concurrency = excluded.concurrency,
    version = excluded.version, last_heartbeat_at = excluded.last_heartbeat_at, stopped_at = NULL
  RETURNING *, (SELECT COUNT(*) FROM tasks WHERE status = 'running' AND worker_id = workers.id) AS running`;

const HEARTBEAT = 'UPDATE workers SET last_heartbeat_at = ? WHERE id = ? AND stopped_at IS NULL';

const STOP = 'UPDATE workers SET stopped_at = ?, last_heartbeat_at = ? WHERE id = ?';

// One pass over the running tasks (the `tasks_status` index) rather than one count per worker.
const LIST = `
  WITH busy AS (
    SELECT worker_id, COUNT(*) AS running FROM tasks WHERE status = 'running' AND worker_id IS NOT NULL
    GROUP BY worker_id
  )
  SELECT workers.*, COALESCE(busy.running, 0) AS running
  FROM workers LEFT JOIN busy ON busy.worker_id = workers.id
  ORDER BY workers.started_at, workers.id`;

const GONE = `
  COALESCE(stopped_at, last_heartbeat_at) < @before AND last_heartbeat_at < @before
  AND NOT EXISTS (SELECT 1 FROM tasks WHERE status = 'running' AND worker_id = workers.id)`;

export interface Workers {
  register(worker: NewWorker): WorkerRecord;
  heartbeat(workerId: string): boolean;
  stop(workerId: string): void;
  list(): WorkerRecord[];
  prune(goneBefore: number, dryRun: boolean): number;
}

export function prepareWorkers(ctx: StoreContext): Workers {
  const register = ctx.db.prepare<[Record<string, unknown>], WorkerRow>(REGISTER);
  const heartbeat = ctx.db.prepare<[number, string]>(HEARTBEAT);
  const stop = ctx.db.prepare<[number, number, string]>(STOP);
  const list = ctx.db.prepare<[], WorkerRow>(LIST);
  const countGone = ctx.db.prepare<[{ before: number }], { n: number }>(
    `SELECT COUNT(*) AS n FROM workers WHERE ${GONE}`,
  );
  const deleteGone = ctx.db.prepare<[{ before: number }]>(`DELETE FROM workers WHERE ${GONE}`);

  return {
    register(worker) {
      const row = ctx.tx.write(() =>
        register.get({
          id: worker.id,
          host: worker.host,
          pid: worker.pid,
          labels: JSON.stringify(worker.labels),
          concurrency: worker.concurrency,
          version: worker.version,
          now: Date.now(),
        }),
      );
      if (!row) throw new Error(`claude-worker store: worker ${worker.id} vanished right after registering`);
      return workerFromRow(row);
    },
    heartbeat(workerId) {
      return heartbeat.run(Date.now(), workerId).changes > 0;
    },
    stop(workerId) {
      const now = Date.now();
      stop.run(now, now, workerId);
    },
    list() {
      return list.all().map(workerFromRow);
    },
    prune(goneBefore, dryRun) {
      const params = { before: goneBefore };
      if (dryRun) return countGone.get(params)?.n ?? 0;
      return ctx.tx.write(() => deleteGone.run(params).changes);
    },
  };
}
