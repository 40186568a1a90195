/**
 * metricsSnapshot in SQLite: the figures of `/metrics` in one read (a snapshot under WAL): tasks per status (the
 * `tasks_status` index), the sealed attempt totals plus one grouped pass over the live attempts (the
 * `attempts_finished` index; store/shared/metrics-sql.ts), the model gates that hold now, and the workers alive.
 * A seal that is due runs first, in its own write transactions (metrics-seal.ts).
 */
import type { MetricsSnapshot } from '../store.js';
import {
  LIVE_ATTEMPTS,
  metricsSnapshotOf,
  withTotalsSql,
  type AttemptAggregateRow,
} from '../shared/metrics-sql.js';
import type { StoreContext } from './context.js';
import { FAILURE_CODE, type MetricsSeal } from './metrics-seal.js';

export function prepareMetrics(
  ctx: StoreContext,
  seal: MetricsSeal,
): (workerLeaseMs: number) => Promise<MetricsSnapshot> {
  const { db } = ctx;
  const statuses = db.prepare<[], { status: string; n: number }>(
    'SELECT status, COUNT(*) AS n FROM tasks GROUP BY status',
  );
  const attempts = db.prepare<{ seen: number }, AttemptAggregateRow>(
    withTotalsSql(FAILURE_CODE, LIVE_ATTEMPTS),
  );
  const gates = db.prepare<[number], { model: string; cooldown: number; breaker: number }>(
    `SELECT model, (COALESCE(cooldown_until, 0) > ?) AS cooldown, breaker_open AS breaker FROM model_gates
     ORDER BY model`,
  );
  const workers = db.prepare<[number], { n: number }>(
    'SELECT COUNT(*) AS n FROM workers WHERE stopped_at IS NULL AND last_heartbeat_at >= ?',
  );
  const read = db.transaction((leaseMs: number) => {
    const now = Date.now();
    return metricsSnapshotOf({
      statusRows: statuses.all(),
      attemptRows: attempts.all({ seen: seal.sealedBefore() }),
      gateRows: gates.all(now),
      workers: workers.get(now - leaseMs)?.n ?? 0,
    });
  });
  return async (leaseMs) => {
    const now = Date.now();
    // A long catch-up seals in steps; other work of this process runs between them.
    while (seal.sealStep(now)) await new Promise((next) => setImmediate(next));
    return read.deferred(leaseMs);
  };
}
