/**
 * getOrchestration (the record with every task in id order, each with the identifiers it depends on) and
 * listOrchestrations (newest first, filtered by derived status in SQL — the SQLite store's DERIVED_STATUS_SQL is
 * plain SQL that PostgreSQL runs as it is — with cursor paging).
 */
import { sql } from 'kysely';
import type { OrchestrationDetail, OrchestrationTask } from '../../../domain/vocabulary.js';
import { parseCursor } from '../../codec/cursor.js';
import { emptyCounts } from '../../../domain/rules/orchestration-status.js';
import { orchestrationFromRow as rowToOrchestration } from '../../codec/orchestration-codec.js';
import { DERIVED_STATUS_SQL } from '../../shared/orchestration-status-sql.js';
import { taskFromRow as rowToTask } from '../../codec/task-codec.js';
import type { OrchestrationPage, OrchestrationQuery } from '../../store.js';
import type { OrchestrationRow, TaskRow } from '../schema.js';
import type { PgTx } from '../transactions.js';
import { summaries } from './statements.js';

type Reader = Pick<PgTx, 'rows' | 'row'>;

export async function getOrchestration(tx: Reader, id: number): Promise<OrchestrationDetail | undefined> {
  const row = await tx.row(sql<OrchestrationRow>`SELECT * FROM orchestrations WHERE id = ${id}`);
  if (!row) return undefined;
  const taskRows = await tx.rows(
    sql<TaskRow>`SELECT * FROM tasks WHERE orchestration_id = ${id} ORDER BY id`,
  );
  const edges = await tx.rows(sql<{ task_id: number; depends_on_task_id: number }>`
    SELECT d.task_id, d.depends_on_task_id
    FROM tasks t JOIN task_dependencies d ON d.task_id = t.id
    WHERE t.orchestration_id = ${id}
    ORDER BY d.task_id, d.position`);
  const identifiers = new Map(taskRows.map((t) => [t.id, t.identifier ?? String(t.id)]));
  const dependsOn = new Map<number, string[]>();
  for (const edge of edges) {
    const names = dependsOn.get(edge.task_id) ?? [];
    names.push(identifiers.get(edge.depends_on_task_id) ?? String(edge.depends_on_task_id));
    dependsOn.set(edge.task_id, names);
  }
  const counts = emptyCounts();
  const tasks = taskRows.map((t): OrchestrationTask => {
    const task = rowToTask(t) as OrchestrationTask;
    task.depends_on = dependsOn.get(t.id) ?? [];
    counts[task.status] += 1;
    return task;
  });
  return { ...rowToOrchestration(row, counts), tasks };
}

export async function listOrchestrations(tx: Reader, query: OrchestrationQuery): Promise<OrchestrationPage> {
  const statuses = query.status && query.status.length > 0 ? query.status : null;
  const cursor = query.cursor === undefined ? null : parseCursor(query.cursor, 'The orchestration query');
  const rows = await tx.rows(sql<OrchestrationRow>`
    SELECT o.* FROM orchestrations o
    WHERE (${cursor}::bigint IS NULL OR o.id < ${cursor}::bigint)
      AND (${statuses}::text[] IS NULL OR (${sql.raw(DERIVED_STATUS_SQL)}) = ANY(${statuses}::text[]))
    ORDER BY o.id DESC
    LIMIT ${query.limit + 1}`);
  const page = rows.slice(0, query.limit);
  const last = page[page.length - 1];
  const orchestrations = [];
  for (const row of page) orchestrations.push(rowToOrchestration(row, await summaries.counts(tx, row.id)));
  return { orchestrations, next_cursor: rows.length > query.limit && last ? String(last.id) : null };
}
