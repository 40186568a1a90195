/**
 * Reads: a task, pages of tasks (newest first, with status / tag / orchestration filters and a cursor), attempts,
 * events, counts per status and the next delayed start. Dynamic filters are built with Kysely; nothing here writes.
 */
import { sql } from 'kysely';
import { TASK_STATUSES, type Attempt, type Task, type TaskEvent } from '../../domain/vocabulary.js';
import type { EventQuery, StatusCounts, TaskPage, TaskQuery } from '../store.js';
import type { StoreContext } from './context.js';
import { parseCursor } from '../codec/cursor.js';
import { taskFromRow } from '../codec/task-codec.js';
import { attemptFromRow, eventFromRow } from '../codec/attempt-event-codec.js';

export interface Queries {
  getTask(id: number): Task | undefined;
  listTasks(query: TaskQuery): TaskPage;
  listAttempts(taskId: number): Attempt[];
  listEvents(query: EventQuery): TaskEvent[];
  countByStatus(): StatusCounts;
  nextRunAfter(): Date | null;
}

/** `%text%` for LIKE, with the pattern characters of `text` escaped by a backslash. */
export function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export function prepareQueries(ctx: StoreContext): Queries {
  const k = ctx.sql.builder;
  const nextRunAfter = ctx.db.prepare<[number], { at: number | null }>(
    "SELECT MIN(run_after) AS at FROM tasks INDEXED BY tasks_queued_run_after WHERE status = 'queued' AND run_after > ?",
  );

  return {
    getTask(id) {
      const row = ctx.taskRow(id);
      return row ? taskFromRow(row) : undefined;
    },

    listTasks(query) {
      let q = k
        .selectFrom('tasks')
        .selectAll()
        .orderBy('id', 'desc')
        .limit(query.limit + 1);
      if (query.status && query.status.length > 0) q = q.where('status', 'in', query.status);
      if (query.tag !== undefined) {
        q = q.where(
          sql<boolean>`exists (select 1 from json_each(tasks.tags) where json_each.value = ${query.tag})`,
        );
      }
      if (query.orchestration_id !== undefined) q = q.where('orchestration_id', '=', query.orchestration_id);
      if (query.model !== undefined) q = q.where('model', '=', query.model);
      if (query.q !== undefined) {
        // LIKE folds ASCII case in SQLite; % _ and \ in the text are matched literally.
        q = q.where(sql<boolean>`execution_prompt LIKE ${likePattern(query.q)} ESCAPE '\\'`);
      }
      if (query.cursor !== undefined) q = q.where('id', '<', parseCursor(query.cursor));
      const rows = ctx.sql.all(q);
      const page = rows.slice(0, query.limit);
      const last = page[page.length - 1];
      return {
        tasks: page.map(taskFromRow),
        next_cursor: rows.length > query.limit && last ? String(last.id) : null,
      };
    },

    listAttempts(taskId) {
      return ctx.sql
        .all(k.selectFrom('attempts').selectAll().where('task_id', '=', taskId).orderBy('number'))
        .map(attemptFromRow);
    },

    listEvents(query) {
      let q = k.selectFrom('events').selectAll().orderBy('id').limit(query.limit);
      if (query.task_id !== undefined) q = q.where('task_id', '=', query.task_id);
      if (query.orchestration_id !== undefined) q = q.where('orchestration_id', '=', query.orchestration_id);
      if (query.after_id !== undefined) q = q.where('id', '>', query.after_id);
      return ctx.sql.all(q).map(eventFromRow);
    },

    countByStatus() {
      const counts = Object.fromEntries(TASK_STATUSES.map((s) => [s, 0])) as StatusCounts;
      const rows = ctx.sql.all(
        k
          .selectFrom('tasks')
          .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
          .groupBy('status'),
      );
      for (const row of rows) counts[row.status as keyof StatusCounts] = row.n;
      return counts;
    },

    nextRunAfter() {
      const at = nextRunAfter.get(Date.now())?.at ?? null;
      return at === null ? null : new Date(at);
    },
  };
}
