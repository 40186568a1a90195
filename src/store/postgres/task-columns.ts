/**
 * The PostgreSQL type of each task option column (TASK_OPTION_COLUMNS of the shared codec), for inserting many
 * tasks at once from arrays (`unnest`). A column added to the codec needs its type here and in a migration.
 */
import { sql, type RawBuilder } from 'kysely';
import { TASK_OPTION_COLUMNS } from '../codec/task-codec.js';

const TYPES: Record<(typeof TASK_OPTION_COLUMNS)[number], string> = {
  execution_prompt: 'text',
  working_directory: 'text',
  model: 'text',
  system_prompt: 'text',
  permission_mode: 'text',
  allowed_tools: 'text',
  disallowed_tools: 'text',
  max_turns: 'int',
  max_budget_usd: 'double precision',
  env: 'text',
  timeout_seconds: 'int',
  priority: 'int',
  tags: 'text',
  max_attempts: 'int',
  retry_base_seconds: 'double precision',
  retry_cap_seconds: 'double precision',
  log_path: 'text',
  transcript_path: 'text',
  runs_on: 'text',
  trace_parent: 'text',
  notify: 'text',
};

export const OPTION_COLUMNS = sql.raw(TASK_OPTION_COLUMNS.join(', '));

/**
 * `$1::text, $2::int, …`: one task's option values, typed (an INSERT … SELECT does not type its parameters by the
 * target columns). The log and transcript paths get `{id}` replaced by `id` (SQL), the id the row receives.
 */
export function optionValuesWithId(values: readonly unknown[], id: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql.join(
    TASK_OPTION_COLUMNS.map((column, i) =>
      column === 'log_path' || column === 'transcript_path'
        ? sql`replace(${values[i]}::text, '{id}', ${id}::text)`
        : sql`${values[i]}::${sql.raw(TYPES[column])}`,
    ),
  );
}

/** `$1::text[], $2::text[], …`: one array per option column, from one row of values per task. */
export function optionArrays(rows: readonly unknown[][]): RawBuilder<unknown> {
  return sql.join(
    TASK_OPTION_COLUMNS.map((column, i) => sql`${rows.map((r) => r[i])}::${sql.raw(TYPES[column])}[]`),
  );
}
