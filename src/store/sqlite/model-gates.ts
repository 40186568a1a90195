/**
 * Model gates in SQLite: cool-downs and circuit breakers per model (see ModelGate in store.ts), and attempt
 * statistics for error metrics. Each write is one IMMEDIATE transaction; gates are not task transitions, so they
 * append no event.
 */
import type { AttemptStatsRow, BreakerSettings, ModelGate } from '../store.js';
import type { StoreContext } from './context.js';
import { modelGateFromRow, type ModelGateRecordRow } from '../codec/model-gate-codec.js';

type GateRow = ModelGateRecordRow;

export interface ModelGateOperations {
  list(): ModelGate[];
  setCooldown(model: string, until: number, reason: string): ModelGate;
  recordFailure(model: string, settings: BreakerSettings, reason: string): ModelGate;
  recordSuccess(model: string): ModelGate | null;
  acquireProbe(model: string, workerId: string, ttlMs: number): boolean;
  releaseProbe(model: string, workerId: string): void;
  attemptStats(since: number): AttemptStatsRow[];
}

export function prepareModelGates(ctx: StoreContext): ModelGateOperations {
  const { db } = ctx;
  const selectAll = db.prepare<[], GateRow>('SELECT * FROM model_gates ORDER BY model');
  const selectOne = db.prepare<[string], GateRow>('SELECT * FROM model_gates WHERE model = ?');
  const ensure = db.prepare<[string, number]>(
    'INSERT INTO model_gates (model, updated_at) VALUES (?, ?) ON CONFLICT (model) DO NOTHING',
  );
  const cooldown = db.prepare<[number, string, number, string]>(
    `UPDATE model_gates SET cooldown_until = MAX(COALESCE(cooldown_until, 0), ?), cooldown_reason = ?, updated_at = ?
     WHERE model = ?`,
  );
  // Column references on the right are the old values. A failure while open (a probe, or an attempt that was
  // already running) keeps it open for another cool period.
  const failure = db.prepare<[Record<string, unknown>]>(
    `UPDATE model_gates
     SET consecutive_failures = consecutive_failures + 1,
         breaker_open = CASE WHEN consecutive_failures + 1 >= @threshold OR breaker_open = 1 THEN 1 ELSE 0 END,
         breaker_open_until = CASE WHEN consecutive_failures + 1 >= @threshold OR breaker_open = 1
                                   THEN @open_until ELSE NULL END,
         probe_worker_id = NULL, probe_expires_at = NULL, last_failure = @reason, updated_at = @now
     WHERE model = @model`,
  );
  const success = db.prepare<[number, string]>(
    `UPDATE model_gates SET consecutive_failures = 0, breaker_open = 0, breaker_open_until = NULL,
       probe_worker_id = NULL, probe_expires_at = NULL, updated_at = ?
     WHERE model = ?`,
  );
  const probe = db.prepare<[string, number, number, string, number, number]>(
    `UPDATE model_gates SET probe_worker_id = ?, probe_expires_at = ?, updated_at = ?
     WHERE model = ? AND breaker_open = 1 AND breaker_open_until <= ?
       AND (probe_worker_id IS NULL OR probe_expires_at <= ?)`,
  );
  const release = db.prepare<[number, string, string]>(
    'UPDATE model_gates SET probe_worker_id = NULL, probe_expires_at = NULL, updated_at = ? WHERE model = ? AND probe_worker_id = ?',
  );
  const stats = db.prepare<[number], AttemptStatsRow>(
    `SELECT strftime('%Y-%m-%dT%H:00:00Z', a.finished_at / 1000, 'unixepoch') AS hour, t.model AS model,
            COALESCE(json_extract(a.error, '$.code'), 'completed') AS code, COUNT(*) AS count
     FROM attempts a JOIN tasks t ON t.id = a.task_id
     WHERE a.finished_at >= ?
     GROUP BY hour, t.model, code
     ORDER BY hour, t.model, code`,
  );

  const write = <T>(work: (now: number) => T): T => ctx.tx.write(() => work(Date.now()));
  const read = (model: string, now: number): ModelGate => modelGateFromRow(selectOne.get(model)!, now);

  return {
    list: () => {
      const now = Date.now();
      return selectAll.all().map((row) => modelGateFromRow(row, now));
    },
    setCooldown: (model, until, reason) =>
      write((now) => {
        ensure.run(model, now);
        cooldown.run(until, reason, now, model);
        return read(model, now);
      }),
    recordFailure: (model, settings, reason) =>
      write((now) => {
        ensure.run(model, now);
        failure.run({
          threshold: settings.threshold,
          open_until: now + settings.cool_ms,
          reason,
          now,
          model,
        });
        return read(model, now);
      }),
    recordSuccess: (model) =>
      write((now) => {
        if (!selectOne.get(model)) return null;
        success.run(now, model);
        return read(model, now);
      }),
    acquireProbe: (model, workerId, ttlMs) =>
      write((now) => probe.run(workerId, now + ttlMs, now, model, now, now).changes === 1),
    releaseProbe: (model, workerId) => write((now) => void release.run(now, model, workerId)),
    attemptStats: (since) => stats.all(since),
  };
}
