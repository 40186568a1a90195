/**
 * Model gates in PostgreSQL: per-model cool-downs and circuit breakers shared by every node (see ModelGate in
 * store.ts), and attempt statistics. Each write is one statement on the model's row (an upsert first), so
 * concurrent failures on several nodes all count and exactly one worker wins a probe. The claim reads these rows
 * in its own transaction (claim.ts). Rows read back through the shared codec.
 */
import { sql } from 'kysely';
import {
  modelGateFromRow as rowToGate,
  type ModelGateRecordRow as GateRow,
} from '../codec/model-gate-codec.js';
import type { AttemptStatsRow, BreakerSettings, ModelGate } from '../store.js';
import type { PgTx } from './transactions.js';

async function ensure(tx: PgTx, model: string): Promise<void> {
  await tx.rows(
    sql`INSERT INTO model_gates (model, updated_at) VALUES (${model}, ${tx.now}) ON CONFLICT (model) DO NOTHING`,
  );
}

async function read(tx: PgTx, model: string): Promise<ModelGate> {
  const row = await tx.row(sql<GateRow>`SELECT * FROM model_gates WHERE model = ${model}`);
  if (!row) throw new Error(`claude-worker store: model gate ${model} vanished`);
  return rowToGate(row, tx.now);
}

export async function listModelGates(tx: PgTx): Promise<ModelGate[]> {
  const rows = await tx.rows(sql<GateRow>`SELECT * FROM model_gates ORDER BY model`);
  return rows.map((row) => rowToGate(row, tx.now));
}

export async function setModelCooldown(
  tx: PgTx,
  model: string,
  until: number,
  reason: string,
): Promise<ModelGate> {
  await ensure(tx, model);
  await tx.rows(sql`
    UPDATE model_gates
    SET cooldown_until = GREATEST(COALESCE(cooldown_until, 0), ${until}), cooldown_reason = ${reason},
        updated_at = ${tx.now}
    WHERE model = ${model}`);
  return read(tx, model);
}

export async function recordModelFailure(
  tx: PgTx,
  model: string,
  settings: BreakerSettings,
  reason: string,
): Promise<ModelGate> {
  await ensure(tx, model);
  // Column references on the right are the old values. A failure while open (a probe, or an attempt that was
  // already running) keeps it open for another cool period.
  await tx.rows(sql`
    UPDATE model_gates
    SET consecutive_failures = consecutive_failures + 1,
        breaker_open = CASE WHEN consecutive_failures + 1 >= ${settings.threshold} OR breaker_open = 1 THEN 1 ELSE 0 END,
        breaker_open_until = CASE WHEN consecutive_failures + 1 >= ${settings.threshold} OR breaker_open = 1
                                  THEN ${tx.now + settings.cool_ms}::bigint ELSE NULL END,
        probe_worker_id = NULL, probe_expires_at = NULL, last_failure = ${reason}, updated_at = ${tx.now}
    WHERE model = ${model}`);
  return read(tx, model);
}

export async function recordModelSuccess(tx: PgTx, model: string): Promise<ModelGate | null> {
  const rows = await tx.rows(sql`
    UPDATE model_gates SET consecutive_failures = 0, breaker_open = 0, breaker_open_until = NULL,
      probe_worker_id = NULL, probe_expires_at = NULL, updated_at = ${tx.now}
    WHERE model = ${model}
    RETURNING model`);
  return rows.length === 0 ? null : read(tx, model);
}

export async function acquireProbe(
  tx: PgTx,
  model: string,
  workerId: string,
  ttlMs: number,
): Promise<boolean> {
  const rows = await tx.rows(sql`
    UPDATE model_gates SET probe_worker_id = ${workerId}, probe_expires_at = ${tx.now + ttlMs}, updated_at = ${tx.now}
    WHERE model = ${model} AND breaker_open = 1 AND breaker_open_until <= ${tx.now}
      AND (probe_worker_id IS NULL OR probe_expires_at <= ${tx.now})
    RETURNING model`);
  return rows.length === 1;
}

export async function releaseProbe(tx: PgTx, model: string, workerId: string): Promise<void> {
  await tx.rows(sql`
    UPDATE model_gates SET probe_worker_id = NULL, probe_expires_at = NULL, updated_at = ${tx.now}
    WHERE model = ${model} AND probe_worker_id = ${workerId}`);
}

export async function attemptStats(tx: PgTx, since: number): Promise<AttemptStatsRow[]> {
  return tx.rows(sql<AttemptStatsRow>`
    SELECT to_char(date_trunc('hour', to_timestamp(a.finished_at / 1000.0) AT TIME ZONE 'UTC'),
                   'YYYY-MM-DD"T"HH24:00:00"Z"') AS hour,
           t.model AS model, COALESCE(a.error::jsonb ->> 'code', 'completed') AS code, count(*)::int AS count
    FROM attempts a JOIN tasks t ON t.id = a.task_id
    WHERE a.finished_at >= ${since}
    GROUP BY 1, 2, 3
    ORDER BY 1, 2, 3`);
}
