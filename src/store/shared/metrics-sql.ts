/**
 * The aggregate of `/metrics` over the attempts table, said once for both stores (they differ only in how they read
 * the failure class out of the JSON `error`), and the one function that turns its rows into a MetricsSnapshot.
 * Attempts are grouped by model, outcome and histogram bucket; that gives the counters, both histograms' bucket
 * counts (made cumulative here, as Prometheus' `le` is) and their sums.
 * Sealed totals (domain/rules/metrics-seal.ts): attempts that finished before `metrics_seal.sealed_before` are
 * counted in `attempt_totals`, rows of this same aggregate. A scrape adds the totals to the aggregate of the live
 * attempts only; a seal rewrites the totals as themselves plus the aggregate of a slice of attempts. Both are
 * withTotalsSql with another WHERE.
 */
import { ATTEMPT_DURATION_BUCKETS, QUEUE_WAIT_BUCKETS } from '../../domain/metric-buckets.js';
import { TASK_STATUSES } from '../../domain/vocabulary.js';
import type { AttemptOutcomeCounts, HistogramCounts, MetricsSnapshot, StatusCounts } from '../store.js';

/** The index of the first bucket whose bound holds the value (ms column), the number of bounds for +Inf. */
const bucketIndex = (column: string, bounds: readonly number[]) =>
  `CASE WHEN ${column} IS NULL THEN NULL ${bounds
    .map((b, i) => `WHEN ${column} <= ${Math.round(b * 1000)} THEN ${i}`)
    .join(' ')} ELSE ${bounds.length} END`;

/**
 * Attempts a scrape aggregates itself: the running ones and those not sealed yet. `@seen` is `sealed_before` as read
 * by an earlier statement: it only moves forward, so the condition on it drops nothing the sub-select keeps, but it
 * tells PostgreSQL's planner how few rows pass (with the sub-select alone it guesses a third of the table and spends
 * half a second compiling the query with JIT).
 */
export const LIVE_ATTEMPTS = `a.finished_at IS NULL OR (a.finished_at >= @seen
  AND a.finished_at >= (SELECT s.sealed_before FROM metrics_seal s WHERE s.id = 1))`;

/**
 * The attempts a seal adds to the totals: finished from `@from` (sealed_before, read under the seal's lock) to
 * before `@to` (the new sealed_before, stored by the same transaction).
 */
export const SEALED_SLICE = 'a.finished_at >= @from AND a.finished_at < @to';

/** The sums of a group, the same in the aggregate and in `attempt_totals`. */
const SUMS = ['n', 'cost_usd', 'input', 'output', 'cache_read', 'cache_creation', 'duration_ms', 'wait_ms'];

/** The columns of `attempt_totals`, in the order withTotalsSql returns them. */
export const TOTALS_COLUMNS = ['model', 'outcome', 'd', 'w', ...SUMS] as const;

/**
 * The aggregate of the attempts `a` that match `where`. `failureCode` reads the class of `a.error` (JSON) in the
 * store's dialect. Rows are grouped by model, outcome and the bucket each histogram puts the attempt in (one CASE
 * per row, not one SUM per bound); the cumulative counts are added up in metricsSnapshotOf. Running attempts have
 * outcome NULL: they count only in the queue-wait histogram. An attempt older than the model column takes its
 * task's model.
 */
function attemptAggregateSql(failureCode: string, where: string): string {
  return `
    SELECT model, outcome, d, w, COUNT(*) AS n, SUM(cost_usd) AS cost_usd, SUM(input) AS input,
      SUM(output) AS output, SUM(cache_read) AS cache_read, SUM(cache_creation) AS cache_creation,
      SUM(duration_ms) AS duration_ms, SUM(wait_ms) AS wait_ms
    FROM (
      SELECT COALESCE(a.model, (SELECT t.model FROM tasks t WHERE t.id = a.task_id)) AS model,
        CASE WHEN a.finished_at IS NULL THEN NULL
             WHEN a.status = 'succeeded' THEN 'succeeded'
             ELSE COALESCE(${failureCode}, a.status) END AS outcome,
        ${bucketIndex('a.duration_ms', ATTEMPT_DURATION_BUCKETS)} AS d,
        ${bucketIndex('a.queue_wait_ms', QUEUE_WAIT_BUCKETS)} AS w,
        COALESCE(a.cost_usd, 0) AS cost_usd, COALESCE(a.input_tokens, 0) AS input,
        COALESCE(a.output_tokens, 0) AS output, COALESCE(a.cache_read_tokens, 0) AS cache_read,
        COALESCE(a.cache_creation_tokens, 0) AS cache_creation, COALESCE(a.duration_ms, 0) AS duration_ms,
        COALESCE(a.queue_wait_ms, 0) AS wait_ms
      FROM attempts a
      WHERE (${where})
    ) x
    GROUP BY model, outcome, d, w`;
}

/**
 * The sealed totals plus the aggregate of the attempts matching `where`, grouped again: one row per group, in
 * TOTALS_COLUMNS. One statement, so it reads the totals and the attempts in one snapshot.
 */
export function withTotalsSql(failureCode: string, where: string): string {
  return `
    SELECT model, outcome, d, w, ${SUMS.map((c) => `SUM(${c}) AS ${c}`).join(', ')}
    FROM (
      SELECT ${TOTALS_COLUMNS.join(', ')} FROM attempt_totals
      UNION ALL ${attemptAggregateSql(failureCode, where)}
    ) y
    GROUP BY model, outcome, d, w`;
}

/** A row of attemptAggregateSql or withTotalsSql (numbers may arrive as strings or bigints from a driver). */
export type AttemptAggregateRow = Record<string, unknown> & { model: string; outcome: string | null };

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));

const emptyHistogram = (bounds: readonly number[]): HistogramCounts => ({
  buckets: bounds.map(() => 0),
  sum: 0,
  count: 0,
});

/** Adds `n` values of bucket index `index` (null: no value) to a cumulative histogram. */
function observe(h: HistogramCounts, index: unknown, n: number, sum: number): void {
  if (index === null || index === undefined) return;
  for (let i = Number(index); i < h.buckets.length; i++) h.buckets[i] = (h.buckets[i] ?? 0) + n;
  h.sum += sum;
  h.count += n;
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
  const queueWait = emptyHistogram(QUEUE_WAIT_BUCKETS);
  const groups = new Map<string, AttemptOutcomeCounts>();
  for (const row of parts.attemptRows) {
    const n = num(row['n']);
    observe(queueWait, row['w'], n, num(row['wait_ms']) / 1000);
    if (row.outcome === null) continue;
    const key = JSON.stringify([row.model, row.outcome]);
    let group = groups.get(key);
    if (!group) {
      group = {
        model: row.model,
        outcome: row.outcome,
        count: 0,
        cost_usd: 0,
        tokens: { input: 0, output: 0, cache_read: 0, cache_creation: 0 },
        duration: emptyHistogram(ATTEMPT_DURATION_BUCKETS),
      };
      groups.set(key, group);
    }
    group.count += n;
    group.cost_usd += num(row['cost_usd']);
    group.tokens.input += num(row['input']);
    group.tokens.output += num(row['output']);
    group.tokens.cache_read += num(row['cache_read']);
    group.tokens.cache_creation += num(row['cache_creation']);
    observe(group.duration, row['d'] ?? ATTEMPT_DURATION_BUCKETS.length, n, num(row['duration_ms']) / 1000);
  }
  const attempts = [...groups.values()];
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
