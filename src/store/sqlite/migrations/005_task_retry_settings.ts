/**
 * Migration 5: per-task retry backoff (base and cap, in seconds; null means the configured default).
 * Append-only: once released, never edit this file; add a new numbered migration instead.
 */
import type { Compilable, SchemaModule } from 'kysely';
import type { Migration } from '../migrations.js';

function up(schema: SchemaModule): Compilable[] {
  return [
    schema.alterTable('tasks').addColumn('retry_base_seconds', 'real'),
    schema.alterTable('tasks').addColumn('retry_cap_seconds', 'real'),
  ];
}

export const migration005: Migration = { version: 5, name: 'task_retry_settings', up };
