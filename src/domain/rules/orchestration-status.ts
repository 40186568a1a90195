/**
 * An orchestration's derived status, from its task counts and two flags. Stores that filter lists by status in SQL
 * must say the same thing (sqlite/orchestrations/summary.ts keeps that expression beside a pointer here).
 */
import { TASK_STATUSES, type OrchestrationStatus, type TaskStatus } from '../vocabulary.js';

export interface OrchestrationFlags {
  cancel_requested: boolean;
  budget_exhausted: boolean;
}

/**
 * pending: nothing ran or finished yet; running: some task unfinished; once all finished: cancelled (it was
 * cancelled), failed (a task failed or was cancelled, or the budget ran out), else completed.
 */
export function orchestrationStatus(
  counts: Record<TaskStatus, number>,
  flags: OrchestrationFlags,
): OrchestrationStatus {
  const total = TASK_STATUSES.reduce((sum, s) => sum + counts[s], 0);
  const unfinished = counts.waiting + counts.queued + counts.running;
  if (total === 0) return 'pending';
  if (unfinished > 0) return counts.running > 0 || unfinished < total ? 'running' : 'pending';
  if (flags.cancel_requested) return 'cancelled';
  if (flags.budget_exhausted || counts.failed + counts.cancelled > 0) return 'failed';
  return 'completed';
}

export function emptyCounts(): Record<TaskStatus, number> {
  return Object.fromEntries(TASK_STATUSES.map((s) => [s, 0])) as Record<TaskStatus, number>;
}

/** Dollars as people read them: cents from $1 up, up to four decimals below. */
export function dollars(value: number): string {
  return value >= 1 ? `$${value.toFixed(2)}` : `$${Number(value.toFixed(4))}`;
}
