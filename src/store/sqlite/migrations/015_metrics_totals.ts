/**
 * Migration 15: the sealed totals of `/metrics`. `attempt_totals` holds the aggregate of every attempt that finished
 * before `metrics_seal.sealed_before` (one row per model, outcome and histogram buckets, the sums a scrape adds up),
 * so a scrape aggregates only the attempts after it, and pruned attempts stay counted. `d` and `w` are NULL for
 * attempts without a duration or a queue wait; the table has no key (a seal rewrites it whole). `metrics_seal` is one
 * row; sealed_before 0 here, so the first seal counts the whole history once.
 * Append-only: once released, never edit this file; add a new numbered migration instead.
 */
import { CompiledQuery, sql, type Compilable, type SchemaModule } from 'kysely';
import type { Migration } from '../migrations.js';

function up(schema: SchemaModule): Compilable[] {
  return [
    schema
      .createTable('attempt_totals')
      .addColumn('model', 'text', (c) => c.notNull())
      .addColumn('outcome', 'text', (c) => c.notNull())
      .addColumn('d', 'integer')
      .addColumn('w', 'integer')
      .addColumn('n', 'integer', (c) => c.notNull())
      .addColumn('cost_usd', 'real', (c) => c.notNull())
      .addColumn('input', 'integer', (c) => c.notNull())
      .addColumn('output', 'integer', (c) => c.notNull())
      .addColumn('cache_read', 'integer', (c) => c.notNull())
      .addColumn('cache_creation', 'integer', (c) => c.notNull())
      .addColumn('duration_ms', 'integer', (c) => c.notNull())
      .addColumn('wait_ms', 'integer', (c) => c.notNull()),
    schema
      .createTable('metrics_seal')
      .addColumn('id', 'integer', (c) => c.primaryKey().check(sql`id = 1`))
      .addColumn('sealed_before', 'integer', (c) => c.notNull()),
    { compile: () => CompiledQuery.raw('INSERT INTO metrics_seal (id, sealed_before) VALUES (1, 0)') },
  ];
}

export const migration015: Migration = { version: 15, name: 'metrics totals', up };
