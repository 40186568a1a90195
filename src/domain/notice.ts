/**
 * What a notification says about one ended task or orchestration, in plain data: the webhook `data` object and the
 * few readable lines every channel (Slack, Discord, the desktop, the terminal) shows. Built from the stored event
 * (the status and its failure as they were when it happened) and the record read at delivery (result, cost,
 * prompt). Pure.
 */
import type { WebhookEventType } from './webhooks.js';
import type { Orchestration, Task, TaskEvent } from './vocabulary.js';

/** How much of a result a notice quotes. */
export const PREVIEW_LINES = 5;
export const PREVIEW_CHARS = 600;

export interface Notice {
  type: WebhookEventType;
  /** The event's time, ISO-8601. */
  timestamp: string;
  /** "Task 12 completed", "Orchestration 3 (release) failed". */
  title: string;
  /** `completed`, `failed`, `cancelled`. */
  status: string;
  duration_seconds: number | null;
  cost_usd: number | null;
  /** The first lines of the result (completed), or the failure's message and what to do (failed, cancelled). */
  detail: string | null;
  link: string | null;
  /** The webhook `data` object (snake_case; `task_id` for task events). */
  data: Record<string, unknown>;
}

/** The first `PREVIEW_LINES` non-empty lines of a text, at most `PREVIEW_CHARS` characters, marked when cut. */
export function previewOf(text: string | null | undefined): string | null {
  if (!text) return null;
  const lines = text
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l.trim() !== '');
  let preview = lines.slice(0, PREVIEW_LINES).join('\n');
  let cut = lines.length > PREVIEW_LINES;
  if (preview.length > PREVIEW_CHARS) {
    preview = preview.slice(0, PREVIEW_CHARS);
    cut = true;
  }
  return cut ? `${preview}…` : preview;
}

function firstLine(text: string, max = 80): string {
  const line = text.split('\n').find((l) => l.trim() !== '') ?? '';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

function seconds(from: string | null, to: string | null): number | null {
  if (!from || !to) return null;
  return Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / 100) / 10);
}

/** `https://host:port` + path, or null without a base. */
function linkTo(base: string | null, path: string): string | null {
  return base ? `${base.replace(/\/+$/, '')}${path}` : null;
}

export function taskNotice(
  type: WebhookEventType,
  event: TaskEvent,
  task: Task | undefined,
  dashboardBase: string | null,
): Notice {
  const taskId = event.task_id ?? 0;
  const status = event.to_status ?? type.slice('task.'.length);
  const failure =
    typeof event.data['code'] === 'string'
      ? {
          code: event.data['code'],
          message: event.data['message'] ?? null,
          suggestion: event.data['suggestion'] ?? null,
        }
      : null;
  const eventDuration =
    typeof event.data['duration_ms'] === 'number' ? event.data['duration_ms'] / 1000 : null;
  const duration = eventDuration ?? seconds(task?.started_at ?? null, task?.finished_at ?? event.created_at);
  const cost = task?.cost_usd ?? null;
  const preview = status === 'completed' ? previewOf(task?.result) : null;
  const link = linkTo(dashboardBase, `/tasks/${taskId}`);
  const name = task?.identifier ? ` (${task.identifier})` : '';
  const title =
    type === 'task.needs_attention'
      ? `Task ${taskId}${name} needs attention`
      : `Task ${taskId}${name} ${status}`;
  const detail =
    preview ??
    (failure
      ? [failure.message, failure.suggestion].filter((s): s is string => typeof s === 'string').join('\n')
      : null);
  return {
    type,
    timestamp: event.created_at,
    title,
    status,
    duration_seconds: duration,
    cost_usd: cost,
    detail: detail || null,
    link,
    data: {
      task_id: taskId,
      orchestration_id: event.orchestration_id,
      identifier: task?.identifier ?? null,
      status,
      model: task?.model ?? null,
      prompt: task ? firstLine(task.execution_prompt) : null,
      attempts: task?.attempt_count ?? null,
      duration_seconds: duration,
      cost_usd: cost,
      num_turns: task?.num_turns ?? null,
      result_preview: preview,
      failure,
      suggestion: failure?.suggestion ?? null,
      dashboard_url: link,
    },
  };
}

export function orchestrationNotice(
  type: WebhookEventType,
  event: TaskEvent,
  orchestration: Orchestration | undefined,
  dashboardBase: string | null,
): Notice {
  const id = event.orchestration_id ?? 0;
  const status = typeof event.data['status'] === 'string' ? event.data['status'] : type.split('.')[1]!;
  const cost =
    typeof event.data['cost_usd'] === 'number' ? event.data['cost_usd'] : (orchestration?.cost_usd ?? null);
  const counts = (event.data['counts'] ?? orchestration?.counts ?? null) as Record<string, number> | null;
  const duration = seconds(orchestration?.created_at ?? null, orchestration?.finished_at ?? event.created_at);
  const link = linkTo(dashboardBase, `/orchestrations/${id}`);
  const name = orchestration?.name ? ` (${orchestration.name})` : '';
  const tally = counts
    ? Object.entries(counts)
        .filter(([, n]) => n > 0)
        .map(([s, n]) => `${n} ${s}`)
        .join(', ')
    : '';
  const detail = [tally, orchestration?.status_reason ?? ''].filter((s) => s !== '').join('\n');
  return {
    type,
    timestamp: event.created_at,
    title: `Orchestration ${id}${name} ${status}`,
    status,
    duration_seconds: duration,
    cost_usd: cost,
    detail: detail || null,
    link,
    data: {
      orchestration_id: id,
      name: orchestration?.name ?? null,
      status,
      counts,
      duration_seconds: duration,
      cost_usd: cost,
      status_reason: orchestration?.status_reason ?? null,
      dashboard_url: link,
    },
  };
}

/** `4.2s`, `2m 5s`, `1h 3m`. */
export function shortDuration(seconds: number): string {
  if (seconds < 60) return `${Math.round(seconds * 10) / 10}s`;
  const s = Math.round(seconds);
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
}

/** "status: completed · duration: 2m 5s · cost: $0.0312" — the figures line every channel shows. */
export function figuresLine(notice: Notice): string {
  const parts: string[] = [`status: ${notice.status}`];
  if (notice.duration_seconds !== null) parts.push(`duration: ${shortDuration(notice.duration_seconds)}`);
  if (notice.cost_usd !== null) parts.push(`cost: $${notice.cost_usd.toFixed(4)}`);
  return parts.join(' · ');
}
