/**
 * Numbered, append-only PostgreSQL migrations, recorded in the `migrations` table of the store's schema. All
 * pending ones run in one transaction holding `pg_advisory_xact_lock` for this schema: when many nodes start at
 * once on an empty database, one creates the schema and the others wait, then find the work done. A database
 * written by a newer claude-worker (versions this build does not know) is refused, not guessed at.
 */
import { sql, type Kysely } from 'kysely';
import { ClaudeWorkerError } from '../../domain/errors.js';
import { migration001 } from './migrations/001_initial.js';
import { migration002 } from './migrations/002_dashboard.js';
import { migration003 } from './migrations/003_webhooks.js';
import { migration004 } from './migrations/004_observability.js';
import { migration005 } from './migrations/005_notify_settings.js';
import { migration006 } from './migrations/006_metrics_totals.js';
import type { PgDatabase } from './schema.js';

export interface PgMigration {
  version: number;
  name: string;
  statements: readonly string[];
}

/** In order; a new migration is appended here with the next number. */
export const PG_MIGRATIONS: readonly PgMigration[] = [
  migration001,
  migration002,
  migration003,
  migration004,
  migration005,
  migration006,
];

export interface MigrationResult {
  /** Versions applied by this call (empty: the schema was up to date). */
  applied: number[];
  /** The schema's version after the call. */
  version: number;
}

export async function migratePostgres(
  db: Kysely<PgDatabase>,
  schema: string,
  where: string,
): Promise<MigrationResult> {
  return db.transaction().execute(async (trx) => {
    await sql`SELECT pg_advisory_xact_lock(hashtext('claude-worker migrate'), hashtext(${schema}))`.execute(
      trx,
    );
    await sql`CREATE SCHEMA IF NOT EXISTS ${sql.id(schema)}`.execute(trx);
    await sql`CREATE TABLE IF NOT EXISTS ${sql.id(schema, 'migrations')} (
      version integer PRIMARY KEY, name text NOT NULL, applied_at bigint NOT NULL)`.execute(trx);
    const done = new Set(
      (
        await sql<{ version: number }>`SELECT version FROM ${sql.id(schema, 'migrations')}`.execute(trx)
      ).rows.map((r) => r.version),
    );
    const known = new Set(PG_MIGRATIONS.map((m) => m.version));
    const latest = Math.max(...known);
    const unknown = [...done].filter((v) => !known.has(v));
    if (unknown.length > 0) {
      throw new ClaudeWorkerError(
        'config',
        `The database ${where} was written by a newer claude-worker (schema version ${Math.max(...unknown)}; ` +
          `this version knows up to ${latest}). Upgrade claude-worker on this machine to the version the other ` +
          'nodes run.',
        { data: { unknown_versions: unknown, known_version: latest } },
      );
    }
    const applied: number[] = [];
    for (const migration of PG_MIGRATIONS) {
      if (done.has(migration.version)) continue;
      for (const statement of migration.statements) await sql.raw(statement).execute(trx);
      await sql`INSERT INTO ${sql.id(schema, 'migrations')} (version, name, applied_at)
        VALUES (${migration.version}, ${migration.name}, ${Date.now()})`.execute(trx);
      applied.push(migration.version);
    }
    return { applied, version: Math.max(latest, ...done) };
  });
}
