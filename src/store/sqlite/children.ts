/**
 * The Claude Code process of an attempt: recordChild notes its pid, start-time token and host while the attempt
 * runs (not a transition, no event); recordOrphanStopped stamps the attempt whose process outlived its worker and
 * was stopped, and appends an `orphan_stopped` event, in one transaction.
 */
import type { Actor, AttemptChild, TaskStatus } from '../../domain/vocabulary.js';
import type { StoreContext } from './context.js';

const RECORD_CHILD = `
  UPDATE attempts SET child_pid = @pid, child_start = @start, child_host = @host
  WHERE task_id = @task_id AND number = @attempt AND status = 'running'`;

const STAMP_STOPPED = `
  UPDATE attempts SET orphan_stopped_at = @now WHERE task_id = @task_id AND number = @attempt`;

export function prepareChildren(ctx: StoreContext) {
  const recordChild = ctx.db.prepare(RECORD_CHILD);
  const stampStopped = ctx.db.prepare(STAMP_STOPPED);
  return {
    recordChild(taskId: number, attempt: number, child: AttemptChild): void {
      ctx.tx.write(() => {
        recordChild.run({ task_id: taskId, attempt, pid: child.pid, start: child.start, host: child.host });
      });
    },
    recordOrphanStopped(taskId: number, attempt: number, data: Record<string, unknown>, actor: Actor): void {
      ctx.tx.write(() => {
        const row = ctx.taskRow(taskId);
        if (!row) return;
        const now = Date.now();
        if (stampStopped.run({ task_id: taskId, attempt, now }).changes === 0) return;
        const status = row.status as TaskStatus;
        ctx.tx.append(
          {
            type: 'orphan_stopped',
            task_id: taskId,
            orchestration_id: row.orchestration_id,
            from_status: status,
            to_status: status,
            actor: actor.actor,
            correlation_id: actor.correlation_id ?? null,
            data: { attempt, ...data },
          },
          now,
        );
      });
    },
  };
}
