/**
 * Inserts the tasks of an orchestration with their edges and `task_created` events: for a new orchestration, or
 * added to an existing one (dependencies may then name its tasks). One prepared insert per task and per edge, the
 * identifier → id map in memory, one statement that names every new task's log files, and the returned records
 * built from what was written rather than read back: 10,000 tasks take a few hundred milliseconds.
 * A task's counters start from its dependencies' current statuses (new ones are unfinished); with no dependency it
 * is `queued` at once (run_after = now + initial delay), else `waiting`. The caller applies trigger rules to tasks
 * that already have finished dependencies (see `finishedDependencies`).
 */
import { ClaudeWorkerError, type Issue } from '../../../domain/errors.js';
import { renderPrompt, templateReferences } from '../../../domain/template.js';
import { countDependencies, type DependencyCounts } from '../../../domain/trigger-rules.js';
import type { OrchestrationTask, TaskStatus } from '../../../domain/vocabulary.js';
import type { NewOrchestrationTask } from '../../store.js';
import type { StoreContext } from '../context.js';
import { NAME_FILES_SET } from '../create.js';
import { isoTime, jsonOrNull, labelsOrNull } from '../task-rows.js';
import type { Cause } from './resolution.js';

// Positional parameters: binding thirty values by name costs twice as much, and this runs once per task.
const INSERT_TASK = `
  INSERT INTO tasks (
    status, execution_prompt, working_directory, model, system_prompt, permission_mode, allowed_tools,
    disallowed_tools, max_turns, max_budget_usd, env, timeout_seconds, priority, tags, max_attempts,
    run_after, created_at, updated_at, log_path, transcript_path, orchestration_id, identifier, trigger_rule,
    initial_delay_seconds, prompt_template, pending_dependencies, deps_succeeded, deps_failed, deps_skipped,
    deps_cancelled, retry_base_seconds, retry_cap_seconds, runs_on
  ) VALUES (${Array.from({ length: 33 }, () => '?').join(', ')})`;

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
      const deps = [...new Set(task.depends_on)];
      const counts = countDependencies(deps.map((d) => existing.get(d)?.status ?? 'waiting'));
      const status: TaskStatus = deps.length === 0 ? 'queued' : 'waiting';
      const template = templateReferences(task.execution_prompt).length > 0 ? task.execution_prompt : null;
      // Without dependencies a reference has nothing to name (validation forbids it): it renders empty.
      const prompt =
        status === 'queued' && template !== null ? renderPrompt(template, () => null) : task.execution_prompt;
      const runAfter = status === 'queued' ? cause.now + task.initial_delay_seconds * 1000 : null;
      const { lastInsertRowid } = insertTask.run(
        status,
        prompt,
        task.working_directory,
        task.model,
        task.system_prompt ?? null,
        task.permission_mode,
        jsonOrNull(task.allowed_tools),
        jsonOrNull(task.disallowed_tools),
        task.max_turns ?? null,
        task.max_budget_usd ?? null,
        JSON.stringify(task.env),
        task.timeout_seconds ?? null,
        task.priority,
        JSON.stringify(task.tags),
        task.max_attempts,
        runAfter,
        cause.now,
        cause.now,
        task.log_path ?? null,
        task.transcript_path ?? null,
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
        task.retry_base_seconds ?? null,
        task.retry_cap_seconds ?? null,
        labelsOrNull(task.runs_on),
      );
      const id = Number(lastInsertRowid);
      ids.set(task.identifier, id);
      inserted.push({
        task: storedTask(task, {
          id,
          orchestrationId,
          status,
          prompt,
          runAfter,
          now: cause.now,
          deps,
          counts,
        }),
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

interface Stored {
  id: number;
  orchestrationId: number;
  status: TaskStatus;
  prompt: string;
  runAfter: number | null;
  now: number;
  deps: string[];
  counts: DependencyCounts;
}

/** The record `rowToTask` would read back for this new row (the contract suite checks that they agree). */
function storedTask(task: NewOrchestrationTask, s: Stored): OrchestrationTask {
  const named = (path: string | null | undefined) =>
    path === null || path === undefined ? null : path.replaceAll('{id}', String(s.id));
  const created = isoTime(s.now);
  return {
    id: s.id,
    status: s.status,
    execution_prompt: s.prompt,
    working_directory: task.working_directory,
    model: task.model,
    system_prompt: task.system_prompt ?? null,
    permission_mode: task.permission_mode,
    allowed_tools: task.allowed_tools ?? null,
    disallowed_tools: task.disallowed_tools ?? null,
    max_turns: task.max_turns ?? null,
    max_budget_usd: task.max_budget_usd ?? null,
    env: task.env,
    timeout_seconds: task.timeout_seconds ?? null,
    priority: task.priority,
    tags: task.tags,
    max_attempts: task.max_attempts,
    retry_base_seconds: task.retry_base_seconds ?? null,
    retry_cap_seconds: task.retry_cap_seconds ?? null,
    runs_on: task.runs_on,
    orchestration_id: s.orchestrationId,
    identifier: task.identifier,
    trigger_rule: task.trigger_rule,
    initial_delay_seconds: task.initial_delay_seconds,
    pending_dependencies: s.counts.total - s.counts.finished,
    attempt_count: 0,
    run_after: s.runAfter === null ? null : isoTime(s.runAfter),
    worker_id: null,
    lease_expires_at: null,
    cancel_requested: false,
    created_at: created,
    updated_at: created,
    started_at: null,
    finished_at: null,
    last_action: null,
    last_action_at: null,
    num_turns: null,
    cost_usd: null,
    usage: null,
    session_id: null,
    result: null,
    error: null,
    status_reason: null,
    log_path: named(task.log_path),
    transcript_path: named(task.transcript_path),
    depends_on: s.deps,
  };
}

/**
 * What the caller's validation should have caught already (it runs outside this transaction): identifiers used
 * twice, dependencies on unknown identifiers or on the task itself. Cycles cannot be checked here cheaply.
 */
function graphProblems(
  tasks: readonly NewOrchestrationTask[],
  existing: ReadonlyMap<string, ExistingTask>,
): Issue[] {
  const problems: Issue[] = [];
  const seen = new Set<string>();
  tasks.forEach((task, i) => {
    if (seen.has(task.identifier) || existing.has(task.identifier)) {
      problems.push({ path: `tasks[${i}].identifier`, message: `"${task.identifier}" is used twice` });
    }
    seen.add(task.identifier);
  });
  const known = new Set([...seen, ...existing.keys()]);
  tasks.forEach((task, i) => {
    task.depends_on.forEach((dep, j) => {
      const path = `tasks[${i}].depends_on[${j}]`;
      if (dep === task.identifier) problems.push({ path, message: `"${dep}" depends on itself` });
      else if (!known.has(dep)) problems.push({ path, message: `unknown identifier "${dep}"` });
    });
  });
  return problems;
}
