/**
 * The aggregate of `/metrics` over the attempts table, said once for both stores (they differ only in how they read
 * the failure class out of the JSON `error`), and the one function that turns its rows into a MetricsSnapshot.
 * One pass over `attempts` grouped by model and outcome gives the counters, both histograms' bucket counts
 * (`SUM(CASE WHEN value <= bound …)`, cumulative as Prometheus' `le` is) and their sums.
 */
import { ATTEMPT_DURATION_BUCKETS, QUEUE_WAIT_BUCKETS } from '../../domain/metric-buckets.js';
import { TASK_STATUSES } from '../../domain/vocabulary.js';
import type { AttemptOutcomeCounts, HistogramCounts, MetricsSnapshot, StatusCounts } from '../store.js';

const bucketSums = (column: string, prefix: string, bounds: readonly number[]) =>
  bounds
    .map((b, i) => `SUM(CASE WHEN ${column} <= ${Math.round(b * 1000)} THEN 1 ELSE 0 END) AS ${prefix}${i}`)
    .join(',\n      ');

/**
 * `failureCode` reads the class of `a.error` (JSON) in the store's dialect. Running attempts form their own groups
 * (outcome NULL): they count only in the queue-wait histogram. An attempt older than the model column takes its
 * task's model.
 */
export function attemptAggregateSql(failureCode: string): string {
  return `
    SELECT COALESCE(a.model, (SELECT t.model FROM tasks t WHERE t.id = a.task_id)) AS model,
      CASE WHEN a.finished_at IS NULL THEN NULL
           WHEN a.status = 'succeeded' THEN 'succeeded'
           ELSE COALESCE(${failureCode}, a.status) END AS outcome,
      COUNT(*) AS n,
      SUM(COALESCE(a.cost_usd, 0)) AS cost_usd,
      SUM(COALESCE(a.input_tokens, 0)) AS input,
      SUM(COALESCE(a.output_tokens, 0)) AS output,
      SUM(COALESCE(a.cache_read_tokens, 0)) AS cache_read,
      SUM(COALESCE(a.cache_creation_tokens, 0)) AS cache_creation,
      SUM(COALESCE(a.duration_ms, 0)) AS duration_ms,
      ${bucketSums('a.duration_ms', 'd', ATTEMPT_DURATION_BUCKETS)},
      COUNT(a.queue_wait_ms) AS wait_n,
      SUM(COALESCE(a.queue_wait_ms, 0)) AS wait_ms,
      ${bucketSums('a.queue_wait_ms', 'w', QUEUE_WAIT_BUCKETS)}
    FROM attempts a
    GROUP BY 1, 2`;
}

/** A row of attemptAggregateSql (numbers may arrive as strings or bigints from a driver). */
export type AttemptAggregateRow = Record<string, unknown> & { model: string; outcome: string | null };

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));

function histogram(row: AttemptAggregateRow, prefix: string, size: number, sum: number, count: number) {
  return {
    buckets: Array.from({ length: size }, (_, i) => num(row[`${prefix}${i}`])),
    sum,
    count,
  };
}

function addInto(into: HistogramCounts, more: HistogramCounts): void {
  more.buckets.forEach((n, i) => (into.buckets[i] = (into.buckets[i] ?? 0) + n));
  into.sum += more.sum;
  into.count += more.count;
}

export interface SnapshotParts {
  statusRows: { status: string; n: unknown }[];
  attemptRows: AttemptAggregateRow[];
  gateRows: { model: string; cooldown: unknown; breaker: unknown }[];
  workers: unknown;
}

export function metricsSnapshotOf(parts: SnapshotParts): MetricsSnapshot {
  const tasks = Object.fromEntries(TASK_STATUSES.map((s) => [s, 0])) as StatusCounts;
  for (const row of parts.statusRows) {
    if (row.status in tasks) tasks[row.status as keyof StatusCounts] = num(row.n);
  }
  const queueWait: HistogramCounts = {
    buckets: QUEUE_WAIT_BUCKETS.map(() => 0),
    sum: 0,
    count: 0,
  };
  const attempts: AttemptOutcomeCounts[] = [];
  for (const row of parts.attemptRows) {
    addInto(
      queueWait,
      histogram(row, 'w', QUEUE_WAIT_BUCKETS.length, num(row.wait_ms) / 1000, num(row.wait_n)),
    );
    if (row.outcome === null) continue;
    const count = num(row.n);
    attempts.push({
      model: row.model,
      outcome: row.outcome,
      count,
      cost_usd: num(row.cost_usd),
      tokens: {
        input: num(row.input),
        output: num(row.output),
        cache_read: num(row.cache_read),
        cache_creation: num(row.cache_creation),
      },
      duration: histogram(row, 'd', ATTEMPT_DURATION_BUCKETS.length, num(row.duration_ms) / 1000, count),
    });
  }
  attempts.sort((a, b) => a.model.localeCompare(b.model) || a.outcome.localeCompare(b.outcome));
  return {
    tasks,
    attempts,
    queue_wait: queueWait,
    gates: parts.gateRows.map((g) => ({
      model: g.model,
      cooldown: num(g.cooldown) !== 0,
      breaker: num(g.breaker) !== 0,
    })),
    workers: num(parts.workers),
  };
}
