/**
 * Cancelling, decided from plain data: a task that has not started is cancelled at once; a running one gets a
 * cancel request (its worker aborts it); asking twice changes nothing; a finished task is a conflict that says what
 * to do instead. An orchestration's cancel cancels its tasks not started and asks its running ones to stop.
 */
import { ClaudeWorkerError } from '../errors.js';
import type { OrchestrationStatus, TaskStatus } from '../vocabulary.js';
import type { RuleEvent } from './attempt-ending.js';
import { describedFailure, failureFor } from './failures.js';
import type { Failure } from '../vocabulary.js';

/** The status_reason of a task cancelled with its orchestration. */
export const CANCELLED_WITH_ORCHESTRATION = 'orchestration cancelled';

export interface CancelTask {
  id: number;
  status: TaskStatus;
  cancel_requested: boolean;
  attempt_count: number;
  worker_id: string | null;
}

export type CancelDecision =
  /** Asked already: nothing to write. */
  | { kind: 'unchanged' }
  /** Running: set cancel_requested; its worker stops it. */
  | { kind: 'request'; event: RuleEvent }
  /** Not started: cancelled now. */
  | { kind: 'cancel'; failure: Failure; event: RuleEvent };

/** Throws `conflict` for a finished task. */
export function decideCancel(task: CancelTask, actor: string): CancelDecision {
  if (task.status === 'running') {
    if (task.cancel_requested) return { kind: 'unchanged' };
    return {
      kind: 'request',
      event: {
        type: 'task_cancel_requested',
        data: { attempt: task.attempt_count, worker_id: task.worker_id },
      },
    };
  }
  if (task.status !== 'waiting' && task.status !== 'queued') throw finishedConflict(task.id, task.status);
  const failure = failureFor('cancelled', `Cancelled on request (${actor}) before it started.`, task.id);
  return { kind: 'cancel', failure, event: { type: 'task_cancelled', data: describedFailure(failure) } };
}

function finishedConflict(id: number, status: TaskStatus): ClaudeWorkerError {
  const next =
    status === 'completed'
      ? `Read its result with \`claude-worker status ${id}\`.`
      : `Run it again with \`claude-worker retry ${id}\`.`;
  return new ClaudeWorkerError('conflict', `Task ${id} already ${status}; nothing to cancel. ${next}`, {
    data: { id, status },
  });
}

/** A task not started, cancelled with its orchestration. */
export function cancelledWithOrchestration(
  taskId: number,
  orchestrationId: number,
  actor: string,
): { failure: Failure; event: RuleEvent } {
  const failure = failureFor(
    'cancelled',
    `Cancelled with orchestration ${orchestrationId} on request (${actor}) before it started.`,
    taskId,
  );
  return {
    failure,
    event: {
      type: 'task_cancelled',
      data: { ...describedFailure(failure), reason: CANCELLED_WITH_ORCHESTRATION },
    },
  };
}

/** Cancelling an orchestration whose every task finished. */
export function orchestrationFinishedConflict(id: number, status: OrchestrationStatus): ClaudeWorkerError {
  return new ClaudeWorkerError(
    'conflict',
    `Orchestration ${id} already ${status}; nothing to cancel. See it with \`claude-worker orchestration-status ${id}\`.`,
    { data: { id, status } },
  );
}
