/**
 * The task state machine: which status may follow which. Stores check transitions against it so that no code path
 * can, say, complete a cancelled task.
 */
import { TERMINAL_STATUSES, type TaskStatus } from './vocabulary.js';

const ALLOWED: Record<TaskStatus, readonly TaskStatus[]> = {
  waiting: ['queued', 'cancelled', 'skipped'],
  queued: ['running', 'cancelled', 'skipped', 'waiting'],
  // running → queued: a retry, or an interrupted attempt (lease expired, shutdown) requeued.
  running: ['completed', 'failed', 'cancelled', 'queued'],
  // A person may run a finished task again (`retry`); skipped dependents then wait again.
  completed: [],
  failed: ['queued', 'waiting'],
  cancelled: ['queued', 'waiting'],
  skipped: ['queued', 'waiting'],
};

export function isTerminal(status: TaskStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}

export function canTransition(from: TaskStatus, to: TaskStatus): boolean {
  return ALLOWED[from].includes(to);
}

/** Statuses from which `retry` is allowed. */
export const RETRYABLE_STATUSES: readonly TaskStatus[] = ['failed', 'cancelled', 'skipped'];

/** Statuses from which `cancel` is allowed (running ones are aborted first). */
export const CANCELLABLE_STATUSES: readonly TaskStatus[] = ['waiting', 'queued', 'running'];
