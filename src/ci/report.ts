/**
 * What a CI run reports once the work has ended: one row per task (name, status, duration, cost, attempts, the
 * first line of its result or its failure's suggestion), laid out as a Markdown summary (GitHub's step summary, a
 * GitLab artefact), a JUnit report (GitLab's test view), the step outputs, and the one-line failure message for the
 * `::error::` annotation. Pure: the caller redacts and writes.
 */
import type { Orchestration, Task, TaskStatus } from '../domain/vocabulary.js';
import { formatCost, formatDuration, oneLine, truncate } from '../cli/format.js';

export interface ReportRow {
  task_id: number;
  /** The identifier inside a workflow, else `#<id>` and the prompt's first line. */
  name: string;
  status: TaskStatus;
  duration_ms: number | null;
  cost_usd: number | null;
  attempts: number;
  /** First line of the result; for a failure the failure's code and suggestion; for a skip why. */
  outcome: string;
  /** The whole failure text (`code: message`, then the suggestion), for JUnit. */
  failure: string | null;
}

/** The ended work: a single task or an orchestration, or a refusal before anything ran. */
export interface CiReport {
  kind: 'task' | 'workflow';
  /** `completed`, `failed`, `cancelled`, `skipped` (a task), or `error` when nothing could be started. */
  status: string;
  task_id: number | null;
  orchestration_id: number | null;
  /** The orchestration's name, when it has one. */
  title: string | null;
  cost_usd: number;
  rows: ReportRow[];
  /** Why the job fails, in one paragraph (null when it succeeds). */
  failure: string | null;
}

const CELL_WIDTH = 160;

export function rowOf(task: Task): ReportRow {
  const name = task.identifier ?? `#${task.id} ${truncate(oneLine(task.execution_prompt), 60)}`;
  const duration =
    task.started_at !== null && task.finished_at !== null
      ? Date.parse(task.finished_at) - Date.parse(task.started_at)
      : null;
  let outcome = '';
  let failure: string | null = null;
  if (task.status === 'completed') outcome = firstLine(task.result ?? '');
  else if (task.error) {
    outcome = `${task.error.code}: ${oneLine(task.error.suggestion || task.error.message)}`;
    failure = `${task.error.code}: ${oneLine(task.error.message)}\n${task.error.suggestion}`;
  } else if (task.status_reason) outcome = oneLine(task.status_reason);
  else outcome = oneLine(task.last_action ?? '');
  if (failure === null && (task.status === 'failed' || task.status === 'cancelled'))
    failure = outcome || task.status;
  return {
    task_id: task.id,
    name,
    status: task.status,
    duration_ms: duration,
    cost_usd: task.cost_usd,
    attempts: task.attempt_count,
    outcome: truncate(outcome, CELL_WIDTH),
    failure,
  };
}

export function taskReport(task: Task): CiReport {
  const row = rowOf(task);
  return {
    kind: 'task',
    status: task.status,
    task_id: task.id,
    orchestration_id: null,
    title: null,
    cost_usd: task.cost_usd ?? 0,
    rows: [row],
    failure:
      task.status === 'completed'
        ? null
        : `Task ${task.id} ${task.status}: ${row.failure?.replace('\n', ' — ') ?? row.outcome}`,
  };
}

export function workflowReport(orchestration: Orchestration & { tasks: Task[] }): CiReport {
  const rows = orchestration.tasks.map(rowOf);
  const name = orchestration.name ? ` (${orchestration.name})` : '';
  let failure: string | null = null;
  if (orchestration.status !== 'completed') {
    const broken = rows.filter((row) => row.status === 'failed' || row.status === 'cancelled');
    const what = broken.map((row) => `${row.name}: ${row.failure?.replace('\n', ' — ') ?? row.status}`);
    const reason = orchestration.status_reason ? [orchestration.status_reason] : [];
    failure = `Orchestration ${orchestration.id}${name} ${orchestration.status}: ${[...reason, ...what].join('; ') || 'see the tasks above'}`;
  }
  return {
    kind: 'workflow',
    status: orchestration.status,
    task_id: null,
    orchestration_id: orchestration.id,
    title: orchestration.name,
    cost_usd: orchestration.cost_usd,
    rows,
    failure,
  };
}

/** Nothing ran: the inputs or the CLI refused (its message says why). */
export function errorReport(kind: 'task' | 'workflow', message: string): CiReport {
  return {
    kind,
    status: 'error',
    task_id: null,
    orchestration_id: null,
    title: null,
    cost_usd: 0,
    rows: [],
    failure: message.trim(),
  };
}

const ICON: Record<string, string> = {
  completed: '✅',
  failed: '❌',
  cancelled: '⛔',
  skipped: '⏭️',
  error: '❌',
};

export function heading(report: CiReport): string {
  const what =
    report.kind === 'task'
      ? report.task_id === null
        ? 'task'
        : `task ${report.task_id}`
      : report.orchestration_id === null
        ? 'workflow'
        : `orchestration ${report.orchestration_id}${report.title ? ` (${report.title})` : ''}`;
  const status = report.status === 'error' ? 'could not start' : report.status;
  return `${ICON[report.status] ?? ''} claude-worker: ${what} ${status}`.trim();
}

/** The Markdown summary: a heading, the table, the total cost and, on failure, what to do. */
export function markdownSummary(report: CiReport): string {
  const lines = [`### ${escapeMarkdown(heading(report))}`, ''];
  if (report.rows.length > 0) {
    lines.push('| Task | Status | Duration | Cost | Attempts | Result or suggestion |');
    lines.push('| --- | --- | --- | --- | --- | --- |');
    for (const row of report.rows)
      lines.push(
        `| ${cell(row.name)} | ${ICON[row.status] ?? ''} ${row.status} | ${row.duration_ms === null ? '-' : formatDuration(row.duration_ms)} | ${formatCost(row.cost_usd)} | ${row.attempts} | ${cell(row.outcome)} |`,
      );
    lines.push('', `Total cost: ${formatCost(report.cost_usd)}.`);
  }
  if (report.failure !== null) lines.push('', `**What to do:** ${escapeMarkdown(oneLine(report.failure))}`);
  return `${lines.join('\n')}\n`;
}

/** A JUnit report: one test case per task; failed and cancelled tasks are failures, skipped ones skipped. */
export function junitReport(report: CiReport): string {
  const suite = report.kind === 'workflow' ? heading(report).replace(/^\S+ /, '') : 'claude-worker';
  const failures = report.rows.filter((r) => r.status === 'failed' || r.status === 'cancelled').length;
  const errors = report.status === 'error' ? 1 : 0;
  const skipped = report.rows.filter((r) => r.status === 'skipped').length;
  const seconds = report.rows.reduce((sum, r) => sum + (r.duration_ms ?? 0), 0) / 1000;
  const cases = report.rows.map((row) => {
    const open = `    <testcase classname="claude-worker" name="${xml(row.name)}" time="${((row.duration_ms ?? 0) / 1000).toFixed(3)}">`;
    const out = `      <system-out>${xml(`status ${row.status}, ${row.attempts} attempt(s), cost ${formatCost(row.cost_usd)}: ${row.outcome}`)}</system-out>`;
    if (row.status === 'failed' || row.status === 'cancelled')
      return [
        open,
        `      <failure message="${xml(firstLine(row.failure ?? row.status))}">${xml(row.failure ?? '')}</failure>`,
        out,
        '    </testcase>',
      ].join('\n');
    if (row.status === 'skipped')
      return [open, `      <skipped message="${xml(row.outcome)}"/>`, out, '    </testcase>'].join('\n');
    return [open, out, '    </testcase>'].join('\n');
  });
  if (errors > 0)
    cases.push(
      `    <testcase classname="claude-worker" name="start"><error message="${xml(firstLine(report.failure ?? ''))}">${xml(report.failure ?? '')}</error></testcase>`,
    );
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites tests="${report.rows.length + errors}" failures="${failures}" errors="${errors}" time="${seconds.toFixed(3)}">`,
    `  <testsuite name="${xml(suite)}" tests="${report.rows.length + errors}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="${seconds.toFixed(3)}">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

/** The step outputs (GitHub `$GITHUB_OUTPUT`, GitLab dotenv), by name; single-line values. */
export function outputs(
  report: CiReport,
  paths: { result: string; summary: string },
): Record<string, string> {
  return {
    status: report.status,
    'task-id': report.task_id === null ? '' : String(report.task_id),
    'orchestration-id': report.orchestration_id === null ? '' : String(report.orchestration_id),
    'cost-usd': report.cost_usd.toFixed(4),
    'result-path': paths.result,
    'summary-path': paths.summary,
  };
}

/** The result file: the task's whole result, or each workflow task's under its name. */
export function resultText(report: CiReport, tasks: Task[]): string {
  if (report.kind === 'task') {
    const task = tasks[0];
    if (!task) return '';
    return task.result ?? (task.error ? `${task.error.message}\n\n${task.error.suggestion}\n` : '');
  }
  return tasks
    .map((task) => {
      const body = task.result ?? task.error?.suggestion ?? task.status_reason ?? '';
      return `## ${task.identifier ?? `#${task.id}`} (${task.status})\n\n${body.trim()}\n`;
    })
    .join('\n');
}

function firstLine(text: string): string {
  const line = text.split('\n').find((l) => l.trim() !== '') ?? '';
  return truncate(oneLine(line), CELL_WIDTH);
}

/** A table cell: one line, `|` escaped, no raw HTML. */
function cell(text: string): string {
  return escapeMarkdown(oneLine(text)).replace(/\|/g, '\\|');
}

function escapeMarkdown(text: string): string {
  return text.replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function xml(text: string): string {
  return (
    text
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      // eslint-disable-next-line no-control-regex -- XML 1.0 forbids these characters
      .replace(/[\x00-\x08\x0b\x0c\x0e-\x1f]/g, '')
  );
}
