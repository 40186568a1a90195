/**
 * recordProgress: the latest action, turns, cost and session of a running attempt. Not a transition, so no event.
 * Applies only while that attempt is the task's current, running one (a late write from an attempt that was
 * already taken over changes nothing). The live cost shown on the task is the earlier attempts' plus this one's.
 */
import type { Progress } from '../store.js';
import type { StoreContext } from './context.js';

const ATTEMPT_PROGRESS = `
  UPDATE attempts
  SET num_turns = COALESCE(@num_turns, num_turns), cost_usd = COALESCE(@cost_usd, cost_usd),
      session_id = COALESCE(@session_id, session_id)
  WHERE task_id = @task_id AND number = @attempt AND status = 'running'`;

const TASK_PROGRESS = `
  UPDATE tasks
  SET last_action = @last_action, last_action_at = @now,
      num_turns = COALESCE(@num_turns, num_turns), session_id = COALESCE(@session_id, session_id),
      cost_usd = CASE WHEN @cost_usd IS NULL THEN cost_usd
                      ELSE (SELECT TOTAL(a.cost_usd) FROM attempts a WHERE a.task_id = @task_id) END
  WHERE id = @task_id AND status = 'running' AND attempt_count = @attempt`;

export function prepareRecordProgress(
  ctx: StoreContext,
): (taskId: number, attempt: number, progress: Progress) => void {
  const attemptProgress = ctx.db.prepare(ATTEMPT_PROGRESS);
  const taskProgress = ctx.db.prepare(TASK_PROGRESS);

  return (taskId, attempt, progress) => {
    const params = {
      task_id: taskId,
      attempt,
      num_turns: progress.num_turns ?? null,
      cost_usd: progress.cost_usd ?? null,
      session_id: progress.session_id ?? null,
    };
    const hasAttemptFields =
      params.num_turns !== null || params.cost_usd !== null || params.session_id !== null;
    ctx.tx.write(() => {
      // The attempt first: the task's cost is summed from the attempt rows.
      if (hasAttemptFields) attemptProgress.run(params);
      taskProgress.run({ ...params, last_action: progress.last_action, now: Date.now() });
    });
  };
}
