/**
 * Numbered, append-only migrations, recorded in the `migrations` table. All pending ones are applied inside one
 * IMMEDIATE transaction: when two processes start at once, the second waits for the first's write lock, then finds
 * the work done. A database written by a newer claude-worker (unknown versions) is refused, not guessed at.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { Compilable, SchemaModule } from 'kysely';
import { ClaudeWorkerError } from '../../domain/errors.js';
import { migration001 } from './migrations/001_initial.js';
import { migration002 } from './migrations/002_orchestrations.js';
import { migration003 } from './migrations/003_staged_tasks.js';
import { migration004 } from './migrations/004_model_gates.js';
import { migration005 } from './migrations/005_task_retry_settings.js';
import { migration006 } from './migrations/006_attempt_child.js';
import { migration007 } from './migrations/007_workers.js';
import { migration008 } from './migrations/008_uncounted_attempts.js';
import { migration009 } from './migrations/009_task_output.js';
import { migration010 } from './migrations/010_session_entries.js';
import { migration011 } from './migrations/011_dashboard.js';
import { migration012 } from './migrations/012_webhooks.js';
import { migration013 } from './migrations/013_observability.js';
import { migration014 } from './migrations/014_notify_settings.js';
import { migration015 } from './migrations/015_metrics_totals.js';
import type { SqlRunner } from './sql-runner.js';

export interface Migration {
  version: number;
  name: string;
  /** The statements of this step, built with Kysely's schema builder (or `sql` for what it cannot say). */
  up(schema: SchemaModule): Compilable[];
}

/** In order; a new migration is appended here with the next number. */
export const MIGRATIONS: readonly Migration[] = [
  migration001,
  migration002,
  migration003,
  migration004,
  migration005,
  migration006,
  migration007,
  migration008,
  migration009,
  migration010,
  migration011,
  migration012,
  migration013,
  migration014,
  migration015,
];

export interface MigrationResult {
  applied: number[];
}

export function migrate(db: BetterSqlite3.Database, runner: SqlRunner, filePath: string): MigrationResult {
  const k = runner.builder;
  const apply = db.transaction((): MigrationResult => {
    runner.run(
      k.schema
        .createTable('migrations')
        .ifNotExists()
        .addColumn('version', 'integer', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('applied_at', 'integer', (c) => c.notNull()),
    );
    const done = new Set(runner.all(k.selectFrom('migrations').select('version')).map((r) => r.version));
    const known = new Set(MIGRATIONS.map((m) => m.version));
    const unknown = [...done].filter((v) => !known.has(v));
    if (unknown.length > 0) {
      throw new ClaudeWorkerError(
        'config',
        `The database at ${filePath} was written by a newer claude-worker (migration ${Math.max(...unknown)}; ` +
          `this version knows up to ${Math.max(...known)}). Upgrade claude-worker, or use another CLAUDE_WORKER_HOME.`,
        { data: { path: filePath, unknown_versions: unknown } },
      );
    }
    const applied: number[] = [];
    for (const migration of MIGRATIONS) {
      if (done.has(migration.version)) continue;
      for (const statement of migration.up(k.schema)) runner.run(statement);
      runner.run(
        k
          .insertInto('migrations')
          .values({ version: migration.version, name: migration.name, applied_at: Date.now() }),
      );
      applied.push(migration.version);
    }
    return { applied };
  });
  return apply.immediate();
}
