/**
 * What the end of an attempt means for its task, decided from plain data: the task's new status, the attempt's
 * status, the error to keep, the event to append, when a requeued task may start, whether the attempt counts
 * against max_attempts, and the task's new count of interruptions in a row. Every store calls it inside its fenced
 * finish; it reads and writes nothing.
 */
import { describedFailure, failureFor } from './failures.js';
import type { AttemptStatus, EventType, Failure, TaskStatus } from '../vocabulary.js';

/**
 * Why a requeued attempt does not count against max_attempts: it only waited out a rate limit, or its worker
 * stopped (shut down) under it. Neither is the task's doing.
 */
export type UncountedReason = 'rate_limit' | 'worker_stopped';

/** What the worker learned from one attempt. */
export type AttemptOutcome =
  | { kind: 'completed' }
  | { kind: 'failed'; failure: Failure }
  | { kind: 'cancelled'; failure: Failure }
  /** Attempt ended but the task runs again (interrupted, or a retry later): back to `queued` at `run_after`. */
  | { kind: 'requeued'; failure: Failure; run_after: Date; not_counted?: UncountedReason };

/** The task as its fenced finish reads it. */
export interface EndingTask {
  id: number;
  cancel_requested: boolean;
  /** Attempts in a row interrupted by a stopped worker, before this one ended. */
  interruptions: number;
}

/** What the worker reports. */
export interface EndingFinish {
  attempt: number;
  outcome: AttemptOutcome;
  duration_ms: number;
  num_turns: number | null;
  cost_usd: number | null;
}

export interface RuleEvent {
  type: EventType;
  data: Record<string, unknown>;
}

export interface AttemptEnding {
  status: TaskStatus;
  attempt_status: AttemptStatus;
  error: Failure | null;
  event: RuleEvent;
  /** For a requeued task: the earliest next start. */
  run_after: Date | null;
  /** False: the attempt does not count against max_attempts. */
  counted: boolean;
  /** The task's interruptions in a row after this ending. */
  interruptions: number;
}

/** A requeue of a task someone asked to cancel cancels it. */
export function decideAttemptEnding(task: EndingTask, finish: EndingFinish): AttemptEnding {
  const { outcome } = finish;
  const settled = { run_after: null, counted: true, interruptions: 0 };
  switch (outcome.kind) {
    case 'completed':
      return {
        ...settled,
        status: 'completed',
        attempt_status: 'succeeded',
        error: null,
        event: {
          type: 'task_completed',
          data: {
            attempt: finish.attempt,
            duration_ms: finish.duration_ms,
            num_turns: finish.num_turns,
            cost_usd: finish.cost_usd,
          },
        },
      };
    case 'failed':
    case 'cancelled':
      return {
        ...settled,
        status: outcome.kind,
        attempt_status: outcome.kind,
        error: outcome.failure,
        event: {
          type: outcome.kind === 'failed' ? 'task_failed' : 'task_cancelled',
          data: { attempt: finish.attempt, ...describedFailure(outcome.failure) },
        },
      };
    case 'requeued': {
      const attemptStatus: AttemptStatus = outcome.failure.code === 'interrupted' ? 'interrupted' : 'failed';
      const counted = outcome.not_counted === undefined;
      // A shutdown neither adds to nor clears the interruptions in a row: it says nothing about the task.
      const interruptions = outcome.not_counted === 'worker_stopped' ? task.interruptions : 0;
      if (task.cancel_requested) {
        const failure = failureFor(
          'cancelled',
          `Cancelled on request while attempt ${finish.attempt} was ending (${outcome.failure.message}).`,
          task.id,
        );
        return {
          status: 'cancelled',
          attempt_status: attemptStatus,
          error: failure,
          event: { type: 'task_cancelled', data: { attempt: finish.attempt, ...describedFailure(failure) } },
          run_after: null,
          counted,
          interruptions,
        };
      }
      return {
        status: 'queued',
        attempt_status: attemptStatus,
        error: outcome.failure,
        event: {
          type: 'task_requeued',
          data: {
            attempt: finish.attempt,
            ...describedFailure(outcome.failure),
            run_after: outcome.run_after.toISOString(),
            ...(counted ? {} : { attempt_not_counted: true, not_counted_reason: outcome.not_counted }),
          },
        },
        run_after: outcome.run_after,
        counted,
        interruptions,
      };
    }
  }
}
