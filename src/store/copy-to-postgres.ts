/**
 * `db copy`: moves a machine's history from its SQLite file into PostgreSQL — orchestrations, tasks with their
 * dependency edges, attempts, events, staged MCP groups, model gates, task output and mirrored Claude sessions —
 * keeping every id, so links, logs and `Last-Event-ID`s stay valid. The copy reads one consistent snapshot of the
 * file (a server may keep running on it) and writes in ONE PostgreSQL transaction: it lands whole or not at all.
 * Only into an empty store (ids are kept, so nothing may be there to collide with). Both stores keep times as epoch
 * milliseconds, so rows move unchanged; columns the source does not have yet (an older file) take their defaults.
 * Worker rows are not copied: they describe processes, not history. The sealed `/metrics` totals are copied with the
 * seal's bound (they count attempts pruned from the file, which a recount would lose), replacing the target's own;
 * from a file older than them, the target's totals are emptied and its next scrape counts the copied attempts.
 */
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import pg from 'pg';
import { ClaudeWorkerError } from '../domain/errors.js';
import { clientConfig, connectionError, isConnectionError } from './postgres/connection.js';
import { PostgresStore } from './postgres/postgres-store.js';
import { MIGRATIONS } from './sqlite/migrations.js';

/** Parents before children; each with the identity column whose sequence must move past the copied ids. */
const TABLES: ReadonlyArray<{ name: string; identity: string | null }> = [
  { name: 'orchestrations', identity: 'id' },
  { name: 'tasks', identity: 'id' },
  { name: 'task_dependencies', identity: null },
  { name: 'attempts', identity: null },
  { name: 'events', identity: 'id' },
  { name: 'staged_tasks', identity: null },
  { name: 'model_gates', identity: null },
  { name: 'task_output', identity: 'id' },
  { name: 'session_entries', identity: 'id' },
  { name: 'webhook_subscriptions', identity: 'id' },
  { name: 'webhook_deliveries', identity: 'id' },
];

/** PostgreSQL takes at most 65,535 parameters per statement. */
const MAX_PARAMETERS = 60_000;

export interface CopyRequest {
  /** The SQLite file to read. */
  from: string;
  /** The PostgreSQL URL to write to. */
  to: string;
  /** Schema of the target (tests); default `public`. */
  schema?: string;
}

export interface CopyReport {
  from: string;
  /** Rows copied per table. */
  copied: Record<string, number>;
  /** Tasks that were queued, waiting or running in the file: PostgreSQL workers take them on. */
  unfinished: number;
}

function sourceProblem(path: string, why: string, fix: string): ClaudeWorkerError {
  return new ClaudeWorkerError('validation', `Cannot copy from ${path}: ${why}. ${fix}`, {
    data: { from: path },
  });
}

/** Opens the SQLite file read-only and checks it is a claude-worker database this version can read. */
function openSource(path: string): Database.Database {
  if (!existsSync(path)) {
    throw sourceProblem(
      path,
      'there is no such file',
      'Give the SQLite file of a claude-worker home (--from).',
    );
  }
  let db: Database.Database;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
    db.prepare('SELECT 1 FROM sqlite_master LIMIT 1').get();
  } catch (err) {
    throw sourceProblem(
      path,
      `it is not a SQLite database (${String(err)})`,
      'Give the claude-worker.db file.',
    );
  }
  const hasMigrations = db
    .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'migrations'")
    .get();
  if (!hasMigrations) {
    db.close();
    throw sourceProblem(
      path,
      'it is not a claude-worker database',
      'Give the claude-worker.db of a home folder.',
    );
  }
  const known = Math.max(...MIGRATIONS.map((m) => m.version));
  const newest =
    (db.prepare('SELECT MAX(version) AS v FROM migrations').get() as { v: number | null }).v ?? 0;
  if (newest > known) {
    db.close();
    throw sourceProblem(
      path,
      `it was written by a newer claude-worker (migration ${newest}; this version knows up to ${known})`,
      'Run db copy with the claude-worker version that wrote it.',
    );
  }
  return db;
}

function sourceColumns(db: Database.Database, table: string): string[] | null {
  const rows = db.prepare(`PRAGMA table_info(${table})`).all() as Array<{ name: string }>;
  return rows.length === 0 ? null : rows.map((r) => r.name);
}

export async function copySqliteToPostgres(request: CopyRequest): Promise<CopyReport> {
  const source = openSource(request.from);
  try {
    // The target schema is created (or checked) exactly as a node's start would.
    const store = new PostgresStore({ connectionString: request.to, schema: request.schema });
    try {
      await store.migrate();
    } finally {
      await store.close();
    }
    const client = new pg.Client(clientConfig({ connectionString: request.to, schema: request.schema }));
    try {
      await client.connect();
    } catch (err) {
      throw isConnectionError(err) ? connectionError(err, request.to) : err;
    }
    try {
      return await copyTables(source, client, request.from);
    } finally {
      await client.end().catch(() => undefined);
    }
  } finally {
    source.close();
  }
}

async function copyTables(source: Database.Database, client: pg.Client, from: string): Promise<CopyReport> {
  const existing = await client.query<{ n: number }>(
    'SELECT (SELECT COUNT(*) FROM tasks) + (SELECT COUNT(*) FROM orchestrations) AS n',
  );
  const held = Number(existing.rows[0]?.n ?? 0);
  if (held > 0) {
    throw new ClaudeWorkerError(
      'conflict',
      `The PostgreSQL store already holds ${held} tasks and orchestrations; db copy writes only into an empty store, ` +
        'because it keeps every id. Copy into a new database (createdb, then db copy), or into another schema.',
    );
  }
  const copied: Record<string, number> = {};
  // One read transaction: a consistent snapshot even while a server writes to the file.
  source.prepare('BEGIN').run();
  await client.query('BEGIN');
  try {
    for (const table of TABLES) {
      const fromColumns = sourceColumns(source, table.name);
      if (!fromColumns) {
        copied[table.name] = 0;
        continue;
      }
      const target = await client.query<{ column_name: string }>(
        `SELECT column_name FROM information_schema.columns
         WHERE table_schema = current_schema() AND table_name = $1`,
        [table.name],
      );
      const targetColumns = new Set(target.rows.map((r) => r.column_name));
      const columns = fromColumns.filter((c) => targetColumns.has(c));
      copied[table.name] = await copyTable(source, client, table.name, columns);
      if (table.identity) {
        await client.query(
          `SELECT setval(pg_get_serial_sequence($1, $2), GREATEST((SELECT MAX(${table.identity}) FROM ${table.name}), 1),
                         (SELECT MAX(${table.identity}) FROM ${table.name}) IS NOT NULL)`,
          [table.name, table.identity],
        );
      }
    }
    await copyMetricsTotals(source, client, copied);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    source.prepare('COMMIT').run();
  }
  const unfinished = (
    source
      .prepare("SELECT COUNT(*) AS n FROM tasks WHERE status IN ('waiting', 'queued', 'running')")
      .get() as { n: number }
  ).n;
  return { from, copied, unfinished };
}

/** Replaces the target's sealed totals and bound with the file's (none and 0 when the file has no such tables). */
async function copyMetricsTotals(
  source: Database.Database,
  client: pg.Client,
  copied: Record<string, number>,
): Promise<void> {
  // Whatever rewrites the totals locks the seal row first (a node on the target may be sealing).
  await client.query('SELECT 1 FROM metrics_seal WHERE id = 1 FOR UPDATE');
  await client.query('DELETE FROM attempt_totals');
  const columns = sourceColumns(source, 'attempt_totals');
  const seal = sourceColumns(source, 'metrics_seal')
    ? (source.prepare('SELECT sealed_before FROM metrics_seal WHERE id = 1').get() as
        { sealed_before: number } | undefined)
    : undefined;
  copied['attempt_totals'] = columns && seal ? await copyTable(source, client, 'attempt_totals', columns) : 0;
  await client.query('UPDATE metrics_seal SET sealed_before = $1 WHERE id = 1', [seal?.sealed_before ?? 0]);
}

async function copyTable(
  source: Database.Database,
  client: pg.Client,
  table: string,
  columns: string[],
): Promise<number> {
  const perStatement = Math.max(1, Math.floor(MAX_PARAMETERS / columns.length));
  const quoted = columns.map((c) => `"${c}"`).join(', ');
  let batch: unknown[][] = [];
  let count = 0;
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const values: unknown[] = [];
    const tuples = batch.map((row) => {
      const marks = row.map((value) => {
        values.push(value);
        return `$${values.length}`;
      });
      return `(${marks.join(', ')})`;
    });
    await client.query(`INSERT INTO ${table} (${quoted}) VALUES ${tuples.join(', ')}`, values);
    count += batch.length;
    batch = [];
  };
  // Ids are copied as they are, so the order of the rows does not matter (and WITHOUT ROWID tables have no rowid).
  const rows = source.prepare(`SELECT ${quoted} FROM ${table}`).raw(true);
  for (const row of rows.iterate() as IterableIterator<unknown[]>) {
    batch.push(row.map((v) => (typeof v === 'bigint' ? Number(v) : v)));
    if (batch.length >= perStatement) await flush();
  }
  await flush();
  return count;
}
