/**
 * The sealed totals of `/metrics` in SQLite (store/shared/metrics-sql.ts): `sealStep` moves `sealed_before` forward
 * when the rule says so (domain/rules/metrics-seal.ts), adding the attempts it passes to `attempt_totals`; `fold`
 * adds the not-yet-sealed attempts of tasks that prune is about to delete, so the counters keep them. Both rewrite
 * the totals whole (one row per group) inside an IMMEDIATE transaction: a second process sealing at the same moment
 * waits for the write lock, then reads the moved `sealed_before` and does nothing.
 */
import { nextSealBefore, SEAL_STEP_ATTEMPTS, sealStepBefore } from '../../domain/rules/metrics-seal.js';
import { SEALED_SLICE, TOTALS_COLUMNS, withTotalsSql } from '../shared/metrics-sql.js';
import type { StoreContext } from './context.js';

/** The failure class of `a.error` (JSON) in SQLite. */
export const FAILURE_CODE = "json_extract(a.error, '$.code')";

/** Attempts of the tasks `@ids` (a JSON array) that finished and are not sealed yet. */
const UNSEALED_OF_TASKS = `a.task_id IN (SELECT value FROM json_each(@ids)) AND a.finished_at IS NOT NULL
  AND a.finished_at >= (SELECT s.sealed_before FROM metrics_seal s WHERE s.id = 1)`;

export interface MetricsSeal {
  /** `sealed_before` now (epoch ms). */
  sealedBefore(): number;
  /**
   * One seal step when a seal is due at `now`: its own write transaction (or joins the caller's). True when it moved
   * `sealed_before` (call again: more may be due).
   */
  sealStep(now: number): boolean;
  /** Counts the unsealed attempts of these tasks in the totals; call inside the write that deletes them. */
  fold(taskIds: readonly number[]): void;
}

export function prepareMetricsSeal(ctx: StoreContext): MetricsSeal {
  const { db } = ctx;
  const sealedBefore = db.prepare<[], number>('SELECT sealed_before FROM metrics_seal WHERE id = 1').pluck();
  const sealed = db.prepare<{ from: number; to: number }, Record<string, unknown>>(
    withTotalsSql(FAILURE_CODE, SEALED_SLICE),
  );
  const folded = db.prepare<{ ids: string }, Record<string, unknown>>(
    withTotalsSql(FAILURE_CODE, UNSEALED_OF_TASKS),
  );
  const unsealed = db
    .prepare<{ ids: string }, number>(
      `SELECT EXISTS (SELECT 1 FROM attempts a WHERE ${UNSEALED_OF_TASKS}) AS found`,
    )
    .pluck();
  const clear = db.prepare('DELETE FROM attempt_totals');
  const insert = db.prepare<Record<string, unknown>>(
    `INSERT INTO attempt_totals (${TOTALS_COLUMNS.join(', ')})
     VALUES (${TOTALS_COLUMNS.map((c) => `@${c}`).join(', ')})`,
  );
  const stepEnd = db
    .prepare<{ from: number; k: number }, number>(
      'SELECT finished_at FROM attempts WHERE finished_at >= @from ORDER BY finished_at LIMIT 1 OFFSET @k',
    )
    .pluck();
  const moveSeal = db.prepare<[number]>('UPDATE metrics_seal SET sealed_before = ? WHERE id = 1');

  const rewrite = (rows: Record<string, unknown>[]) => {
    clear.run();
    for (const row of rows) insert.run(row);
  };

  return {
    sealedBefore: () => sealedBefore.get() ?? 0,
    sealStep(now) {
      // Most calls end here, without the write lock.
      if (nextSealBefore(sealedBefore.get() ?? 0, now) === null) return false;
      return ctx.tx.write(() => {
        const from = sealedBefore.get() ?? 0;
        const target = nextSealBefore(from, now);
        if (target === null) return false;
        const to = sealStepBefore(from, target, stepEnd.get({ from, k: SEAL_STEP_ATTEMPTS }) ?? null);
        rewrite(sealed.all({ from, to }));
        moveSeal.run(to);
        return true;
      });
    },
    fold(taskIds) {
      if (taskIds.length === 0) return;
      const ids = JSON.stringify(taskIds);
      if (unsealed.get({ ids }) === 0) return;
      rewrite(folded.all({ ids }));
    },
  };
}
