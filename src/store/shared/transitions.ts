/**
 * What both stores' operations share about transitions: the actor recorded for a worker's writes, the guard that a
 * write follows the state machine (a violation is a bug in a store, never a user error), and the event of an
 * attempt's ending.
 */
import type { AttemptEnding } from '../../domain/rules/attempt-ending.js';
import { canTransition } from '../../domain/state-machine.js';
import type { TaskEvent, TaskStatus } from '../../domain/vocabulary.js';

/** The actor recorded for writes made by a worker. */
export function workerActor(workerId: string): string {
  return `worker:${workerId}`;
}

/** Guards a transition against the state machine; a violation is a bug in the store, never a user error. */
export function assertTransition(taskId: number, from: TaskStatus, to: TaskStatus): void {
  if (!canTransition(from, to)) {
    throw new Error(`claude-worker store: task ${taskId} cannot go from ${from} to ${to}`);
  }
}

/** The event an attempt's ending appends (what it means was decided by domain/rules/attempt-ending.ts). */
export function endingEvent(
  task: { id: number; orchestration_id: number | null },
  workerId: string,
  ending: AttemptEnding,
): Omit<TaskEvent, 'id' | 'created_at'> {
  return {
    type: ending.event.type,
    task_id: task.id,
    orchestration_id: task.orchestration_id,
    from_status: 'running',
    to_status: ending.status,
    actor: workerActor(workerId),
    correlation_id: null,
    data: ending.event.data,
  };
}
