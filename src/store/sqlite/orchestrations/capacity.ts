/**
 * max_parallel at claim time (the bookkeeping: domain/rules/capacity.ts). When no unfinished orchestration limits its parallelism (the usual case, and every
 * plain task), `pick` returns null and the claim runs its one-statement fast path. Otherwise it picks the ids to
 * claim in claim order, skipping orchestrations already at their limit and counting the tasks taken in this same
 * batch: a few small queries, each re-query only after another orchestration filled up.
 */
import { capacityState, takeWithinCapacity } from '../../../domain/rules/capacity.js';
import type { StoreContext } from '../context.js';

export interface PickRequest {
  now: number;
  limit: number;
  exclude_models: string;
  only_models: string | null;
  /** JSON array of the claiming worker's labels. */
  labels: string;
}

export type PickTasks = (request: PickRequest) => number[] | null;

/** `ready` is the claim's condition on a queued task (with @now, @exclude_models, @only_models, @labels). */
export function prepareCapacity(ctx: StoreContext, ready: string): PickTasks {
  const caps = ctx.db.prepare<[], { id: number; free: number }>(`
    SELECT o.id,
           o.max_parallel - (SELECT COUNT(*) FROM tasks t WHERE t.orchestration_id = o.id AND t.status = 'running')
             AS free
    FROM orchestrations o INDEXED BY orchestrations_capped_open
    WHERE o.finished_at IS NULL AND o.max_parallel IS NOT NULL`);
  const candidates = ctx.db.prepare<
    [PickRequest & { full: string; chosen: string }],
    { id: number; orchestration_id: number | null }
  >(`
    SELECT id, orchestration_id FROM tasks INDEXED BY tasks_ready
    WHERE ${ready}
      AND (orchestration_id IS NULL OR orchestration_id NOT IN (SELECT value FROM json_each(@full)))
      AND id NOT IN (SELECT value FROM json_each(@chosen))
    ORDER BY priority DESC, id
    LIMIT @limit`);

  return (request) => {
    const limited = caps.all();
    if (limited.length === 0) return null;
    const state = capacityState(limited);
    for (;;) {
      const rows = candidates.all({
        ...request,
        limit: request.limit - state.chosen.length,
        full: JSON.stringify(state.full),
        chosen: JSON.stringify(state.chosen),
      });
      if (takeWithinCapacity(state, rows, request.limit)) return state.chosen;
    }
  };
}
