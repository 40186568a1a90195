/**
 * Migration 2: orchestrations. The `orchestrations` table (limits, recorded cost, cancel and budget state), the
 * dependency edges, and per-task dependency counters so that finishing a task resolves its dependents in
 * O(its out-edges): each task counts its unfinished dependencies (`pending_dependencies`, from migration 1) and how
 * the finished ones ended (`deps_succeeded`, `deps_failed`, `deps_skipped`, `deps_cancelled`), which is all a
 * trigger rule needs. `prompt_template` keeps a prompt with `{{ tasks.X.result }}` references until it is rendered.
 * Append-only: once released, never edit this file; add a new numbered migration instead.
 */
import { sql, type Compilable, type SchemaModule } from 'kysely';
import type { Migration } from '../migrations.js';

function up(schema: SchemaModule): Compilable[] {
  const orchestrations = schema
    .createTable('orchestrations')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('name', 'text')
    .addColumn('max_parallel', 'integer')
    .addColumn('budget_usd', 'real')
    .addColumn('cost_usd', 'real', (c) => c.notNull().defaultTo(0))
    .addColumn('cancel_requested', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('budget_exhausted', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('status_reason', 'text')
    .addColumn('created_at', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'integer', (c) => c.notNull())
    .addColumn('finished_at', 'integer');

  // `position`: the order the dependencies were listed in, so they read back as written.
  const edges = schema
    .createTable('task_dependencies')
    .addColumn('task_id', 'integer', (c) => c.notNull())
    .addColumn('depends_on_task_id', 'integer', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('task_dependencies_pk', ['task_id', 'depends_on_task_id'])
    .modifyEnd(sql`without rowid`);

  const counter = (name: string) =>
    schema.alterTable('tasks').addColumn(name, 'integer', (c) => c.notNull().defaultTo(0));

  return [
    orchestrations,
    edges,
    // Resolution: the dependents of a task that just finished (the index carries the primary key, so it covers).
    schema.createIndex('task_dependencies_dependents').on('task_dependencies').column('depends_on_task_id'),
    schema.alterTable('tasks').addColumn('prompt_template', 'text'),
    counter('deps_succeeded'),
    counter('deps_failed'),
    counter('deps_skipped'),
    counter('deps_cancelled'),
    // Per orchestration and status: running count for max_parallel, "any task unfinished?" after each finish,
    // counts per status for the derived status. Only orchestration tasks are in it.
    schema
      .createIndex('tasks_orchestration_status')
      .on('tasks')
      .columns(['orchestration_id', 'status'])
      .where(sql.ref('orchestration_id'), 'is not', null),
    // Claim: the unfinished orchestrations that limit their parallelism (usually none, so the check is free).
    schema
      .createIndex('orchestrations_capped_open')
      .on('orchestrations')
      .column('id')
      .where((eb) =>
        eb.and([eb(sql.ref('finished_at'), 'is', null), eb(sql.ref('max_parallel'), 'is not', null)]),
      ),
  ];
}

export const migration002: Migration = { version: 2, name: 'orchestrations', up };
