/**
 * Migration 7: worker nodes and task labels. `workers` keeps one row per worker process (its labels, concurrency,
 * version, heartbeat; `stopped_at` when it stopped gracefully), so `claude-worker workers` can list every node and
 * say which are alive. `tasks.runs_on` (JSON array of labels, NULL for none) limits which workers may claim a task.
 * Append-only: once released, never edit this file; add a new numbered migration instead.
 */
import type { Compilable, SchemaModule } from 'kysely';
import type { Migration } from '../migrations.js';

function up(schema: SchemaModule): Compilable[] {
  return [
    schema
      .createTable('workers')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('host', 'text', (c) => c.notNull())
      .addColumn('pid', 'integer', (c) => c.notNull())
      .addColumn('labels', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('concurrency', 'integer', (c) => c.notNull())
      .addColumn('version', 'text', (c) => c.notNull())
      .addColumn('started_at', 'integer', (c) => c.notNull())
      .addColumn('last_heartbeat_at', 'integer', (c) => c.notNull())
      .addColumn('stopped_at', 'integer'),
    schema.alterTable('tasks').addColumn('runs_on', 'text'),
  ];
}

export const migration007: Migration = { version: 7, name: 'workers', up };
