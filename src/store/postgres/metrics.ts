/**
 * metricsSnapshot in PostgreSQL: the figures of `/metrics` read in one transaction, so every node serves the same
 * numbers: tasks per status (the `tasks_status` index), one grouped pass over attempts (store/shared/metrics-sql.ts),
 * the model gates that hold now and the workers alive (by the transaction's clock).
 */
import { sql } from 'kysely';
import type { MetricsSnapshot } from '../store.js';
import { attemptAggregateSql, metricsSnapshotOf, type AttemptAggregateRow } from '../shared/metrics-sql.js';
import type { PgTx } from './transactions.js';

const ATTEMPTS = sql.raw(attemptAggregateSql("a.error::jsonb ->> 'code'"));

export async function metricsSnapshot(tx: PgTx, workerLeaseMs: number): Promise<MetricsSnapshot> {
  const statusRows = await tx.rows(sql<{ status: string; n: number }>`
    SELECT status, count(*)::int AS n FROM tasks GROUP BY status`);
  const attemptRows = await tx.rows(sql<AttemptAggregateRow>`${ATTEMPTS}`);
  const gateRows = await tx.rows(sql<{ model: string; cooldown: number; breaker: number }>`
    SELECT model, (COALESCE(cooldown_until, 0) > ${tx.now})::int AS cooldown, breaker_open::int AS breaker
    FROM model_gates ORDER BY model`);
  const workers = await tx.rows(sql<{ n: number }>`
    SELECT count(*)::int AS n FROM workers
    WHERE stopped_at IS NULL AND last_heartbeat_at >= ${tx.now - workerLeaseMs}`);
  return metricsSnapshotOf({ statusRows, attemptRows, gateRows, workers: workers[0]?.n ?? 0 });
}
