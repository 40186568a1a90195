/**
 * Migration 1: tasks, attempts and events. Tasks carry the orchestration fields (orchestration_id, identifier,
 * trigger_rule, initial_delay_seconds, pending_dependencies, status_reason) from the start, so orchestrations only
 * add their own tables later. Times are epoch milliseconds; JSON values are TEXT.
 * Append-only: once released, never edit this file; add a new numbered migration instead.
 */
import { sql, type Compilable, type SchemaModule } from 'kysely';
import type { Migration } from '../migrations.js';

function up(schema: SchemaModule): Compilable[] {
  const tasks = schema
    .createTable('tasks')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('execution_prompt', 'text', (c) => c.notNull())
    .addColumn('working_directory', 'text', (c) => c.notNull())
    .addColumn('model', 'text', (c) => c.notNull())
    .addColumn('system_prompt', 'text')
    .addColumn('permission_mode', 'text', (c) => c.notNull())
    .addColumn('allowed_tools', 'text')
    .addColumn('disallowed_tools', 'text')
    .addColumn('max_turns', 'integer')
    .addColumn('max_budget_usd', 'real')
    .addColumn('env', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('timeout_seconds', 'integer')
    .addColumn('priority', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('tags', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('max_attempts', 'integer', (c) => c.notNull())
    .addColumn('orchestration_id', 'integer')
    .addColumn('identifier', 'text')
    .addColumn('trigger_rule', 'text', (c) => c.notNull().defaultTo('all_success'))
    .addColumn('initial_delay_seconds', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('pending_dependencies', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('attempt_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('run_after', 'integer')
    .addColumn('worker_id', 'text')
    .addColumn('lease_expires_at', 'integer')
    .addColumn('cancel_requested', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'integer', (c) => c.notNull())
    .addColumn('started_at', 'integer')
    .addColumn('finished_at', 'integer')
    .addColumn('last_action', 'text')
    .addColumn('last_action_at', 'integer')
    .addColumn('num_turns', 'integer')
    .addColumn('cost_usd', 'real')
    .addColumn('usage', 'text')
    .addColumn('session_id', 'text')
    .addColumn('result', 'text')
    .addColumn('error', 'text')
    .addColumn('status_reason', 'text')
    .addColumn('log_path', 'text')
    .addColumn('transcript_path', 'text');

  const attempts = schema
    .createTable('attempts')
    .addColumn('task_id', 'integer', (c) => c.notNull().references('tasks.id').onDelete('cascade'))
    .addColumn('number', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('worker_id', 'text', (c) => c.notNull())
    .addColumn('started_at', 'integer', (c) => c.notNull())
    .addColumn('finished_at', 'integer')
    .addColumn('duration_ms', 'integer')
    .addColumn('session_id', 'text')
    .addColumn('resumed_session_id', 'text')
    .addColumn('num_turns', 'integer')
    .addColumn('cost_usd', 'real')
    .addColumn('error', 'text')
    .addPrimaryKeyConstraint('attempts_pk', ['task_id', 'number'])
    .modifyEnd(sql`without rowid`);

  // No foreign key to tasks: the audit trail outlives whatever happens to the rows it describes.
  const events = schema
    .createTable('events')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('task_id', 'integer')
    .addColumn('orchestration_id', 'integer')
    .addColumn('from_status', 'text')
    .addColumn('to_status', 'text')
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('correlation_id', 'text')
    .addColumn('data', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('created_at', 'integer', (c) => c.notNull());

  return [
    tasks,
    attempts,
    events,
    // Claim: walk queued tasks in claim order (priority desc, then age) and stop at the limit; run_after is
    // checked from the index entry. Only queued rows are in it, so it stays small however many tasks finished.
    schema
      .createIndex('tasks_ready')
      .on('tasks')
      .columns(['priority desc', 'id', 'run_after'])
      .where(sql.ref('status'), '=', 'queued'),
    // nextRunAfter: the earliest delayed start among queued tasks.
    schema
      .createIndex('tasks_queued_run_after')
      .on('tasks')
      .column('run_after')
      .where(sql.ref('status'), '=', 'queued'),
    // Listing newest first with a status filter; countByStatus reads only this index.
    schema.createIndex('tasks_status').on('tasks').columns(['status', 'id']),
    schema
      .createIndex('tasks_orchestration')
      .on('tasks')
      .columns(['orchestration_id', 'id'])
      .where(sql.ref('orchestration_id'), 'is not', null),
    // An identifier names one task inside its orchestration.
    schema
      .createIndex('tasks_orchestration_identifier')
      .unique()
      .on('tasks')
      .columns(['orchestration_id', 'identifier'])
      .where((eb) => eb.and([eb('orchestration_id', 'is not', null), eb('identifier', 'is not', null)])),
    schema.createIndex('events_task').on('events').columns(['task_id', 'id']),
    schema
      .createIndex('events_orchestration')
      .on('events')
      .columns(['orchestration_id', 'id'])
      .where(sql.ref('orchestration_id'), 'is not', null),
  ];
}

export const migration001: Migration = { version: 1, name: 'initial', up };
