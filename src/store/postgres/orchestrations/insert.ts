/**
 * Inserts the tasks of an orchestration in PostgreSQL: ids reserved in one statement, every task in one INSERT
 * (arrays unnested), every edge in another, and one `task_created` event each — a few round trips whatever the
 * size. How each task starts (counters, status, rendered prompt, run_after) and the graph checks are the shared
 * rules (domain/rules/new-task.ts, graph-check.ts); the returned records are built by the shared codec's `newTaskRecord`.
 */
import { sql } from 'kysely';
import { ClaudeWorkerError } from '../../../domain/errors.js';
import type { TaskStatus } from '../../../domain/vocabulary.js';
import { graphProblems } from '../../../domain/rules/graph-check.js';
import { planNewTask } from '../../../domain/rules/new-task.js';
import { newTaskRecord, taskOptionValues } from '../../codec/task-codec.js';
import { OPTION_COLUMNS, optionArrays } from '../task-columns.js';
import type { ExistingTask, InsertedTask } from '../../sqlite/orchestrations/insert.js';
import type { Cause } from '../../sqlite/orchestrations/resolution.js';
import type { NewOrchestrationTask } from '../../store.js';
import type { PgTx } from '../transactions.js';

export type { ExistingTask, InsertedTask };

export async function insertTasks(
  tx: PgTx,
  orchestrationId: number,
  tasks: readonly NewOrchestrationTask[],
  existing: ReadonlyMap<string, ExistingTask>,
  cause: Cause,
): Promise<InsertedTask[]> {
  const problems = graphProblems(tasks, existing);
  if (problems.length > 0) throw ClaudeWorkerError.validation(problems, 'The orchestration');
  if (tasks.length === 0) return [];
  const reserved = await tx.rows(sql<{ id: number }>`
    SELECT nextval(pg_get_serial_sequence('tasks', 'id')) AS id FROM generate_series(1, ${tasks.length})`);
  const ids = reserved.map((r) => r.id).sort((a, b) => a - b);
  const byIdentifier = new Map<string, number>();
  const inserted: InsertedTask[] = [];
  const rows: unknown[][] = [];
  const named = (path: string | null | undefined, id: number) =>
    path === null || path === undefined ? null : path.replaceAll('{id}', String(id));
  tasks.forEach((task, i) => {
    const id = ids[i]!;
    byIdentifier.set(task.identifier, id);
    const plan = planNewTask(task, existing, cause.now);
    rows.push([
      id,
      plan.status,
      plan.run_after,
      task.identifier,
      task.trigger_rule,
      task.initial_delay_seconds,
      plan.template,
      plan.counts.total - plan.counts.finished,
      plan.counts.succeeded,
      plan.counts.failed,
      plan.counts.skipped,
      plan.counts.cancelled,
      ...taskOptionValues(
        { ...task, log_path: named(task.log_path, id), transcript_path: named(task.transcript_path, id) },
        plan.prompt,
      ),
    ]);
    inserted.push({
      task: {
        ...newTaskRecord(task, {
          id,
          status: plan.status,
          prompt: plan.prompt,
          run_after: plan.run_after,
          now: cause.now,
          orchestration_id: orchestrationId,
          identifier: task.identifier,
          trigger_rule: task.trigger_rule,
          initial_delay_seconds: task.initial_delay_seconds,
          pending_dependencies: plan.counts.total - plan.counts.finished,
        }),
        depends_on: plan.deps,
      },
      finishedDependencies: plan.counts.finished,
    });
  });
  const col = <V>(i: number, type: string) => sql`${rows.map((r) => r[i] as V)}::${sql.raw(type)}[]`;
  await tx.rows(sql`
    INSERT INTO tasks (
      id, status, run_after, identifier, trigger_rule, initial_delay_seconds, prompt_template, pending_dependencies,
      deps_succeeded, deps_failed, deps_skipped, deps_cancelled, ${OPTION_COLUMNS},
      orchestration_id, created_at, updated_at)
    SELECT *, ${orchestrationId}::bigint, ${cause.now}::bigint, ${cause.now}::bigint
    FROM unnest(${col(0, 'bigint')}, ${col(1, 'text')}, ${col(2, 'bigint')}, ${col(3, 'text')}, ${col(4, 'text')},
      ${col(5, 'double precision')}, ${col(6, 'text')}, ${col(7, 'int')}, ${col(8, 'int')}, ${col(9, 'int')},
      ${col(10, 'int')}, ${col(11, 'int')}, ${optionArrays(rows.map((r) => r.slice(12)))})`);
  const edges: [number, number, number][] = [];
  for (const { task } of inserted) {
    task.depends_on.forEach((dep, position) => {
      edges.push([task.id, byIdentifier.get(dep) ?? existing.get(dep)!.id, position]);
    });
  }
  if (edges.length > 0) {
    await tx.rows(sql`
      INSERT INTO task_dependencies (task_id, depends_on_task_id, position)
      SELECT * FROM unnest(${edges.map((e) => e[0])}::bigint[], ${edges.map((e) => e[1])}::bigint[],
                           ${edges.map((e) => e[2])}::int[])`);
  }
  for (const { task } of inserted) {
    tx.append(
      {
        type: 'task_created',
        task_id: task.id,
        orchestration_id: orchestrationId,
        from_status: null,
        to_status: task.status as TaskStatus,
        actor: cause.actor,
        correlation_id: cause.correlation_id,
        data: { identifier: task.identifier, model: task.model, priority: task.priority },
      },
      cause.now,
    );
  }
  return inserted;
}
