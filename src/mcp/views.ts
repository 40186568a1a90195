/**
 * What the MCP tools return (structured content), derived from the shared record schemas: a task is shown by the
 * fields a lead agent acts on (status, progress, cost, error) without its prompt, environment or paths, so answers
 * stay small; result text is returned by the tools that are about results, bounded in size.
 */
import * as z from 'zod';
import { OrchestrationSchema } from '../contract/orchestration-record.js';
import { TaskSchema } from '../contract/task-schemas.js';
import type { OrchestrationDetail, Task } from '../domain/vocabulary.js';

export const TaskView = TaskSchema.pick({
  id: true,
  status: true,
  identifier: true,
  orchestration_id: true,
  model: true,
  working_directory: true,
  priority: true,
  runs_on: true,
  attempt_count: true,
  uncounted_attempts: true,
  max_attempts: true,
  pending_dependencies: true,
  run_after: true,
  cancel_requested: true,
  created_at: true,
  started_at: true,
  finished_at: true,
  last_action: true,
  last_action_at: true,
  num_turns: true,
  cost_usd: true,
  session_id: true,
  error: true,
  status_reason: true,
});
export type TaskView = z.infer<typeof TaskView>;

export const OrchestrationTaskView = TaskView.extend({ depends_on: z.array(z.string()) });
export const OrchestrationView = OrchestrationSchema;
export const OrchestrationDetailView = OrchestrationSchema.extend({ tasks: z.array(OrchestrationTaskView) });

/** Longest result text returned in one answer. */
export const MAX_RESULT_CHARS = 100_000;

export const ResultView = z.object({
  result: z.string().nullable(),
  result_truncated: z.boolean(),
});

export function taskView(task: Task): TaskView {
  return TaskView.parse(task);
}

export function orchestrationDetailView(
  detail: OrchestrationDetail,
): z.infer<typeof OrchestrationDetailView> {
  return OrchestrationDetailView.parse(detail);
}

export function resultView(task: Task): z.infer<typeof ResultView> {
  const text = task.result;
  if (text === null || text.length <= MAX_RESULT_CHARS) return { result: text, result_truncated: false };
  return { result: text.slice(0, MAX_RESULT_CHARS), result_truncated: true };
}

/** One line a model (or person) reads at a glance: `task 12 (build): completed, 3 turns, $0.0123`. */
export function taskLine(task: Task): string {
  const name = task.identifier ? ` (${task.identifier})` : '';
  const parts: string[] = [task.status];
  if (task.num_turns !== null) parts.push(`${task.num_turns} turns`);
  if (task.cost_usd !== null) parts.push(`$${task.cost_usd.toFixed(4)}`);
  if (task.status === 'running' && task.last_action) parts.push(`last: ${task.last_action}`);
  if (task.error) parts.push(`error ${task.error.code}: ${task.error.message}`);
  else if (task.status_reason) parts.push(task.status_reason);
  return `task ${task.id}${name}: ${parts.join(', ')}`;
}
