/**
 * Migration 14: a task's and an orchestration's own `notify` settings (JSON: `on`, `sound`, `desktop`, `slack`,
 * `discord`), read when one of them ends to decide who is told; NULL for the machine's settings alone. Deliveries a
 * task's settings hold back are recorded as `skipped` in the outbox (a status value, no column). Deliveries are
 * indexed by task and orchestration, so pruning deletes a task's deliveries with it without scanning the outbox.
 * Append-only: once released, never edit this file; add a new numbered migration instead.
 */
import type { Compilable, SchemaModule } from 'kysely';
import type { Migration } from '../migrations.js';

function up(schema: SchemaModule): Compilable[] {
  return [
    schema.alterTable('tasks').addColumn('notify', 'text'),
    schema.alterTable('orchestrations').addColumn('notify', 'text'),
    schema.createIndex('webhook_deliveries_task').on('webhook_deliveries').column('task_id'),
    schema
      .createIndex('webhook_deliveries_orchestration')
      .on('webhook_deliveries')
      .column('orchestration_id'),
  ];
}

export const migration014: Migration = { version: 14, name: 'notify settings', up };
