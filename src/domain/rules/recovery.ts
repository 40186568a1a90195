/**
 * What recovery does with a running task whose worker is gone (known dead, or its lease expired): its attempt ends
 * `interrupted` and does not count against max_attempts (the worker's death is not the task's doing), and the task
 * is requeued at once to resume its Claude session. Two exceptions: a cancel request wins, and a task interrupted
 * by a dying worker `max_interruptions` times in a row fails as `worker_lost` (a poison task that brings its worker
 * down each time must not take every worker down forever). Pure: the store applies the decision.
 */
import type { RuleEvent } from './attempt-ending.js';
import { describedFailure, failureFor } from './failures.js';
import type { Failure, TaskStatus } from '../vocabulary.js';

/** The default of the `max_interruptions` setting. */
export const DEFAULT_MAX_INTERRUPTIONS = 10;

/** Why the worker is considered gone. */
export type RecoveryCause =
  { kind: 'worker_gone'; worker_id: string } | { kind: 'lease_expired'; lease_expires_at: string | null };

export interface RecoveryTask {
  id: number;
  attempt_count: number;
  worker_id: string | null;
  cancel_requested: boolean;
  /** Attempts in a row interrupted by a stopped worker before this one. */
  interruptions: number;
}

export interface RecoveryDecision {
  status: TaskStatus;
  /** The error stored on the interrupted attempt. */
  attempt_error: Failure;
  /** The error stored on the task. */
  error: Failure;
  /** The interrupted attempt never counts against max_attempts. */
  counted: false;
  interruptions: number;
  /** Appended in order: `task_recovered`, then `task_failed` or `task_cancelled` when the task ended. */
  events: RuleEvent[];
}

export function decideRecovery(
  task: RecoveryTask,
  cause: RecoveryCause,
  maxInterruptions: number = DEFAULT_MAX_INTERRUPTIONS,
): RecoveryDecision {
  const reason =
    cause.kind === 'worker_gone'
      ? `its worker ${cause.worker_id} is no longer running`
      : `its lease expired${cause.lease_expires_at ? ` at ${cause.lease_expires_at}` : ''} without renewal`;
  const interruptions = task.interruptions + 1;
  const attemptError = failureFor(
    'interrupted',
    `The worker running attempt ${task.attempt_count} stopped: ${reason}. ` +
      'The attempt does not count against max_attempts.',
    task.id,
  );
  const recovered: RuleEvent = {
    type: 'task_recovered',
    data: {
      attempt: task.attempt_count,
      worker_id: task.worker_id,
      reason: cause.kind,
      attempt_not_counted: true,
      interruptions,
    },
  };
  const ended = (status: TaskStatus, error: Failure): RecoveryDecision => ({
    status,
    attempt_error: attemptError,
    error,
    counted: false,
    interruptions,
    events: [
      recovered,
      {
        type: status === 'cancelled' ? 'task_cancelled' : 'task_failed',
        data: { attempt: task.attempt_count, ...describedFailure(error) },
      },
    ],
  });

  if (task.cancel_requested) {
    return ended(
      'cancelled',
      failureFor(
        'cancelled',
        `Cancelled on request; attempt ${task.attempt_count} ended when ${reason}.`,
        task.id,
      ),
    );
  }
  if (interruptions >= maxInterruptions) {
    return ended(
      'failed',
      failureFor(
        'worker_lost',
        `Interrupted by a dying worker ${interruptions} times in a row (the last: attempt ${task.attempt_count}, ` +
          `${reason}): the task may be crashing the worker. It is not run again on its own ` +
          `(max_interruptions is ${maxInterruptions}).`,
        task.id,
      ),
    );
  }
  return {
    status: 'queued',
    attempt_error: attemptError,
    error: attemptError,
    counted: false,
    interruptions,
    events: [recovered],
  };
}

/** A running task's row as both stores read it for recovery (times in epoch ms, flags 0/1). */
export interface RecoveryRow {
  id: number;
  attempt_count: number;
  worker_id: string | null;
  cancel_requested: number;
  interruptions: number;
  lease_expires_at: number | null;
}

/**
 * Why a running task is recovered (its worker is among the dead, else its lease ran out) and what follows: the one
 * step from a stored row to decideRecovery, shared by both stores.
 */
export function decideRecoveryOfRow(
  row: RecoveryRow,
  deadWorkers: readonly string[],
  maxInterruptions?: number,
): RecoveryDecision {
  const why: RecoveryCause =
    row.worker_id !== null && deadWorkers.includes(row.worker_id)
      ? { kind: 'worker_gone', worker_id: row.worker_id }
      : {
          kind: 'lease_expired',
          lease_expires_at:
            row.lease_expires_at === null ? null : new Date(row.lease_expires_at).toISOString(),
        };
  return decideRecovery(
    {
      id: row.id,
      attempt_count: row.attempt_count,
      worker_id: row.worker_id,
      cancel_requested: row.cancel_requested !== 0,
      interruptions: row.interruptions,
    },
    why,
    maxInterruptions,
  );
}
