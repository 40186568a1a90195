/**
 * Kysely as a SQL builder only: queries are compiled to SQL text and run synchronously through better-sqlite3,
 * with prepared statements cached by SQL text. This keeps every store operation synchronous (so it can live inside
 * one `db.transaction(...)`) while dynamic queries (list filters, migrations, partial updates) stay type-checked.
 */
import type BetterSqlite3 from 'better-sqlite3';
import {
  DummyDriver,
  Kysely,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type Compilable,
} from 'kysely';
import type { Database } from './schema.js';

/** A Kysely instance that can build and compile queries but never connects to anything. */
export function compileOnlyKysely(): Kysely<Database> {
  return new Kysely<Database>({
    dialect: {
      createAdapter: () => new SqliteAdapter(),
      createDriver: () => new DummyDriver(),
      createIntrospector: (db) => new SqliteIntrospector(db),
      createQueryCompiler: () => new SqliteQueryCompiler(),
    },
  });
}

/** Enough for every query shape the store builds; beyond it the oldest statement is dropped. */
const MAX_CACHED_STATEMENTS = 200;

type Param = number | string | bigint | Buffer | null;

export class SqlRunner {
  readonly builder = compileOnlyKysely();
  private readonly cache = new Map<string, BetterSqlite3.Statement<Param[]>>();

  constructor(private readonly db: BetterSqlite3.Database) {}

  all<R>(query: Compilable<R>): R[] {
    const { statement, params } = this.prepare(query);
    return statement.all(...params) as R[];
  }

  get<R>(query: Compilable<R>): R | undefined {
    const { statement, params } = this.prepare(query);
    return statement.get(...params) as R | undefined;
  }

  /** Runs a statement that returns no rows (DDL, writes without RETURNING). */
  run(query: Compilable): BetterSqlite3.RunResult {
    const { statement, params } = this.prepare(query);
    return statement.run(...params);
  }

  private prepare(query: Compilable): { statement: BetterSqlite3.Statement<Param[]>; params: Param[] } {
    const compiled = query.compile();
    let statement = this.cache.get(compiled.sql);
    if (!statement) {
      statement = this.db.prepare<Param[]>(compiled.sql);
      if (this.cache.size >= MAX_CACHED_STATEMENTS) {
        const oldest = this.cache.keys().next().value;
        if (oldest !== undefined) this.cache.delete(oldest);
      }
      this.cache.set(compiled.sql, statement);
    }
    return { statement, params: compiled.parameters.map(toParam) };
  }
}

/** better-sqlite3 binds numbers, strings, bigints, buffers and null; booleans become 0/1 as SQLite stores them. */
function toParam(value: unknown): Param {
  if (value === null || typeof value === 'number' || typeof value === 'string' || typeof value === 'bigint') {
    return value;
  }
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (Buffer.isBuffer(value)) return value;
  throw new TypeError(`Cannot bind a ${typeof value} as an SQLite parameter: ${String(value)}`);
}
