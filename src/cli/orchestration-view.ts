/**
 * How an orchestration reads to a person: the tree of its tasks (indented by dependency level, with id, status,
 * elapsed, cost and the last action, result, error or skip reason), its one-line summary, what is printed when it
 * has ended, the line printed for one task's change when output is not a terminal, and the
 * `list-orchestrations` row. Pure text; no I/O. Following it live is orchestration-watch.ts's job.
 */
import { ClaudeWorkerError } from '../domain/errors.js';
import {
  TASK_STATUSES,
  TERMINAL_STATUSES,
  type Orchestration,
  type OrchestrationDetail,
  type OrchestrationTask,
} from '../domain/vocabulary.js';
import { idTextProblem } from '../contract/numbers.js';
import { formatAge, formatCost, formatDuration, oneLine, truncate } from './format.js';
import { elapsedMs, nextAttempt, retryCommand } from './task-view.js';

/** An orchestration id argument; a usage error (exit 2) otherwise. */
export function parseOrchestrationId(text: string): number {
  const problem = idTextProblem('An orchestration id', text.trim());
  if (problem) {
    throw new ClaudeWorkerError(
      'validation',
      `${problem}. List them with \`claude-worker list-orchestrations\`.`,
    );
  }
  return Number(text.trim());
}

const NAME_WIDTH_LIMIT = 40;

export function isFinished(orchestration: Orchestration): boolean {
  return (
    orchestration.status === 'completed' ||
    orchestration.status === 'failed' ||
    orchestration.status === 'cancelled'
  );
}

/** `2 completed, 1 failed, 1 skipped` (statuses with no task are left out). */
export function countsText(orchestration: Orchestration): string {
  const parts = TASK_STATUSES.filter((s) => orchestration.counts[s] > 0).map(
    (s) => `${orchestration.counts[s]} ${s}`,
  );
  return parts.length > 0 ? parts.join(', ') : 'no tasks';
}

function finishedCount(orchestration: Orchestration): number {
  return TERMINAL_STATUSES.reduce((sum, status) => sum + orchestration.counts[status], 0);
}

/** `Orchestration 3 "release-check" running · 2 of 5 finished · $0.0246 · 12s` */
export function headerLine(
  orchestration: Orchestration,
  now: number = Date.now(),
  withElapsed = true,
): string {
  const name = orchestration.name ? ` "${orchestration.name}"` : '';
  const state =
    orchestration.cancel_requested && !isFinished(orchestration)
      ? `${orchestration.status} (cancel requested)`
      : orchestration.status;
  const parts = [
    `Orchestration ${orchestration.id}${name} ${state}`,
    `${finishedCount(orchestration)} of ${orchestration.task_count} finished`,
    formatCost(orchestration.cost_usd),
  ];
  const end = orchestration.finished_at ? Date.parse(orchestration.finished_at) : now;
  if (withElapsed) parts.push(formatDuration(end - Date.parse(orchestration.created_at)));
  return parts.join(' · ');
}

/** Dependency level of each task (0: depends on nothing). Tasks are created dependencies first, so ids are in order. */
export function taskLevels(tasks: readonly OrchestrationTask[]): Map<number, number> {
  const byIdentifier = new Map<string, OrchestrationTask>();
  for (const task of tasks) if (task.identifier !== null) byIdentifier.set(task.identifier, task);
  const levels = new Map<number, number>();
  for (const task of [...tasks].sort((a, b) => a.id - b.id)) {
    let level = 0;
    for (const dep of task.depends_on) {
      const parent = byIdentifier.get(dep);
      const parentLevel = parent === undefined ? undefined : levels.get(parent.id);
      if (parentLevel !== undefined) level = Math.max(level, parentLevel + 1);
    }
    levels.set(task.id, level);
  }
  return levels;
}

/** What to say about a task after its status: what it waits for, its last action, result, error or skip reason. */
export function taskDetail(
  task: OrchestrationTask,
  detail: OrchestrationDetail,
  now: number = Date.now(),
): string {
  switch (task.status) {
    case 'waiting': {
      const unfinished = new Set(
        detail.tasks
          .filter((t) => t.identifier !== null && !TERMINAL_STATUSES.includes(t.status))
          .map((t) => t.identifier),
      );
      const waitsFor = task.depends_on.filter((dep) => unfinished.has(dep));
      return waitsFor.length > 0 ? `waits for ${waitsFor.join(', ')}` : (task.status_reason ?? 'waiting');
    }
    case 'queued': {
      const startsIn = task.run_after ? Date.parse(task.run_after) - now : 0;
      const attempt = task.attempt_count > 0 ? ` (${nextAttempt(task)})` : '';
      if (startsIn > 1000) return `starts in ${formatDuration(startsIn)}${attempt}`;
      return `${task.status_reason ?? 'ready'}${attempt}`;
    }
    case 'running':
      return `${task.cancel_requested ? 'stopping (cancel requested) · ' : ''}${oneLine(task.last_action ?? 'starting')}`;
    case 'completed':
      return oneLine(task.result ?? '(no result text)');
    case 'failed':
      return task.error ? `${task.error.code}: ${oneLine(task.error.message)}` : (task.status_reason ?? '');
    case 'cancelled':
    case 'skipped':
      return task.status_reason ?? '';
  }
}

/** Tasks in display order: level by level, then by id. */
function ordered(detail: OrchestrationDetail): Array<{ task: OrchestrationTask; level: number }> {
  const levels = taskLevels(detail.tasks);
  return detail.tasks
    .map((task) => ({ task, level: levels.get(task.id) ?? 0 }))
    .sort((a, b) => a.level - b.level || a.task.id - b.task.id);
}

export interface TreeOptions {
  now?: number;
  /** Cut each line to this width (a terminal's). */
  width?: number;
  /** Show at most this many task lines; the rest are counted. */
  maxTasks?: number;
}

/** The header and one line per task, indented by dependency level. */
export function treeLines(detail: OrchestrationDetail, options: TreeOptions = {}): string[] {
  const now = options.now ?? Date.now();
  const width = options.width ?? Number.POSITIVE_INFINITY;
  const rows = ordered(detail);
  const shown =
    options.maxTasks !== undefined && rows.length > options.maxTasks
      ? rows.slice(0, Math.max(0, options.maxTasks - 1))
      : rows;
  const names = shown.map(({ task, level }) => `${'  '.repeat(level)}${task.identifier ?? `#${task.id}`}`);
  const nameWidth = Math.min(NAME_WIDTH_LIMIT, Math.max(0, ...names.map((n) => n.length)));
  const idWidth = Math.max(0, ...shown.map(({ task }) => String(task.id).length + 1));
  const lines = [truncate(headerLine(detail, now), width)];
  shown.forEach(({ task }, i) => {
    const elapsed = elapsedMs(task, now);
    const cells = [
      truncate(names[i] ?? '', nameWidth).padEnd(nameWidth),
      `#${task.id}`.padEnd(idWidth),
      task.status.padEnd(9),
      (elapsed === null ? '-' : formatDuration(elapsed)).padEnd(7),
      formatCost(task.cost_usd).padEnd(7),
      taskDetail(task, detail, now),
    ];
    lines.push(truncate(`  ${cells.join('  ')}`.trimEnd(), width));
  });
  if (shown.length < rows.length) {
    lines.push(
      `  … and ${rows.length - shown.length} more tasks (claude-worker orchestration-status ${detail.id} --json)`,
    );
  }
  return lines;
}

/** One line for a task that changed, when output is not a terminal: `  test #19 running · [tool:Bash] npm test`. */
export function changeLine(
  task: OrchestrationTask,
  detail: OrchestrationDetail,
  now: number = Date.now(),
): string {
  const parts = [`  ${task.identifier ?? `#${task.id}`} #${task.id} ${task.status}`];
  if (TERMINAL_STATUSES.includes(task.status)) {
    const elapsed = elapsedMs(task, now);
    if (elapsed !== null) parts.push(formatDuration(elapsed));
    if (task.cost_usd !== null) parts.push(formatCost(task.cost_usd));
  }
  const said = taskDetail(task, detail, now);
  if (said) parts.push(truncate(said, 200));
  return parts.join(' · ');
}

/**
 * What is printed once it has ended: the outcome, its reason, and how to run failed tasks again (a retried task's
 * skipped dependents wait for it again).
 */
export function endLines(detail: OrchestrationDetail): string[] {
  const lines = [
    `Orchestration ${detail.id} ${detail.status}: ${countsText(detail)} · ${formatCost(detail.cost_usd)}`,
  ];
  if (detail.status_reason) lines.push(`reason: ${detail.status_reason}`);
  const failed = detail.tasks.filter(
    (t) => t.status === 'failed' || (t.status === 'cancelled' && detail.status !== 'cancelled'),
  );
  for (const task of failed.slice(0, 10)) {
    lines.push(`Retry ${task.identifier ?? `task ${task.id}`} (${task.status}): ${retryCommand(task)}`);
  }
  if (failed.length > 10) lines.push(`… and ${failed.length - 10} more failed tasks`);
  return lines;
}

/** The line printed when an orchestration is submitted. */
export function submittedLine(detail: OrchestrationDetail): string {
  const waiting = detail.counts.waiting;
  const ready = detail.task_count - waiting - finishedCount(detail);
  return `Orchestration ${detail.id} submitted: ${detail.task_count} task${detail.task_count === 1 ? '' : 's'} (${ready} ready, ${waiting} waiting).`;
}

export const LIST_HEADERS = ['ID', 'STATUS', 'NAME', 'TASKS', 'AGE', 'COST', 'COUNTS'];

export function listRow(orchestration: Orchestration, now: number = Date.now()): string[] {
  return [
    String(orchestration.id),
    orchestration.status,
    orchestration.name ?? '-',
    `${finishedCount(orchestration)}/${orchestration.task_count}`,
    formatAge(orchestration.created_at, now),
    formatCost(orchestration.cost_usd),
    countsText(orchestration),
  ];
}
