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

/** Runs one statement on its own connection (setup and cleanup). */
export async function adminQuery(text: string, params: unknown[] = []): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    return await client.query(text, params);
  } finally {
    await client.end();
  }
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
