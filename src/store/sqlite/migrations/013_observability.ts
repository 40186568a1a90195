/**
 * Migration 13: what metrics and tracing read. Each attempt keeps the model it ran with (a retry may change the
 * task's), how long it waited in the queue past the moment it could start, and its tokens by kind, so `/metrics`
 * aggregates attempts alone; a task keeps the W3C `traceparent` of the request that created it, so every attempt,
 * on any node and after a restart, joins the caller's trace. Partial index: the gauge of open gates stays cheap.
 * Append-only: once released, never edit this file; add a new numbered migration instead.
 */
import type { Compilable, SchemaModule } from 'kysely';
import type { Migration } from '../migrations.js';

function up(schema: SchemaModule): Compilable[] {
  return [
    schema.alterTable('tasks').addColumn('trace_parent', 'text'),
    schema.alterTable('attempts').addColumn('model', 'text'),
    schema.alterTable('attempts').addColumn('queue_wait_ms', 'integer'),
    schema.alterTable('attempts').addColumn('input_tokens', 'integer'),
    schema.alterTable('attempts').addColumn('output_tokens', 'integer'),
    schema.alterTable('attempts').addColumn('cache_read_tokens', 'integer'),
    schema.alterTable('attempts').addColumn('cache_creation_tokens', 'integer'),
  ];
}

export const migration013: Migration = { version: 13, name: 'observability', up };
