/**
 * Migration 3: tasks staged for an orchestration that is not submitted yet (MCP `create_task` with
 * `orchestration_group`). Staging lives in the store so it survives a restart of the MCP process. A submitted group
 * keeps its rows, stamped with the orchestration's id: that is how a second submit is refused with the id to look at.
 * Append-only: once released, never edit this file; add a new numbered migration instead.
 */
import type { Compilable, SchemaModule } from 'kysely';
import type { Migration } from '../migrations.js';

function up(schema: SchemaModule): Compilable[] {
  return [
    schema
      .createTable('staged_tasks')
      .addColumn('group_name', 'text', (c) => c.notNull())
      .addColumn('identifier', 'text', (c) => c.notNull())
      // The task as an entry of a workflow document (JSON): identifier, execution_prompt, depends_on, ...
      .addColumn('document', 'text', (c) => c.notNull())
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('correlation_id', 'text')
      .addColumn('staged_at', 'integer', (c) => c.notNull())
      .addColumn('orchestration_id', 'integer')
      .addColumn('submitted_at', 'integer')
      .addPrimaryKeyConstraint('staged_tasks_pk', ['group_name', 'identifier']),
  ];
}

export const migration003: Migration = { version: 3, name: 'staged_tasks', up };
