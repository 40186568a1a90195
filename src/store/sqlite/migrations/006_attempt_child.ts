/**
 * Migration 6: the Claude Code process of each attempt (pid, start-time token, host), so a restarted worker can
 * stop a child that outlived its server before the task runs again, and when that happened.
 * Append-only: once released, never edit this file; add a new numbered migration instead.
 */
import type { Compilable, SchemaModule } from 'kysely';
import type { Migration } from '../migrations.js';

function up(schema: SchemaModule): Compilable[] {
  return [
    schema.alterTable('attempts').addColumn('child_pid', 'integer'),
    schema.alterTable('attempts').addColumn('child_start', 'text'),
    schema.alterTable('attempts').addColumn('child_host', 'text'),
    schema.alterTable('attempts').addColumn('orphan_stopped_at', 'integer'),
  ];
}

export const migration006: Migration = { version: 6, name: 'attempt_child', up };
