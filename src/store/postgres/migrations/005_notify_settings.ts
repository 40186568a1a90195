/**
 * PostgreSQL migration 5: a task's and an orchestration's own `notify` settings (the same columns as SQLite
 * migration 14), JSON text read when one of them ends; NULL for the machine's settings alone. Deliveries are
 * indexed by task and orchestration, so pruning deletes a task's deliveries with it.
 * Append-only: once released, never edit this file; add a new numbered migration instead.
 */
import type { PgMigration } from '../migrations.js';

const statements = [
  `ALTER TABLE tasks ADD COLUMN notify text`,
  `ALTER TABLE orchestrations ADD COLUMN notify text`,
  `CREATE INDEX webhook_deliveries_task ON webhook_deliveries (task_id)`,
  `CREATE INDEX webhook_deliveries_orchestration ON webhook_deliveries (orchestration_id)`,
];

export const migration005: PgMigration = { version: 5, name: 'notify settings', statements };
