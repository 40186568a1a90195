/**
 * PostgreSQL migration 4: what metrics and tracing read (the same columns as SQLite migration 13). Each attempt
 * keeps the model it ran with, its wait in the queue past the moment it could start, and its tokens by kind; a task
 * keeps the W3C `traceparent` of the request that created it, so its attempts join the caller's trace on any node.
 * Append-only: once released, never edit this file; add a new numbered migration instead.
 */
import type { PgMigration } from '../migrations.js';

const statements = [
  `ALTER TABLE tasks ADD COLUMN trace_parent text`,
  `ALTER TABLE attempts ADD COLUMN model text, ADD COLUMN queue_wait_ms bigint, ADD COLUMN input_tokens bigint,
     ADD COLUMN output_tokens bigint, ADD COLUMN cache_read_tokens bigint, ADD COLUMN cache_creation_tokens bigint`,
];

export const migration004: PgMigration = { version: 4, name: 'observability', statements };
