/**
 * Daily statistics in SQLite: finished tasks by UTC day, model and status with their cost, and failed attempts by
 * UTC day and failure code. Reads the finished_at indexes of tasks and attempts, so it touches only the window.
 */
import type { DailyFailureRow, DailyTaskRow } from '../store.js';
import type { StoreContext } from './context.js';

export function prepareDailyStats(ctx: StoreContext) {
  const tasks = ctx.db.prepare<[number], DailyTaskRow>(
    `SELECT strftime('%Y-%m-%d', (finished_at / 86400000) * 86400, 'unixepoch') AS date, model, status,
            count(*) AS tasks, COALESCE(sum(cost_usd), 0) AS cost_usd
     FROM tasks INDEXED BY tasks_finished_at
     WHERE finished_at >= ? AND finished_at IS NOT NULL
     GROUP BY finished_at / 86400000, model, status ORDER BY 1, 2, 3`,
  );
  const failures = ctx.db.prepare<[number], DailyFailureRow>(
    `SELECT strftime('%Y-%m-%d', (finished_at / 86400000) * 86400, 'unixepoch') AS date,
            COALESCE(json_extract(error, '$.code'), 'unknown') AS code, count(*) AS count
     FROM attempts
     WHERE finished_at >= ? AND error IS NOT NULL
     GROUP BY finished_at / 86400000, 2 ORDER BY 1, 2`,
  );
  return (since: number): { tasks: DailyTaskRow[]; failures: DailyFailureRow[] } => ({
    tasks: tasks.all(since),
    failures: failures.all(since),
  });
}
