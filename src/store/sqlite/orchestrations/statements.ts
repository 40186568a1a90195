/**
 * The statements dependency resolution runs inside other operations' transactions (finish, cancel, recovery,
 * retry, create): the dependents of one task with their counters bumped, the transitions a dependent can make
 * (ready, skipped, re-armed), a task's dependencies for rendering and for skip reasons, and the orchestration's
 * cost and open state. Prepared once per connection.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { CounterChange } from '../../../domain/rules/dependency-counters.js';

/** What resolution needs to know of a dependent, returned by the counter update itself. */
export interface DependentRow {
  id: number;
  status: string;
  orchestration_id: number | null;
  identifier: string | null;
  trigger_rule: string;
  initial_delay_seconds: number;
  prompt_template: string | null;
  error: string | null;
  pending_dependencies: number;
  deps_succeeded: number;
  deps_failed: number;
  deps_skipped: number;
  deps_cancelled: number;
}

const DEPENDENT_COLUMNS = `id, status, orchestration_id, identifier, trigger_rule, initial_delay_seconds, prompt_template,
  error, pending_dependencies, deps_succeeded, deps_failed, deps_skipped, deps_cancelled`;

export interface DependencyRow {
  id: number;
  identifier: string;
  status: string;
  result: string | null;
}

export interface CostRow {
  cost_usd: number;
  budget_usd: number | null;
  budget_exhausted: number;
}

export function prepareResolutionStatements(db: BetterSqlite3.Database) {
  return {
    bumpDependents: db.prepare<[CounterChange], DependentRow>(`
      UPDATE tasks
      SET pending_dependencies = pending_dependencies + @pending,
          deps_succeeded = deps_succeeded + @succeeded, deps_failed = deps_failed + @failed,
          deps_skipped = deps_skipped + @skipped, deps_cancelled = deps_cancelled + @cancelled
      WHERE id IN (SELECT task_id FROM task_dependencies WHERE depends_on_task_id = @id)
      RETURNING ${DEPENDENT_COLUMNS}`),
    dependent: db.prepare<[number], DependentRow>(`SELECT ${DEPENDENT_COLUMNS} FROM tasks WHERE id = ?`),
    dependencies: db.prepare<[number], DependencyRow>(`
      SELECT t.id, t.identifier, t.status, t.result
      FROM task_dependencies d JOIN tasks t ON t.id = d.depends_on_task_id
      WHERE d.task_id = ? ORDER BY d.position`),
    // waiting → queued (ready), or skipped → queued (re-armed with every dependency already satisfied).
    markQueued: db.prepare<[{ id: number; run_after: number; prompt: string | null; now: number }]>(`
      UPDATE tasks
      SET status = 'queued', run_after = @run_after, execution_prompt = COALESCE(@prompt, execution_prompt),
          status_reason = NULL, error = NULL, finished_at = NULL, updated_at = @now
      WHERE id = @id`),
    markSkipped: db.prepare<[{ id: number; reason: string; error: string; now: number }]>(`
      UPDATE tasks
      SET status = 'skipped', status_reason = @reason, error = @error, finished_at = @now, updated_at = @now
      WHERE id = @id`),
    // skipped → waiting: the prompt shows its template again until the task is ready.
    markWaiting: db.prepare<[{ id: number; now: number }]>(`
      UPDATE tasks
      SET status = 'waiting', execution_prompt = COALESCE(prompt_template, execution_prompt), run_after = NULL,
          status_reason = NULL, error = NULL, finished_at = NULL, updated_at = @now
      WHERE id = @id`),
    addCost: db.prepare<[{ id: number; cost: number; now: number }], CostRow>(`
      UPDATE orchestrations SET cost_usd = cost_usd + @cost, updated_at = @now WHERE id = @id
      RETURNING cost_usd, budget_usd, budget_exhausted`),
    exhaust: db.prepare<[{ id: number; reason: string }]>(
      'UPDATE orchestrations SET budget_exhausted = 1, status_reason = @reason WHERE id = @id',
    ),
    notStarted: db.prepare<[number], { id: number; status: string }>(
      "SELECT id, status FROM tasks WHERE orchestration_id = ? AND status IN ('waiting', 'queued') ORDER BY id",
    ),
    finishedAt: db.prepare<[number], { finished_at: number | null }>(
      'SELECT finished_at FROM orchestrations WHERE id = ?',
    ),
    anyUnfinished: db
      .prepare<[number], number>(
        "SELECT EXISTS (SELECT 1 FROM tasks WHERE orchestration_id = ? AND status IN ('waiting', 'queued', 'running'))",
      )
      .pluck(),
    setFinishedAt: db.prepare<[{ id: number; finished_at: number | null; now: number }]>(
      'UPDATE orchestrations SET finished_at = @finished_at, updated_at = @now WHERE id = @id',
    ),
  };
}

export type ResolutionStatements = ReturnType<typeof prepareResolutionStatements>;
