/**
 * metricsSnapshot in PostgreSQL: the figures of `/metrics` read in one transaction, so every node serves the same
 * numbers: tasks per status (the `tasks_status` index), the sealed attempt totals plus one grouped pass over the
 * live attempts (store/shared/metrics-sql.ts) in ONE statement — a seal committing between two statements would
 * count its slice twice or not at all — the model gates that hold now and the workers alive (by the transaction's
 * clock). The store runs a due seal (metrics-seal.ts) in its own transaction first.
 */
import { sql } from 'kysely';
import type { MetricsSnapshot } from '../store.js';
import {
  LIVE_ATTEMPTS,
  metricsSnapshotOf,
  withTotalsSql,
  type AttemptAggregateRow,
} from '../shared/metrics-sql.js';
import { bound, FAILURE_CODE, sealedBefore } from './metrics-seal.js';
import type { PgTx } from './transactions.js';

const ATTEMPTS = withTotalsSql(FAILURE_CODE, LIVE_ATTEMPTS);

export async function metricsSnapshot(tx: PgTx, workerLeaseMs: number): Promise<MetricsSnapshot> {
  const statusRows = await tx.rows(sql<{ status: string; n: number }>`
    SELECT status, count(*)::int AS n FROM tasks GROUP BY status`);
  const seen = await sealedBefore(tx, false);
  const attemptRows = await tx.rows(bound<AttemptAggregateRow>(ATTEMPTS, { seen }));
  const gateRows = await tx.rows(sql<{ model: string; cooldown: number; breaker: number }>`
    SELECT model, (COALESCE(cooldown_until, 0) > ${tx.now})::int AS cooldown, breaker_open::int AS breaker
    FROM model_gates ORDER BY model`);
  const workers = await tx.rows(sql<{ n: number }>`
    SELECT count(*)::int AS n FROM workers
    WHERE stopped_at IS NULL AND last_heartbeat_at >= ${tx.now - workerLeaseMs}`);
  return metricsSnapshotOf({ statusRows, attemptRows, gateRows, workers: workers[0]?.n ?? 0 });
}
