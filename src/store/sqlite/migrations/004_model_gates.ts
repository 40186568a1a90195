/**
 * Migration 4: model gates — per-model rate-limit cool-downs and circuit breakers, shared by every worker.
 * Append-only: once released, never edit this file; add a new numbered migration instead.
 */
import type { Compilable, SchemaModule } from 'kysely';
import type { Migration } from '../migrations.js';

function up(schema: SchemaModule): Compilable[] {
  return [
    schema
      .createTable('model_gates')
      .addColumn('model', 'text', (c) => c.primaryKey())
      .addColumn('cooldown_until', 'integer')
      .addColumn('cooldown_reason', 'text')
      .addColumn('breaker_open', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('consecutive_failures', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('breaker_open_until', 'integer')
      .addColumn('probe_worker_id', 'text')
      .addColumn('probe_expires_at', 'integer')
      .addColumn('last_failure', 'text')
      .addColumn('updated_at', 'integer', (c) => c.notNull()),
    schema.createIndex('attempts_finished').on('attempts').column('finished_at'),
  ];
}

export const migration004: Migration = { version: 4, name: 'model_gates', up };
