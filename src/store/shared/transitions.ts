/**
 * What both stores' operations share about transitions: the actor recorded for a worker's writes, and the guard
 * that a write follows the state machine (a violation is a bug in a store, never a user error).
 */
import { canTransition } from '../../domain/state-machine.js';
import type { TaskStatus } from '../../domain/vocabulary.js';

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
