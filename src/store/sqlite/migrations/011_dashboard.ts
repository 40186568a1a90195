/**
 * Migration 11: the dashboard. One-time sign-in links and browser sessions, each stored only as the SHA-256 of its
 * secret (a copy of the database signs nobody in); indexes for the task list's model filter (newest first) and for
 * the daily statistics (tasks by the time they finished).
 * Append-only: once released, never edit this file; add a new numbered migration instead.
 */
import { sql, type Compilable, type SchemaModule } from 'kysely';
import type { Migration } from '../migrations.js';

function up(schema: SchemaModule): Compilable[] {
  return [
    schema
      .createTable('dashboard_links')
      .addColumn('code_hash', 'text', (c) => c.primaryKey())
      .addColumn('created_at', 'integer', (c) => c.notNull())
      .addColumn('expires_at', 'integer', (c) => c.notNull())
      .addColumn('used_at', 'integer'),
    schema.createIndex('dashboard_links_expires').on('dashboard_links').column('expires_at'),
    schema
      .createTable('dashboard_sessions')
      .addColumn('id_hash', 'text', (c) => c.primaryKey())
      .addColumn('created_at', 'integer', (c) => c.notNull())
      .addColumn('expires_at', 'integer', (c) => c.notNull()),
    schema.createIndex('dashboard_sessions_expires').on('dashboard_sessions').column('expires_at'),
    schema.createIndex('tasks_model').on('tasks').columns(['model', 'id']),
    schema
      .createIndex('tasks_finished_at')
      .on('tasks')
      .column('finished_at')
      .where(sql.ref('finished_at'), 'is not', null),
  ];
}

export const migration011: Migration = { version: 11, name: 'dashboard', up };
