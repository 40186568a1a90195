/**
 * What every store operation shares: the connection, the write-transaction runner with its event record, the
 * Kysely-backed runner for dynamic queries, and the one statement nearly all of them need (a task by id).
 * Operations are built once after migration (their statements prepared then) and are synchronous inside.
 */
import type BetterSqlite3 from 'better-sqlite3';
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

export { assertTransition, workerActor } from '../shared/transitions.js';
