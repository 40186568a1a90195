/**
 * The statements dependency resolution runs inside other operations' transactions (finish, cancel, recovery,
 * retry, add): a task's dependents with their counters bumped, the transitions a dependent can make (ready,
 * skipped, re-armed), a task's dependencies, and the orchestration's cost, open state and summary. PostgreSQL
 * twins of sqlite/orchestrations/statements.ts and summary.ts; the rows have the same shape. The ones every finish
 * of a graph's task runs are prepared statements (prepared.ts).
 */
import { sql } from 'kysely';
import type { Orchestration, TaskStatus } from '../../../domain/vocabulary.js';
import type { CounterChange } from '../../../domain/rules/dependency-counters.js';
import { emptyCounts } from '../../../domain/rules/orchestration-status.js';
import { orchestrationFromRow as rowToOrchestration } from '../../codec/orchestration-codec.js';
import type { CostRow, DependencyRow, DependentRow } from '../../sqlite/orchestrations/statements.js';
import type { StatusCounts } from '../../store.js';
import type { OrchestrationRow } from '../schema.js';
import { PREPARED } from '../prepared.js';
import type { PgTx } from '../transactions.js';

export type { CostRow, CounterChange, DependencyRow, DependentRow };

const DEPENDENT_COLUMNS =
  sql.raw(`id, status, orchestration_id, identifier, trigger_rule, initial_delay_seconds,
  prompt_template, error, pending_dependencies, deps_succeeded, deps_failed, deps_skipped, deps_cancelled`);

type Reader = Pick<PgTx, 'row' | 'rows'>;

export const statements = {
  bumpDependents: (tx: PgTx, c: CounterChange) =>
    tx
      .rows(
        sql<DependentRow>`
      UPDATE tasks
      SET pending_dependencies = pending_dependencies + ${c.pending},
          deps_succeeded = deps_succeeded + ${c.succeeded}, deps_failed = deps_failed + ${c.failed},
          deps_skipped = deps_skipped + ${c.skipped}, deps_cancelled = deps_cancelled + ${c.cancelled}
      WHERE id IN (SELECT task_id FROM task_dependencies WHERE depends_on_task_id = ${c.id})
      RETURNING ${DEPENDENT_COLUMNS}`,
      )
      .then((rows) => rows.sort((a, b) => a.id - b.id)),

  /** Several ended tasks at once: each dependent gets the sum of its dependencies' changes, in one statement. */
  bumpDependentsOf: (tx: PgTx, changes: CounterChange[]) =>
    tx
      .rows(
        sql<DependentRow>`${sql.raw(PREPARED)}
      UPDATE tasks t
      SET pending_dependencies = pending_dependencies + c.pending,
          deps_succeeded = deps_succeeded + c.succeeded, deps_failed = deps_failed + c.failed,
          deps_skipped = deps_skipped + c.skipped, deps_cancelled = deps_cancelled + c.cancelled
      FROM (
        SELECT d.task_id, sum(ch.pending)::int AS pending, sum(ch.succeeded)::int AS succeeded,
               sum(ch.failed)::int AS failed, sum(ch.skipped)::int AS skipped, sum(ch.cancelled)::int AS cancelled
        FROM unnest(${changes.map((c) => c.id)}::bigint[], ${changes.map((c) => c.pending)}::int[],
                    ${changes.map((c) => c.succeeded)}::int[], ${changes.map((c) => c.failed)}::int[],
                    ${changes.map((c) => c.skipped)}::int[], ${changes.map((c) => c.cancelled)}::int[])
               AS ch (id, pending, succeeded, failed, skipped, cancelled)
        JOIN task_dependencies d ON d.depends_on_task_id = ch.id
        GROUP BY d.task_id
      ) c
      WHERE t.id = c.task_id
      RETURNING t.id, t.status, t.orchestration_id, t.identifier, t.trigger_rule, t.initial_delay_seconds,
        t.prompt_template, t.error, t.pending_dependencies, t.deps_succeeded, t.deps_failed, t.deps_skipped,
        t.deps_cancelled`,
      )
      .then((rows) => rows.sort((a, b) => a.id - b.id)),

  /** The edges into these tasks (to name which ended dependency caused a resolution). */
  edgesInto: (tx: PgTx, ids: number[]) =>
    tx.rows(sql<{ task_id: number; depends_on_task_id: number }>`
      SELECT task_id, depends_on_task_id FROM task_dependencies WHERE task_id = ANY(${ids}::bigint[])
      ORDER BY task_id, position`),

  markQueuedMany: (
    tx: PgTx,
    ready: { id: number; run_after: number; prompt: string | null; now: number }[],
  ) =>
    tx.rows(sql`${sql.raw(PREPARED)}
      UPDATE tasks t
      SET status = 'queued', run_after = q.run_after, execution_prompt = COALESCE(q.prompt, t.execution_prompt),
          status_reason = NULL, error = NULL, finished_at = NULL, updated_at = q.now
      FROM unnest(${ready.map((r) => r.id)}::bigint[], ${ready.map((r) => r.run_after)}::bigint[],
                  ${ready.map((r) => r.prompt)}::text[], ${ready.map((r) => r.now)}::bigint[])
             AS q (id, run_after, prompt, now)
      WHERE t.id = q.id`),

  dependent: (tx: PgTx, id: number) =>
    tx.row(sql<DependentRow>`SELECT ${DEPENDENT_COLUMNS} FROM tasks WHERE id = ${id}`),

  dependencies: (tx: PgTx, id: number) =>
    tx.rows(sql<DependencyRow>`
      SELECT t.id, t.identifier, t.status, t.result
      FROM task_dependencies d JOIN tasks t ON t.id = d.depends_on_task_id
      WHERE d.task_id = ${id} ORDER BY d.position`),

  markSkipped: (tx: PgTx, id: number, reason: string, error: string, now: number) =>
    tx.rows(sql`
      UPDATE tasks
      SET status = 'skipped', status_reason = ${reason}, error = ${error}, finished_at = ${now}, updated_at = ${now}
      WHERE id = ${id}`),

  /** skipped → waiting: the prompt shows its template again until the task is ready. */
  markWaiting: (tx: PgTx, id: number, now: number) =>
    tx.rows(sql`
      UPDATE tasks
      SET status = 'waiting', execution_prompt = COALESCE(prompt_template, execution_prompt), run_after = NULL,
          status_reason = NULL, error = NULL, finished_at = NULL, updated_at = ${now}
      WHERE id = ${id}`),

  addCost: (tx: PgTx, id: number, cost: number, now: number) =>
    tx.row(sql<CostRow>`${sql.raw(PREPARED)}
      UPDATE orchestrations SET cost_usd = cost_usd + ${cost}, updated_at = ${now} WHERE id = ${id}
      RETURNING cost_usd, budget_usd, budget_exhausted`),

  exhaust: (tx: PgTx, id: number, reason: string) =>
    tx.rows(sql`UPDATE orchestrations SET budget_exhausted = 1, status_reason = ${reason} WHERE id = ${id}`),

  notStarted: (tx: PgTx, orchestrationId: number) =>
    tx.rows(sql<{ id: number; status: string }>`
      SELECT id, status FROM tasks
      WHERE orchestration_id = ${orchestrationId} AND status IN ('waiting', 'queued')
      ORDER BY id
      FOR UPDATE`),

  anyUnfinished: async (tx: PgTx, id: number) =>
    (
      await tx.row(sql<{ open: boolean }>`${sql.raw(PREPARED)}
        SELECT EXISTS (SELECT 1 FROM tasks WHERE orchestration_id = ${id}
                       AND status IN ('waiting', 'queued', 'running')) AS open`)
    )?.open === true,

  setFinishedAt: (tx: PgTx, id: number, finishedAt: number | null, now: number) =>
    tx.rows(sql`UPDATE orchestrations SET finished_at = ${finishedAt}, updated_at = ${now} WHERE id = ${id}`),
};

export const summaries = {
  row: (tx: Reader, id: number) =>
    tx.row(sql<OrchestrationRow>`SELECT * FROM orchestrations WHERE id = ${id}`),

  counts: async (tx: Reader, id: number): Promise<StatusCounts> => {
    const result = emptyCounts();
    const rows = await tx.rows(sql<{ status: string; n: number }>`
      SELECT status, count(*) AS n FROM tasks WHERE orchestration_id = ${id} GROUP BY status`);
    for (const { status, n } of rows) result[status as TaskStatus] = n;
    return result;
  },

  summary: async (tx: Reader, id: number): Promise<Orchestration | undefined> => {
    const row = await summaries.row(tx, id);
    return row ? rowToOrchestration(row, await summaries.counts(tx, id)) : undefined;
  },
};

/**
 * Locks orchestration rows, in id order. Every transaction that changes an orchestration's tasks takes this lock
 * first and task rows after, so concurrent finishes of its last tasks settle it exactly once and never deadlock.
 */
export async function lockOrchestrations(tx: PgTx, ids: Iterable<number | null>): Promise<void> {
  const unique = [...new Set([...ids].filter((id): id is number => id !== null))].sort((a, b) => a - b);
  if (unique.length === 0) return;
  await tx.rows(
    sql`SELECT id FROM orchestrations WHERE id = ANY(${unique}::bigint[]) ORDER BY id FOR UPDATE`,
  );
}
