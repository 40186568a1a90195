/**
 * How a new task of an orchestration starts, for every store: its dependency counters (from the statuses of the
 * dependencies that exist already; new ones are unfinished), `queued` at once (run_after = now + initial delay)
 * without dependencies or `waiting` with them, and its prompt (a `{{ tasks.X.result }}` template is kept until the
 * task is ready). Plus the graph checks the store repeats inside its transaction.
 */
import type { Issue } from '../errors.js';
import { renderPrompt, templateReferences } from '../template.js';
import { countDependencies, type DependencyCounts } from '../trigger-rules.js';
import type { TaskStatus } from '../vocabulary.js';

export interface NewGraphTask {
  identifier: string;
  depends_on: string[];
  execution_prompt: string;
  initial_delay_seconds: number;
}

export interface NewTaskPlan {
  /** The dependencies, each once, in the order written. */
  deps: string[];
  counts: DependencyCounts;
  status: TaskStatus;
  /** The prompt with references, kept until the task is ready (null when it has none). */
  template: string | null;
  /** The prompt stored now. */
  prompt: string;
  run_after: number | null;
}

export function planNewTask(
  task: NewGraphTask,
  existing: ReadonlyMap<string, { status: TaskStatus }>,
  now: number,
): NewTaskPlan {
  const deps = [...new Set(task.depends_on)];
  const counts = countDependencies(deps.map((d) => existing.get(d)?.status ?? 'waiting'));
  const status: TaskStatus = deps.length === 0 ? 'queued' : 'waiting';
  const template = templateReferences(task.execution_prompt).length > 0 ? task.execution_prompt : null;
  // Without dependencies a reference has nothing to name (validation forbids it): it renders empty.
  const prompt =
    status === 'queued' && template !== null ? renderPrompt(template, () => null) : task.execution_prompt;
  const run_after = status === 'queued' ? now + task.initial_delay_seconds * 1000 : null;
  return { deps, counts, status, template, prompt, run_after };
}

/**
 * What the caller's validation should have caught already (it runs outside the store's transaction): identifiers
 * used twice, dependencies on unknown identifiers or on the task itself. Cycles cannot be checked here cheaply.
 */
export function graphProblems(
  tasks: readonly Pick<NewGraphTask, 'identifier' | 'depends_on'>[],
  existing: ReadonlyMap<string, unknown>,
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
