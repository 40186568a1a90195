/**
 * Inserts the tasks of an orchestration with their edges and `task_created` events: for a new orchestration, or
 * added to an existing one (dependencies may then name its tasks). One prepared insert per task and per edge, the
 * identifier → id map in memory, one statement that names every new task's log files, and the returned records
 * built from what was written rather than read back: 10,000 tasks take a few hundred milliseconds.
 * How each task starts (counters, status, prompt, run_after) is domain/rules/new-task.ts. The caller applies trigger
 * rules to tasks that already have finished dependencies (see `finishedDependencies`).
 */
import { ClaudeWorkerError } from '../../../domain/errors.js';
import { graphProblems } from '../../../domain/rules/graph-check.js';
import { planNewTask } from '../../../domain/rules/new-task.js';
import type { OrchestrationTask, TaskStatus } from '../../../domain/vocabulary.js';
import type { NewOrchestrationTask } from '../../store.js';
import type { StoreContext } from '../context.js';
import { NAME_FILES_SET } from '../create.js';
import { newTaskRecord, TASK_OPTION_COLUMNS, taskOptionValues } from '../../codec/task-codec.js';
import type { Cause } from './resolution.js';

// Positional parameters: binding thirty values by name costs twice as much, and this runs once per task.
const INSERT_TASK = `
  INSERT INTO tasks (
    status, run_after, created_at, updated_at, orchestration_id, identifier, trigger_rule, initial_delay_seconds,
    prompt_template, pending_dependencies, deps_succeeded, deps_failed, deps_skipped, deps_cancelled,
    ${TASK_OPTION_COLUMNS.join(', ')}
  ) VALUES (${Array.from({ length: 14 + TASK_OPTION_COLUMNS.length }, () => '?').join(', ')})`;

/** A task of the orchestration that new tasks may depend on. */
export interface ExistingTask {
  id: number;
  status: TaskStatus;
}

export interface InsertedTask {
  /** The task as stored, built from what was inserted (no read back). */
  task: OrchestrationTask;
  /** How many of its dependencies had already finished (existing tasks): its trigger rule applies at once. */
  finishedDependencies: number;
}

export type InsertTasks = (
  orchestrationId: number,
  tasks: readonly NewOrchestrationTask[],
  existing: ReadonlyMap<string, ExistingTask>,
  cause: Cause,
) => InsertedTask[];

export function prepareInsertTasks(ctx: StoreContext): InsertTasks {
  const insertTask = ctx.db.prepare<unknown[]>(INSERT_TASK);
  const insertEdge = ctx.db.prepare<[number, number, number]>(
    'INSERT INTO task_dependencies (task_id, depends_on_task_id, position) VALUES (?, ?, ?)',
  );
  const nameFiles = ctx.db.prepare<[number, number]>(
    `UPDATE tasks SET ${NAME_FILES_SET} WHERE orchestration_id = ? AND id >= ?`,
  );

  return (orchestrationId, tasks, existing, cause) => {
    const problems = graphProblems(tasks, existing);
    if (problems.length > 0) throw ClaudeWorkerError.validation(problems, 'The orchestration');
    const ids = new Map<string, number>();
    const inserted: InsertedTask[] = [];
    for (const task of tasks) {
      const {
        deps,
        counts,
        status,
        template,
        prompt,
        run_after: runAfter,
      } = planNewTask(task, existing, cause.now);
      const { lastInsertRowid } = insertTask.run(
        status,
        runAfter,
        cause.now,
        cause.now,
        orchestrationId,
        task.identifier,
        task.trigger_rule,
        task.initial_delay_seconds,
        template,
        counts.total - counts.finished,
        counts.succeeded,
        counts.failed,
        counts.skipped,
        counts.cancelled,
        ...taskOptionValues(task, prompt),
      );
      const id = Number(lastInsertRowid);
      ids.set(task.identifier, id);
      inserted.push({
        task: newTaskRecord(
          task,
          {
            id,
            status,
            prompt,
            run_after: runAfter,
            now: cause.now,
            orchestration_id: orchestrationId,
            identifier: task.identifier,
            trigger_rule: task.trigger_rule,
            initial_delay_seconds: task.initial_delay_seconds,
            pending_dependencies: counts.total - counts.finished,
          },
          { depends_on: deps },
        ),
        finishedDependencies: counts.finished,
      });
      ctx.tx.append(
        {
          type: 'task_created',
          task_id: id,
          orchestration_id: orchestrationId,
          from_status: null,
          to_status: status,
          actor: cause.actor,
          correlation_id: cause.correlation_id,
          data: { identifier: task.identifier, model: task.model, priority: task.priority },
        },
        cause.now,
      );
    }
    for (const { task } of inserted) {
      task.depends_on.forEach((dep, position) => {
        insertEdge.run(task.id, ids.get(dep) ?? existing.get(dep)!.id, position);
      });
    }
    if (inserted.length > 0) nameFiles.run(orchestrationId, inserted[0]!.task.id);
    return inserted;
  };
}
