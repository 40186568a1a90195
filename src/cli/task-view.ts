/**
 * How a task reads to a person: the line printed when it is queued, the one-line progress of `watch`, the end
 * summary (result, or error with its suggestion), the `status` details and the `list` row. Pure text; no I/O.
 */
import { describeNotify } from '../domain/notify-options.js';
import type { TaskWithAttempts } from '../client/http-client.js';
import type { Attempt, Task } from '../domain/vocabulary.js';
import {
  firstLine,
  fitPair,
  formatAge,
  formatCost,
  formatDuration,
  oneLine,
  truncate,
  type Cell,
} from './format.js';

export function elapsedMs(task: Task, now: number = Date.now()): number | null {
  if (!task.started_at) return null;
  const end = task.finished_at ? Date.parse(task.finished_at) : now;
  return end - Date.parse(task.started_at);
}

export function queuedLine(task: Task): string {
  return `Task ${task.id} ${task.status} (${task.model}, ${task.working_directory}). Follow it: claude-worker watch ${task.id}`;
}

/** `Task 12 running · [tool:Bash] npm test · 3 turns · $0.0123 · 1m 03s` */
export function progressLine(task: Task, now: number = Date.now(), withElapsed = true): string {
  const parts = [`Task ${task.id} ${task.status}`];
  if (task.status === 'queued' && task.attempt_count > 0) parts[0] += ` (${nextAttempt(task)})`;
  if (task.status_reason && (task.status === 'queued' || task.status === 'waiting'))
    parts.push(task.status_reason);
  if (task.last_action) parts.push(oneLine(task.last_action));
  if (task.num_turns !== null) parts.push(`${task.num_turns} turn${task.num_turns === 1 ? '' : 's'}`);
  if (task.cost_usd !== null) parts.push(formatCost(task.cost_usd));
  const elapsed = elapsedMs(task, now);
  if (withElapsed && elapsed !== null) parts.push(formatDuration(elapsed));
  return parts.join(' · ');
}

/** What is printed when a task has ended: the result, or the error and what to do about it. */
export function endLines(task: Task): string[] {
  const elapsed = elapsedMs(task);
  const facts = [
    elapsed === null ? null : `in ${formatDuration(elapsed)}`,
    task.num_turns === null ? null : `${task.num_turns} turn${task.num_turns === 1 ? '' : 's'}`,
    task.cost_usd === null ? null : formatCost(task.cost_usd),
  ].filter((fact): fact is string => fact !== null);
  const lines = [`Task ${task.id} ${task.status}${facts.length ? ` ${facts.join(' · ')}` : ''}`];
  if (task.status === 'completed') {
    lines.push('', task.result ?? '(no result text)');
    return lines;
  }
  if (task.error) {
    lines.push(`error (${task.error.code}): ${task.error.message}`);
    if (task.error.exit_meaning) lines.push(`exit: ${task.error.exit_meaning}`);
    lines.push(`suggestion: ${task.error.suggestion}`);
  } else if (task.status_reason) {
    lines.push(`reason: ${task.status_reason}`);
  }
  if (task.status === 'failed' || task.status === 'cancelled')
    lines.push(`Run it again: ${retryCommand(task)}`);
  return lines;
}

/** Which counted attempt comes next: `attempt 2 of 3`, `attempt 2 of 3, 4 not counted`. */
export function nextAttempt(task: Task): string {
  const counted = task.attempt_count - task.uncounted_attempts;
  const uncounted = task.uncounted_attempts > 0 ? `, ${task.uncounted_attempts} not counted` : '';
  return `attempt ${counted + 1} of ${task.max_attempts}${uncounted}`;
}

/**
 * `3 of 3`, or with attempts that did not count against max_attempts:
 * `3 of 3 (2 interrupted by a stopped worker, 1 rate-limit wait, not counted)`.
 */
export function attemptsText(task: Task, attempts: readonly Attempt[]): string {
  const counted = task.attempt_count - task.uncounted_attempts;
  const text = `${counted} of ${task.max_attempts}`;
  if (task.uncounted_attempts === 0) return text;
  const stopped = attempts.filter((a) => !a.counted && a.status === 'interrupted').length;
  const waits = attempts.filter((a) => !a.counted && a.status !== 'interrupted').length;
  const kinds = [
    stopped > 0 ? `${stopped} interrupted by a stopped worker` : null,
    waits > 0 ? `${waits} rate-limit wait${waits === 1 ? '' : 's'}` : null,
  ].filter((kind): kind is string => kind !== null);
  const which = kinds.length > 0 ? kinds.join(', ') : `${task.uncounted_attempts}`;
  return `${text} (${which}, not counted)`;
}

/**
 * The command that runs a task again. When its failure's suggestion names a retry with changed settings (as root:
 * `claude-worker retry 7 --permission-mode acceptEdits`), that one: a plain retry would fail the same way.
 */
export function retryCommand(task: Pick<Task, 'id' | 'error'>): string {
  const plain = `claude-worker retry ${task.id}`;
  const suggested = task.error?.suggestion.match(
    /`(claude-worker retry (\d+)(?: --?[a-z][\w-]*(?:[ =][^`\s]+)?)+)`/,
  );
  return suggested && Number(suggested[2]) === task.id ? suggested[1]! : plain;
}

function field(name: string, value: string): string {
  return `  ${name.padEnd(12)}${value}`;
}

export function statusLines(task: TaskWithAttempts, now: number = Date.now()): string[] {
  const prompt = task.execution_prompt.split('\n');
  const shownPrompt =
    truncate(prompt.slice(0, 3).join(' ⏎ '), 300) +
    (prompt.length > 3 ? ` (+${prompt.length - 3} lines)` : '');
  const elapsed = elapsedMs(task, now);
  const lines = [
    `Task ${task.id} · ${task.status}${task.cancel_requested && task.status === 'running' ? ' (cancel requested)' : ''}`,
    field('prompt', shownPrompt),
    field('directory', task.working_directory),
    field(
      'model',
      `${task.model} · permission ${task.permission_mode}${task.max_turns ? ` · max ${task.max_turns} turns` : ''}`,
    ),
    field('created', `${task.created_at} (${formatAge(task.created_at, now)})`),
  ];
  if (task.started_at) lines.push(field('started', task.started_at));
  if (task.finished_at) lines.push(field('finished', task.finished_at));
  if (elapsed !== null) lines.push(field('elapsed', formatDuration(elapsed)));
  lines.push(field('attempts', attemptsText(task, task.attempts)));
  if (task.tags.length) lines.push(field('tags', task.tags.join(', ')));
  if (task.runs_on.length) lines.push(field('runs on', `a worker labelled ${task.runs_on.join(' + ')}`));
  const notify = describeNotify(task.notify);
  if (notify) lines.push(field('notify', notify));
  if (task.status === 'running' && task.worker_id) lines.push(field('worker', task.worker_id));
  if (task.num_turns !== null || task.cost_usd !== null) {
    lines.push(
      field(
        'usage',
        `${task.num_turns ?? 0} turn${task.num_turns === 1 ? '' : 's'} · ${formatCost(task.cost_usd)}`,
      ),
    );
  }
  if (task.session_id) lines.push(field('session', task.session_id));
  if (task.last_action) lines.push(field('last action', truncate(oneLine(task.last_action), 200)));
  if (task.status_reason) lines.push(field('reason', task.status_reason));
  if (task.result !== null) lines.push(field('result', truncate(oneLine(task.result), 500)));
  if (task.error) {
    lines.push(field('error', `${task.error.code}: ${task.error.message}`));
    if (task.error.exit_meaning) lines.push(field('exit', task.error.exit_meaning));
    lines.push(field('suggestion', task.error.suggestion));
  }
  if (task.attempts.length) {
    lines.push('  attempts');
    for (const attempt of task.attempts) lines.push(`    ${attemptLine(attempt)}`);
  }
  if (task.log_path) lines.push(field('log', `${task.log_path} (claude-worker logs ${task.id})`));
  return lines;
}

function attemptLine(attempt: Attempt): string {
  const parts = [`#${attempt.number} ${attempt.status}`, attempt.started_at];
  if (attempt.duration_ms !== null) parts.push(formatDuration(attempt.duration_ms));
  if (attempt.cost_usd !== null) parts.push(formatCost(attempt.cost_usd));
  if (attempt.resumed_session_id) parts.push(`resumed ${attempt.resumed_session_id}`);
  if (attempt.error) parts.push(`${attempt.error.code}: ${truncate(oneLine(attempt.error.message), 120)}`);
  if (attempt.orphan_stopped_at) {
    parts.push(
      `its Claude Code process (pid ${attempt.child_pid}) outlived the worker: orphan stopped ${attempt.orphan_stopped_at}`,
    );
  }
  return parts.join(' · ');
}

export const LIST_HEADERS = ['ID', 'STATUS', 'MODEL', 'AGE', 'ELAPSED', 'COST', 'PROMPT → OUTCOME'];

/**
 * A `list` row. Its last cell is what the task was asked (the prompt's first line), then, where there is room, how
 * it stands: the result's first line, the error, the last action of a running task, or why it waits.
 */
export function listRow(task: Task, now: number = Date.now()): Cell[] {
  const elapsed = elapsedMs(task, now);
  const prompt = firstLine(task.execution_prompt);
  const outcome = firstLine(outcomeText(task));
  return [
    String(task.id),
    task.status,
    task.model,
    formatAge(task.created_at, now),
    elapsed === null ? '-' : formatDuration(elapsed),
    formatCost(task.cost_usd),
    (width) => fitPair(prompt, outcome, width),
  ];
}

function outcomeText(task: Task): string {
  if (task.status === 'completed') return task.result ?? '';
  if (task.error) return `${task.error.code}: ${task.error.message}`;
  if (task.status === 'running') return task.last_action ?? '';
  return task.status_reason ?? '';
}
