/**
 * max_parallel at claim time. When no unfinished orchestration limits its parallelism (the usual case, and every
 * plain task), `pick` returns null and the claim runs its one-statement fast path. Otherwise it picks the ids to
 * claim in claim order, skipping orchestrations already at their limit and counting the tasks taken in this same
 * batch: a few small queries, each re-query only after another orchestration filled up.
 */
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
    const free = new Map(limited.map((c) => [c.id, c.free]));
    const full = limited.filter((c) => c.free <= 0).map((c) => c.id);
    const chosen: number[] = [];
    for (;;) {
      const wanted = request.limit - chosen.length;
      const rows = candidates.all({
        ...request,
        limit: wanted,
        full: JSON.stringify(full),
        chosen: JSON.stringify(chosen),
      });
      let passedOver = false;
      for (const row of rows) {
        const left = row.orchestration_id === null ? undefined : free.get(row.orchestration_id);
        if (left !== undefined) {
          if (left <= 0) {
            passedOver = true;
            continue;
          }
          free.set(row.orchestration_id!, left - 1);
          if (left === 1) full.push(row.orchestration_id!);
        }
        chosen.push(row.id);
      }
      // Fewer rows than asked: nothing more is ready. None passed over: the batch is as full as it gets.
      if (rows.length < wanted || !passedOver || chosen.length >= request.limit) return chosen;
    }
  };
}
