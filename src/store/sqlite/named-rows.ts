/**
 * Reads wide rows as arrays (better-sqlite3's raw mode) and names the columns in JS. With the forty-odd columns of
 * a task this is markedly cheaper than letting the driver build each row object, and claim and finish read one
 * full task row per task.
 */
import type BetterSqlite3 from 'better-sqlite3';

export interface RowStatement<P extends unknown[], R> {
  get(...params: P): R | undefined;
  all(...params: P): R[];
}

export function prepareRows<P extends unknown[], R>(
  db: BetterSqlite3.Database,
  sql: string,
): RowStatement<P, R> {
  const statement = db.prepare<P, unknown[]>(sql).raw(true);
  const columns = statement.columns().map((c) => c.name);
  // One object literal with every column: each row gets the same hidden class, built in one step. The names are our
  // own schema's columns (JSON-quoted), never user input.
  const body = `return {${columns.map((name, i) => `${JSON.stringify(name)}: values[${i}]`).join(', ')}};`;
  const named = new Function('values', body) as (values: unknown[]) => R;
  return {
    get: (...params) => {
      const values = statement.get(...params);
      return values === undefined ? undefined : named(values);
    },
    all: (...params) => statement.all(...params).map(named),
  };
}
