/**
 * PostgreSQL for tests: the server named by CLAUDE_WORKER_TEST_DATABASE_URL (default the local `test` database),
 * and a fresh schema per store, dropped afterwards (pg-boss isolates its tests the same way).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';

export const TEST_DATABASE_URL =
  process.env['CLAUDE_WORKER_TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

export function freshSchemaName(): string {
  return `cw_test_${randomBytes(6).toString('hex')}`;
}

/** Runs one statement on its own connection (setup and cleanup), in the test database or the one `url` names. */
export async function adminQuery(
  text: string,
  params: unknown[] = [],
  url = TEST_DATABASE_URL,
): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(text, params);
  } finally {
    await client.end();
  }
}

/**
 * Ends every connection to `database` (but the one asking), or only those of one application: what a PostgreSQL
 * restart or a network cut does to a pool. Returns how many were ended.
 */
export async function cutConnections(database: string, application?: string): Promise<number> {
  const result = await adminQuery(
    `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
     WHERE datname = $1 AND ($2::text IS NULL OR application_name = $2) AND pid <> pg_backend_pid()`,
    [database, application ?? null],
  );
  return result.rowCount ?? 0;
}

export async function dropSchema(schema: string): Promise<void> {
  await adminQuery(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
}

/** A store on a new schema (not migrated yet) and the cleanup that closes it and drops the schema. */
export function openPostgresStore(
  schema = freshSchemaName(),
  poolSize = 4,
): { store: PostgresStore; schema: string; cleanup: () => Promise<void> } {
  const store = new PostgresStore({ connectionString: TEST_DATABASE_URL, schema, poolSize });
  return {
    store,
    schema,
    cleanup: async () => {
      await store.close();
      await dropSchema(schema);
    },
  };
}

/** True when the tests that build a whole app (engine, API, MCP, end to end) run it on PostgreSQL. */
export const APP_STORE_IS_POSTGRES = process.env['CLAUDE_WORKER_TEST_STORE'] === 'postgres';

/** A new, empty database on the test server and its URL; `drop()` removes it (closing whatever is connected). */
export async function freshDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `cw_app_${randomBytes(6).toString('hex')}`;
  await adminQuery(`CREATE DATABASE "${name}"`);
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).then(() => undefined),
  };
}
