/**
 * getOrchestration (the record with every task, in id order, each with the identifiers it depends on: two queries
 * whatever the size) and listOrchestrations (newest first, filtered by derived status in SQL, cursor paging).
 */
import type { OrchestrationDetail, OrchestrationTask } from '../../../domain/vocabulary.js';
import type { OrchestrationPage, OrchestrationQuery } from '../../store.js';
import type { StoreContext } from '../context.js';
import { prepareRows } from '../named-rows.js';
import { parseCursor } from '../../codec/cursor.js';
import type { OrchestrationRow, TaskRow } from '../schema.js';
import { taskFromRow } from '../../codec/task-codec.js';
import { DERIVED_STATUS_SQL, type Summaries } from './summary.js';
import { emptyCounts } from '../../../domain/rules/orchestration-status.js';
import { orchestrationFromRow } from '../../codec/orchestration-codec.js';

export interface OrchestrationReads {
  get(id: number): OrchestrationDetail | undefined;
  list(query: OrchestrationQuery): OrchestrationPage;
}

const LIST = `
  SELECT o.* FROM orchestrations o
  WHERE (@cursor IS NULL OR o.id < @cursor)
    AND (@statuses IS NULL OR (${DERIVED_STATUS_SQL}) IN (SELECT value FROM json_each(@statuses)))
  ORDER BY o.id DESC
  LIMIT @limit`;

export function prepareOrchestrationReads(ctx: StoreContext, summaries: Summaries): OrchestrationReads {
  const tasks = prepareRows<[number], TaskRow>(
    ctx.db,
    'SELECT * FROM tasks WHERE orchestration_id = ? ORDER BY id',
  );
  const edges = ctx.db
    .prepare<[number], [number, number]>(
      `SELECT d.task_id, d.depends_on_task_id
       FROM tasks t JOIN task_dependencies d ON d.task_id = t.id
       WHERE t.orchestration_id = ?
       ORDER BY d.task_id, d.position`,
    )
    .raw(true);
  const list = ctx.db.prepare<
    [{ cursor: number | null; statuses: string | null; limit: number }],
    OrchestrationRow
  >(LIST);

  return {
    get(id) {
      const row = summaries.row(id);
      if (!row) return undefined;
      const taskRows = tasks.all(id);
      const identifiers = new Map(taskRows.map((t) => [t.id, t.identifier ?? String(t.id)]));
      const dependsOn = new Map<number, string[]>();
      for (const [taskId, dependencyId] of edges.all(id)) {
        const names = dependsOn.get(taskId) ?? [];
        names.push(identifiers.get(dependencyId) ?? String(dependencyId));
        dependsOn.set(taskId, names);
      }
      const counts = emptyCounts();
      const detailTasks = taskRows.map((t): OrchestrationTask => {
        // Adding the one field is much cheaper than spreading forty into a new object, 10,000 times.
        const task = taskFromRow(t) as OrchestrationTask;
        task.depends_on = dependsOn.get(t.id) ?? [];
        counts[task.status] += 1;
        return task;
      });
      return { ...orchestrationFromRow(row, counts), tasks: detailTasks };
    },

    list(query) {
      const statuses = query.status && query.status.length > 0 ? JSON.stringify(query.status) : null;
      const rows = list.all({
        cursor: query.cursor === undefined ? null : parseCursor(query.cursor, 'The orchestration query'),
        statuses,
        limit: query.limit + 1,
      });
      const page = rows.slice(0, query.limit);
      const last = page[page.length - 1];
      return {
        orchestrations: page.map((row) => orchestrationFromRow(row, summaries.counts(row.id))),
        next_cursor: rows.length > query.limit && last ? String(last.id) : null,
      };
    },
  };
}
