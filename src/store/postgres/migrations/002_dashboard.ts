/**
 * PostgreSQL migration 2: the dashboard. One-time sign-in links and browser sessions, each stored only as the
 * SHA-256 of its secret; indexes for the task list's model and orchestration filters (newest first) and for the
 * daily statistics (tasks by the time they finished). The same capability as SQLite migration 11.
 * Append-only: once released, never edit this file; add a new numbered migration instead.
 */
import type { PgMigration } from '../migrations.js';

const statements = [
  `CREATE TABLE dashboard_links (
    code_hash text PRIMARY KEY,
    created_at bigint NOT NULL,
    expires_at bigint NOT NULL,
    used_at bigint)`,
  `CREATE INDEX dashboard_links_expires ON dashboard_links (expires_at)`,
  `CREATE TABLE dashboard_sessions (
    id_hash text PRIMARY KEY,
    created_at bigint NOT NULL,
    expires_at bigint NOT NULL)`,
  `CREATE INDEX dashboard_sessions_expires ON dashboard_sessions (expires_at)`,
  `CREATE INDEX tasks_model ON tasks (model, id)`,
  `CREATE INDEX tasks_orchestration_id ON tasks (orchestration_id, id) WHERE orchestration_id IS NOT NULL`,
  `CREATE INDEX tasks_finished_at ON tasks (finished_at) WHERE finished_at IS NOT NULL`,
];

export const migration002: PgMigration = { version: 2, name: 'dashboard', statements };
