/**
 * Migration 8: attempts that do not count against max_attempts. An attempt interrupted because its worker died or
 * stopped (recovery, expired lease, shutdown), or one that only waited out a rate limit, is `counted = 0`; the task
 * keeps how many of its attempts were not counted and how many in a row a stopped worker interrupted (the
 * poison-task guard: `max_interruptions`). Earlier attempts all counted (an uncounted one raised max_attempts).
 * Append-only: once released, never edit this file; add a new numbered migration instead.
 */
import type { Compilable, SchemaModule } from 'kysely';
import type { Migration } from '../migrations.js';

function up(schema: SchemaModule): Compilable[] {
  return [
    schema.alterTable('attempts').addColumn('counted', 'integer', (c) => c.notNull().defaultTo(1)),
    schema.alterTable('tasks').addColumn('uncounted_attempts', 'integer', (c) => c.notNull().defaultTo(0)),
    schema.alterTable('tasks').addColumn('interruptions', 'integer', (c) => c.notNull().defaultTo(0)),
  ];
}

export const migration008: Migration = { version: 8, name: 'uncounted_attempts', up };
