/**
 * How a new task of an orchestration starts, for every store: its dependency counters (from the statuses of the
 * dependencies that exist already; new ones are unfinished), `queued` at once (run_after = now + initial delay)
 * without dependencies or `waiting` with them, and its prompt (a `{{ tasks.X.result }}` template is kept until the
 * task is ready). The graph checks are graph-check.ts.
 */
import { renderPrompt, templateReferences } from '../template.js';
import { countDependencies, type DependencyCounts } from '../trigger-rules.js';
import type { TaskStatus } from '../vocabulary.js';
import type { RuleEvent } from './attempt-ending.js';

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

/** The event that records a new orchestration: its name, size and limits, the same in both stores. */
export function orchestrationCreatedEvent(
  orchestration: { name: string | null; max_parallel: number | null; budget_usd: number | null },
  taskCount: number,
): RuleEvent {
  return {
    type: 'orchestration_created',
    data: {
      name: orchestration.name,
      task_count: taskCount,
      max_parallel: orchestration.max_parallel,
      budget_usd: orchestration.budget_usd,
    },
  };
}
