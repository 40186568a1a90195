/**
 * Migration 10: Claude Code session transcripts mirrored into the database (the Agent SDK's session store), so a
 * task interrupted on one machine resumes its session on another. `subpath` '' is the main transcript; entries with
 * a uuid are unique per session (replays do not duplicate them).
 * Append-only: once released, never edit this file; add a new numbered migration instead.
 */
import { sql, type Compilable, type SchemaModule } from 'kysely';
import type { Migration } from '../migrations.js';

function up(schema: SchemaModule): Compilable[] {
  return [
    schema
      .createTable('session_entries')
      .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
      .addColumn('project_key', 'text', (c) => c.notNull())
      .addColumn('session_id', 'text', (c) => c.notNull())
      .addColumn('subpath', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('uuid', 'text')
      .addColumn('entry', 'text', (c) => c.notNull())
      .addColumn('created_at', 'integer', (c) => c.notNull()),
    schema
      .createIndex('session_entries_session')
      .on('session_entries')
      .columns(['session_id', 'project_key', 'subpath', 'id']),
    schema
      .createIndex('session_entries_uuid')
      .unique()
      .on('session_entries')
      .columns(['session_id', 'project_key', 'subpath', 'uuid'])
      .where(sql.ref('uuid'), 'is not', null),
  ];
}

export const migration010: Migration = { version: 10, name: 'session_entries', up };
