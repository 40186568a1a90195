/**
 * Migration 9: task output in the database — the human log and the transcript of each task as ordered chunks, so
 * any API node can serve them, live and afterwards, whichever worker ran the task (local files stay as a copy).
 * Append-only: once released, never edit this file; add a new numbered migration instead.
 */
import type { Compilable, SchemaModule } from 'kysely';
import type { Migration } from '../migrations.js';

function up(schema: SchemaModule): Compilable[] {
  return [
    schema
      .createTable('task_output')
      .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
      .addColumn('task_id', 'integer', (c) => c.notNull())
      .addColumn('stream', 'text', (c) => c.notNull())
      .addColumn('text', 'text', (c) => c.notNull())
      .addColumn('bytes', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'integer', (c) => c.notNull()),
    schema.createIndex('task_output_task').on('task_output').columns(['task_id', 'stream', 'id']),
  ];
}

export const migration009: Migration = { version: 9, name: 'task_output', up };
