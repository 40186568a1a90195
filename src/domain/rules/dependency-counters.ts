/**
 * The counters a task of an orchestration keeps about its dependencies (unfinished, and how the finished ones
 * ended), and how one dependency's change moves them: a dependency that finished (pending −1, its outcome +1) or
 * was reopened by a retry (the reverse). Stores keep the counters as columns and update them in the finishing
 * transaction; the trigger rule (domain/trigger-rules.ts) reads them as `DependencyCounts`.
 */
import type { DependencyCounts } from '../trigger-rules.js';
import type { TaskStatus } from '../vocabulary.js';

export interface DependencyCounters {
  pending_dependencies: number;
  deps_succeeded: number;
  deps_failed: number;
  deps_skipped: number;
  deps_cancelled: number;
}

export function countsOf(row: DependencyCounters): DependencyCounts {
  const finished = row.deps_succeeded + row.deps_failed + row.deps_skipped + row.deps_cancelled;
  return {
    succeeded: row.deps_succeeded,
    failed: row.deps_failed,
    skipped: row.deps_skipped,
    cancelled: row.deps_cancelled,
    finished,
    total: finished + row.pending_dependencies,
  };
}

/** Signed changes to apply to every dependent of task `id`. */
export interface CounterChange {
  id: number;
  pending: number;
  succeeded: number;
  failed: number;
  skipped: number;
  cancelled: number;
}

/** `reopened`: the task left `status` (a retry); otherwise it just reached `status`. */
export function counterChange(id: number, status: TaskStatus, reopened: boolean): CounterChange {
  const sign = reopened ? -1 : 1;
  const outcome = (s: TaskStatus) => (status === s ? sign : 0);
  return {
    id,
    pending: -sign,
    succeeded: outcome('completed'),
    failed: outcome('failed'),
    skipped: outcome('skipped'),
    cancelled: outcome('cancelled'),
  };
}
