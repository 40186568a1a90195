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
import { newTaskRecord } from '../../codec/task-codec.js';
import type { ExistingTask, InsertedTask } from '../../sqlite/orchestrations/insert.js';
import type { Cause } from '../../sqlite/orchestrations/resolution.js';
import { jsonOrNull } from '../../codec/values.js';
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
  const columns: Record<string, unknown[]> = {};
  const push = (name: string, value: unknown) => (columns[name] ??= []).push(value);
  const named = (path: string | null | undefined, id: number) =>
    path === null || path === undefined ? null : path.replaceAll('{id}', String(id));
  tasks.forEach((task, i) => {
    const id = ids[i]!;
    byIdentifier.set(task.identifier, id);
    const plan = planNewTask(task, existing, cause.now);
    push('id', id);
    push('status', plan.status);
    push('execution_prompt', plan.prompt);
    push('working_directory', task.working_directory);
    push('model', task.model);
    push('system_prompt', task.system_prompt ?? null);
    push('permission_mode', task.permission_mode);
    push('allowed_tools', jsonOrNull(task.allowed_tools));
    push('disallowed_tools', jsonOrNull(task.disallowed_tools));
    push('max_turns', task.max_turns ?? null);
    push('max_budget_usd', task.max_budget_usd ?? null);
    push('env', JSON.stringify(task.env));
    push('timeout_seconds', task.timeout_seconds ?? null);
    push('priority', task.priority);
    push('tags', JSON.stringify(task.tags));
    push('max_attempts', task.max_attempts);
    push('run_after', plan.run_after);
    push('log_path', named(task.log_path, id));
    push('transcript_path', named(task.transcript_path, id));
    push('identifier', task.identifier);
    push('trigger_rule', task.trigger_rule);
    push('initial_delay_seconds', task.initial_delay_seconds);
    push('prompt_template', plan.template);
    push('pending_dependencies', plan.counts.total - plan.counts.finished);
    push('deps_succeeded', plan.counts.succeeded);
    push('deps_failed', plan.counts.failed);
    push('deps_skipped', plan.counts.skipped);
    push('deps_cancelled', plan.counts.cancelled);
    push('retry_base_seconds', task.retry_base_seconds ?? null);
    push('retry_cap_seconds', task.retry_cap_seconds ?? null);
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
  const c = (name: string, type: string) => sql`${columns[name]}::${sql.raw(type)}[]`;
  await tx.rows(sql`
    INSERT INTO tasks (
      id, status, execution_prompt, working_directory, model, system_prompt, permission_mode, allowed_tools,
      disallowed_tools, max_turns, max_budget_usd, env, timeout_seconds, priority, tags, max_attempts, run_after,
      log_path, transcript_path, identifier, trigger_rule, initial_delay_seconds, prompt_template,
      pending_dependencies, deps_succeeded, deps_failed, deps_skipped, deps_cancelled, retry_base_seconds,
      retry_cap_seconds, orchestration_id, created_at, updated_at)
    SELECT *, ${orchestrationId}::bigint, ${cause.now}::bigint, ${cause.now}::bigint
    FROM unnest(${c('id', 'bigint')}, ${c('status', 'text')}, ${c('execution_prompt', 'text')},
      ${c('working_directory', 'text')}, ${c('model', 'text')}, ${c('system_prompt', 'text')},
      ${c('permission_mode', 'text')}, ${c('allowed_tools', 'text')}, ${c('disallowed_tools', 'text')},
      ${c('max_turns', 'int')}, ${c('max_budget_usd', 'double precision')}, ${c('env', 'text')},
      ${c('timeout_seconds', 'int')}, ${c('priority', 'int')}, ${c('tags', 'text')}, ${c('max_attempts', 'int')},
      ${c('run_after', 'bigint')}, ${c('log_path', 'text')}, ${c('transcript_path', 'text')},
      ${c('identifier', 'text')}, ${c('trigger_rule', 'text')}, ${c('initial_delay_seconds', 'double precision')},
      ${c('prompt_template', 'text')}, ${c('pending_dependencies', 'int')}, ${c('deps_succeeded', 'int')},
      ${c('deps_failed', 'int')}, ${c('deps_skipped', 'int')}, ${c('deps_cancelled', 'int')},
      ${c('retry_base_seconds', 'double precision')}, ${c('retry_cap_seconds', 'double precision')})`);
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
