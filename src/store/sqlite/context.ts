/**
 * What every store operation shares: the connection, the write-transaction runner with its event record, the
 * Kysely-backed runner for dynamic queries, and the one statement nearly all of them need (a task by id).
 * Operations are built once after migration (their statements prepared then) and are synchronous inside.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { canTransition } from '../../domain/state-machine.js';
import type { TaskStatus } from '../../domain/vocabulary.js';
import { prepareRows } from './named-rows.js';
import type { TaskRow } from './schema.js';
import type { SqlRunner } from './sql-runner.js';
import type { Transactions } from './transactions.js';

export interface StoreContext {
  db: BetterSqlite3.Database;
  tx: Transactions;
  sql: SqlRunner;
  taskRow(id: number): TaskRow | undefined;
}

export function taskRowReader(db: BetterSqlite3.Database): (id: number) => TaskRow | undefined {
  const select = prepareRows<[number], TaskRow>(db, 'SELECT * FROM tasks WHERE id = ?');
  return (id) => select.get(id);
}

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
