/**
 * Statistics per UTC day for the dashboard's charts: tasks finished by final status, cost, per model, and failed
 * attempts by failure class. The store sums in SQL (one row per day, model and status); this fills in the days
 * without work, so a chart gets one entry per day, oldest first, today last.
 */
import type { DailyStats, DailyStatsDay } from '../contract/dashboard-schemas.js';
import type { Store } from '../store/store.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const FINAL_STATUSES = ['completed', 'failed', 'cancelled', 'skipped'] as const;

function emptyDay(date: string): DailyStatsDay {
  return {
    date,
    tasks: Object.fromEntries(FINAL_STATUSES.map((s) => [s, 0])),
    cost_usd: 0,
    by_model: {},
    failure_classes: {},
  };
}

/** The last `days` UTC days up to and including today's. */
export async function dailyStats(store: Store, days: number, now = new Date()): Promise<DailyStats> {
  const today = Math.floor(now.getTime() / DAY_MS) * DAY_MS;
  const first = today - (days - 1) * DAY_MS;
  const byDate = new Map<string, DailyStatsDay>();
  for (let at = first; at <= today; at += DAY_MS) {
    const date = new Date(at).toISOString().slice(0, 10);
    byDate.set(date, emptyDay(date));
  }
  const rows = await store.dailyStats(new Date(first));
  for (const row of rows.tasks) {
    const day = byDate.get(row.date);
    if (!day) continue; // finished "in the future" by a skewed clock: not part of any day shown
    day.tasks[row.status] = (day.tasks[row.status] ?? 0) + row.tasks;
    day.cost_usd += row.cost_usd;
    const model = (day.by_model[row.model] ??= { tasks: 0, cost_usd: 0 });
    model.tasks += row.tasks;
    model.cost_usd += row.cost_usd;
  }
  for (const row of rows.failures) {
    if (row.code === 'cancelled') continue; // asked for, not a failure
    const day = byDate.get(row.date);
    if (day) day.failure_classes[row.code] = (day.failure_classes[row.code] ?? 0) + row.count;
  }
  return { days: [...byDate.values()] };
}
