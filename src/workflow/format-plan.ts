/**
 * The plan as text for `claude-worker orchestrate --dry-run`: levels and what runs in parallel in each, per task
 * its dependencies, delay, non-default trigger rule, result references, model and priority when set, then
 * max_parallel, budget, the critical path and how long delays alone take. Pure.
 */
import type { PlannedTask, WorkflowPlan } from './plan.js';
import { TRIGGER_RULE_DESCRIPTIONS } from '../domain/trigger-rules.js';

export interface FormatPlanOptions {
  /** Tasks listed per level before "… and N more" (default 50). */
  maxPerLevel?: number;
}

export function formatPlan(plan: WorkflowPlan, options: FormatPlanOptions = {}): string {
  const maxPerLevel = options.maxPerLevel ?? 50;
  const lines: string[] = [];
  const count = plan.tasks.length;
  const title = plan.name ? `Plan for "${plan.name}"` : 'Plan';
  lines.push(`${title}: ${plural(count, 'task')} in ${plural(plan.levels.length, 'level')}`);
  if (plan.max_parallel !== null) {
    lines.push(
      `  max_parallel ${plan.max_parallel}: at most ${plural(plan.max_parallel, 'task')} of it run at once`,
    );
  }
  if (plan.budget_usd !== null) {
    lines.push(
      `  budget $${plan.budget_usd.toFixed(2)}: once its recorded cost reaches this, nothing new starts and the rest is skipped`,
    );
  }
  const directories = new Set(plan.tasks.map((t) => t.task.working_directory));
  const [onlyDirectory] = directories;
  if (directories.size === 1 && onlyDirectory !== undefined)
    lines.push(`  working directory: ${onlyDirectory}`);
  const existing = Object.entries(plan.existing_dependencies);
  if (existing.length > 0) {
    lines.push(
      `  depends on existing tasks: ${existing.map(([id, status]) => `${id} (${status})`).join(', ')}`,
    );
  }

  const width = Math.min(
    30,
    Math.max(...plan.levels.flatMap((ids) => ids.slice(0, maxPerLevel).map((id) => id.length))),
  );
  let start = 0;
  plan.levels.forEach((ids, level) => {
    const tasks = plan.tasks.slice(start, start + ids.length);
    start += ids.length;
    lines.push('', levelHeading(level, ids.length, plan.max_parallel));
    const shown = tasks.slice(0, maxPerLevel);
    for (const task of shown) {
      const details = taskDetails(task, directories.size > 1);
      lines.push(
        `  ${details.length > 0 ? task.identifier.padEnd(width) : task.identifier}${details.length > 0 ? `  ${details.join(' · ')}` : ''}`,
      );
    }
    if (tasks.length > shown.length) lines.push(`  … and ${tasks.length - shown.length} more`);
  });

  lines.push('');
  const path = plan.critical_path;
  if (path.length > 1) {
    const shownPath = path.length > 12 ? [...path.slice(0, 5), '…', ...path.slice(-5)] : path;
    lines.push(`Critical path: ${shownPath.join(' → ')} (${path.length} tasks one after another)`);
  } else {
    lines.push('Critical path: 1 task (no task waits for another)');
  }
  if (plan.total_delay_seconds > 0) {
    lines.push(
      `Delays alone keep it running at least ${duration(plan.total_delay_seconds)} after submission (plus run times).`,
    );
  }
  return lines.join('\n');
}

function levelHeading(level: number, size: number, maxParallel: number | null): string {
  const heading = `Level ${level + 1} · ${plural(size, 'task')}`;
  if (size === 1) return heading;
  if (maxParallel !== null && maxParallel < size)
    return `${heading}, ready together; at most ${maxParallel} run at once (max_parallel)`;
  return `${heading}, in parallel`;
}

function taskDetails(task: PlannedTask, showDirectory: boolean): string[] {
  const details: string[] = [];
  if (task.depends_on.length > 0) {
    const deps =
      task.depends_on.length > 5
        ? [...task.depends_on.slice(0, 5), `and ${task.depends_on.length - 5} more`]
        : task.depends_on;
    details.push(`after ${deps.join(', ')}`);
  }
  if (task.initial_delay_seconds > 0)
    details.push(`starts ${duration(task.initial_delay_seconds)} after it is ready`);
  if (task.trigger_rule !== 'all_success') {
    details.push(`trigger ${task.trigger_rule} (${TRIGGER_RULE_DESCRIPTIONS[task.trigger_rule]})`);
  }
  if (task.result_references.length > 0)
    details.push(`uses the result of ${task.result_references.join(', ')}`);
  if (task.task.model !== undefined) details.push(`model ${task.task.model}`);
  if (task.task.priority !== undefined && task.task.priority !== 0)
    details.push(`priority ${task.task.priority}`);
  if (task.task.runs_on !== undefined && task.task.runs_on.length > 0)
    details.push(`on a worker labelled ${task.task.runs_on.join(' + ')}`);
  if (showDirectory) details.push(`in ${task.task.working_directory}`);
  return details;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** `45 s`, `2 min 5 s`, `1 h 2 min`. */
export function duration(seconds: number): string {
  const s = Math.round(seconds * 10) / 10;
  if (s < 60) return `${s} s`;
  const whole = Math.round(s);
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const rest = whole % 60;
  if (h > 0) return m > 0 ? `${h} h ${m} min` : `${h} h`;
  return rest > 0 ? `${m} min ${rest} s` : `${m} min`;
}
