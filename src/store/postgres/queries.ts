/**
 * Reads in PostgreSQL: a task, pages of tasks (newest first, status / tag / orchestration filters, cursor), attempts,
 * events, counts per status and the next delayed start. Nothing here writes.
 */
import { sql, type Kysely, type RawBuilder } from 'kysely';
import { TASK_STATUSES, type Attempt, type Task, type TaskEvent } from '../../domain/vocabulary.js';
import { parseCursor } from '../codec/cursor.js';
import { attemptFromRow as rowToAttempt, eventFromRow as rowToEvent } from '../codec/attempt-event-codec.js';
import { taskFromRow as rowToTask } from '../codec/task-codec.js';
import type { EventQuery, StatusCounts, TaskPage, TaskQuery } from '../store.js';
import type { AttemptRow, EventRow, PgDatabase, TaskRow } from './schema.js';
import { PREPARED } from './prepared.js';

/** `%text%` for ILIKE, with the pattern characters of `text` escaped (backslash is PostgreSQL's default escape). */
function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export class PgQueries {
  constructor(private readonly db: Kysely<PgDatabase>) {}

  private async rows<R>(query: RawBuilder<R>): Promise<R[]> {
    return (await query.execute(this.db)).rows;
  }

  async getTask(id: number): Promise<Task | undefined> {
    const [row] = await this.rows(sql<TaskRow>`SELECT * FROM tasks WHERE id = ${id}`);
    return row ? rowToTask(row) : undefined;
  }

  async listTasks(query: TaskQuery): Promise<TaskPage> {
    const where: RawBuilder<unknown>[] = [sql`TRUE`];
    if (query.status && query.status.length > 0) where.push(sql`status = ANY(${query.status}::text[])`);
    if (query.tag !== undefined) where.push(sql`tags::jsonb @> jsonb_build_array(${query.tag}::text)`);
    if (query.orchestration_id !== undefined) where.push(sql`orchestration_id = ${query.orchestration_id}`);
    if (query.model !== undefined) where.push(sql`model = ${query.model}`);
    if (query.q !== undefined) where.push(sql`execution_prompt ILIKE ${likePattern(query.q)}`);
    if (query.cursor !== undefined) where.push(sql`id < ${parseCursor(query.cursor)}`);
    const rows = await this.rows(sql<TaskRow>`
      SELECT * FROM tasks WHERE ${sql.join(where, sql` AND `)} ORDER BY id DESC LIMIT ${query.limit + 1}`);
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    return {
      tasks: page.map(rowToTask),
      next_cursor: rows.length > query.limit && last ? String(last.id) : null,
    };
  }

  async listAttempts(taskId: number): Promise<Attempt[]> {
    const rows = await this.rows(
      sql<AttemptRow>`SELECT * FROM attempts WHERE task_id = ${taskId} ORDER BY number`,
    );
    return rows.map(rowToAttempt);
  }

  async listEvents(query: EventQuery): Promise<TaskEvent[]> {
    const where: RawBuilder<unknown>[] = [sql`TRUE`];
    if (query.task_id !== undefined) where.push(sql`task_id = ${query.task_id}`);
    if (query.orchestration_id !== undefined) where.push(sql`orchestration_id = ${query.orchestration_id}`);
    if (query.after_id !== undefined) where.push(sql`id > ${query.after_id}`);
    const rows = await this.rows(sql<EventRow>`
      SELECT * FROM events WHERE ${sql.join(where, sql` AND `)} ORDER BY id LIMIT ${query.limit}`);
    return rows.map(rowToEvent);
  }

  async countByStatus(): Promise<StatusCounts> {
    const counts = Object.fromEntries(TASK_STATUSES.map((s) => [s, 0])) as StatusCounts;
    const rows = await this.rows(sql<{ status: string; n: number }>`
      SELECT status, count(*) AS n FROM tasks GROUP BY status`);
    for (const row of rows) counts[row.status as keyof StatusCounts] = row.n;
    return counts;
  }

  async nextRunAfter(): Promise<Date | null> {
    const [row] = await this.rows(sql<{ at: number | null }>`${sql.raw(PREPARED)}
      SELECT min(run_after) AS at FROM tasks WHERE status = 'queued' AND run_after > ${Date.now()}`);
    return row?.at === null || row?.at === undefined ? null : new Date(row.at);
  }
}
