/**
 * Error metrics: attempt outcomes over a window, by failure class (with its title and the suggestion for it), by
 * model, and by hour. Feeds `GET /api/v1/stats` and `claude-worker stats`.
 */
import { FAILURE_CLASSES } from '../domain/failure-codes.js';
import type { FailureCode } from '../domain/vocabulary.js';
import type { AttemptStatsRow, Store } from '../store/store.js';

export interface ErrorStats {
  since: string;
  until: string;
  attempts: number;
  succeeded: number;
  failed: number;
  by_code: { code: string; title: string; retryable: boolean; suggestion: string; count: number }[];
  by_model: { model: string; attempts: number; failed: number }[];
  by_hour: AttemptStatsRow[];
}

export async function errorStats(store: Store, hours: number, now = new Date()): Promise<ErrorStats> {
  const since = new Date(now.getTime() - hours * 3600_000);
  const rows = await store.attemptStats(since);
  const byCode = new Map<string, number>();
  const byModel = new Map<string, { attempts: number; failed: number }>();
  let succeeded = 0;
  let attempts = 0;
  for (const row of rows) {
    attempts += row.count;
    const model = byModel.get(row.model) ?? { attempts: 0, failed: 0 };
    model.attempts += row.count;
    if (row.code === 'completed' || row.code === 'succeeded') succeeded += row.count;
    else {
      model.failed += row.count;
      byCode.set(row.code, (byCode.get(row.code) ?? 0) + row.count);
    }
    byModel.set(row.model, model);
  }
  return {
    since: since.toISOString(),
    until: now.toISOString(),
    attempts,
    succeeded,
    failed: attempts - succeeded,
    by_code: [...byCode]
      .sort((a, b) => b[1] - a[1])
      .map(([code, count]) => {
        const info = FAILURE_CLASSES[code as FailureCode];
        return {
          code,
          title: info?.title ?? code,
          retryable: info?.retryable ?? false,
          suggestion: info?.suggestion ?? '',
          count,
        };
      }),
    by_model: [...byModel]
      .map(([model, counts]) => ({ model, ...counts }))
      .sort((a, b) => b.attempts - a.attempts),
    by_hour: rows,
  };
}
