/**
 * renewLeases: a worker's heartbeat. Extends the lease of every listed task it still holds, tells it which of those
 * someone asked to cancel, and which it no longer holds (recovered or finished elsewhere) so it aborts them
 * without writing. One UPDATE … RETURNING; no event (a renewal is not a transition).
 */
import type { LeaseRenewal } from '../store.js';
import type { StoreContext } from './context.js';

const RENEW = `
  UPDATE tasks
  SET lease_expires_at = @lease_expires_at
  WHERE status = 'running' AND worker_id = @worker_id AND id IN (SELECT value FROM json_each(@ids))
  RETURNING id, cancel_requested`;

export function prepareRenewLeases(
  ctx: StoreContext,
): (workerId: string, taskIds: number[], leaseMs: number) => LeaseRenewal {
  const renew = ctx.db.prepare<[Record<string, unknown>], { id: number; cancel_requested: number }>(RENEW);

  return (workerId, taskIds, leaseMs) => {
    if (taskIds.length === 0) return { held: [], cancel_requested: [], lost: [] };
    const rows = renew.all({
      worker_id: workerId,
      lease_expires_at: Date.now() + leaseMs,
      ids: JSON.stringify(taskIds),
    });
    const held = new Set(rows.map((r) => r.id));
    return {
      held: taskIds.filter((id) => held.has(id)),
      cancel_requested: rows
        .filter((r) => r.cancel_requested !== 0)
        .map((r) => r.id)
        .sort((a, b) => a - b),
      lost: taskIds.filter((id) => !held.has(id)),
    };
  };
}
