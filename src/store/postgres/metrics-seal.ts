/**
 * The sealed totals of `/metrics` in PostgreSQL (store/shared/metrics-sql.ts): `sealStep` moves `sealed_before`
 * forward when the rule says so (domain/rules/metrics-seal.ts), adding the attempts it passes to `attempt_totals`;
 * `fold` adds the not-yet-sealed attempts of tasks that prune is about to delete, so the counters keep them.
 * Whatever rewrites the totals first locks the `metrics_seal` row and reads `sealed_before` under the lock: of two
 * nodes sealing at once, the second waits, then sees the moved value and does nothing. The rewrite is one statement
 * (the new totals computed from the old ones, the old rows deleted, the new inserted), so it reads one snapshot.
 */
import { sql, type RawBuilder } from 'kysely';
import { nextSealBefore, SEAL_STEP_ATTEMPTS, sealStepBefore } from '../../domain/rules/metrics-seal.js';
import { SEALED_SLICE, TOTALS_COLUMNS, withTotalsSql } from '../shared/metrics-sql.js';
import type { PgTx } from './transactions.js';

/** The failure class of `a.error` (JSON) in PostgreSQL. */
export const FAILURE_CODE = "a.error::jsonb ->> 'code'";

/** Attempts of the tasks `@ids` that finished and are not sealed yet. */
const UNSEALED_OF_TASKS = `a.task_id = ANY(@ids::bigint[]) AND a.finished_at IS NOT NULL
  AND a.finished_at >= (SELECT s.sealed_before FROM metrics_seal s WHERE s.id = 1)`;

/** Shared SQL with `@name` parameters (SQLite's spelling) as a query with PostgreSQL parameters. */
export function bound<R>(text: string, values: Record<string, unknown>): RawBuilder<R> {
  const parts = text.split(/@(\w+)/);
  return sql.join(
    parts.map((part, i) => {
      if (i % 2 === 0) return sql.raw(part);
      if (!(part in values)) throw new Error(`claude-worker store: no value for @${part}`);
      return sql`${values[part]}`;
    }),
    sql.raw(''),
  );
}

/** Replaces the totals with the totals plus the attempts matching `where`, in one statement. */
async function rewriteTotals(tx: PgTx, where: string, values: Record<string, unknown>): Promise<void> {
  const columns = TOTALS_COLUMNS.join(', ');
  await tx.rows(
    bound(
      `WITH merged AS (${withTotalsSql(FAILURE_CODE, where)}), cleared AS (DELETE FROM attempt_totals)
       INSERT INTO attempt_totals (${columns}) SELECT ${columns} FROM merged`,
      values,
    ),
  );
}

/** `sealed_before` now (epoch ms); `lock`: FOR UPDATE, as whatever rewrites the totals must. */
export async function sealedBefore(tx: PgTx, lock: boolean): Promise<number> {
  const row = await tx.row(sql<{ sealed_before: number }>`
    SELECT sealed_before FROM metrics_seal WHERE id = 1 ${sql.raw(lock ? 'FOR UPDATE' : '')}`);
  return Number(row?.sealed_before ?? 0);
}

/**
 * One seal step when a seal is due at the transaction's time; most calls read one row and end. True when it moved
 * `sealed_before` (run another transaction: more may be due).
 */
export async function sealStep(tx: PgTx): Promise<boolean> {
  if (nextSealBefore(await sealedBefore(tx, false), tx.now) === null) return false;
  const from = await sealedBefore(tx, true);
  const target = nextSealBefore(from, tx.now);
  if (target === null) return false;
  const end = await tx.row(sql<{ finished_at: number }>`
    SELECT finished_at FROM attempts WHERE finished_at >= ${from}
    ORDER BY finished_at LIMIT 1 OFFSET ${SEAL_STEP_ATTEMPTS}`);
  const to = sealStepBefore(from, target, end ? Number(end.finished_at) : null);
  await rewriteTotals(tx, SEALED_SLICE, { from, to });
  await tx.rows(sql`UPDATE metrics_seal SET sealed_before = ${to} WHERE id = 1`);
  return true;
}

/** Counts the unsealed attempts of these tasks in the totals; call in the transaction that deletes them. */
export async function fold(tx: PgTx, taskIds: readonly number[]): Promise<void> {
  if (taskIds.length === 0) return;
  const exists = `SELECT EXISTS (SELECT 1 FROM attempts a WHERE ${UNSEALED_OF_TASKS}) AS found`;
  const found = await tx.row(bound<{ found: boolean }>(exists, { ids: taskIds }));
  if (!found?.found) return;
  await sealedBefore(tx, true);
  await rewriteTotals(tx, UNSEALED_OF_TASKS, { ids: taskIds });
}
