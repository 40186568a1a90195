/**
 * The sound and desktop notice at the end of `watch`, `run --watch` and an orchestration's `--watch`: the person
 * who watched hears it on their own machine, whatever machine the server is on. On unless `sound` /
 * `desktop_notify` say otherwise (`auto`: on at a terminal, off in CI), or the task's or orchestration's own
 * `notify` settings turn it off (or leave out this ending). Never delays or changes the exit.
 */
import type { OrchestrationDetail, Task } from '../domain/vocabulary.js';
import { endingWanted } from '../domain/notify-options.js';
import { NEEDS_ATTENTION_CODES, type WebhookEventType } from '../domain/webhooks.js';
import { LocalAlerts } from '../notify/local-alerts.js';
import type { CliContext } from './context.js';

function alertsFor(context: CliContext): LocalAlerts {
  return LocalAlerts.fromConfig(
    context.loaded.config,
    { terminal: context.io.stdout.isTTY === true, env: context.io.env },
    { platform: process.platform, env: context.io.env },
    (message) =>
      context.note(`note: ${message}. Set CLAUDE_WORKER_SOUND_PLAYER, or CLAUDE_WORKER_SOUND=off.`),
  );
}

export function alertTaskEnd(context: CliContext, task: Task): void {
  const name = task.identifier ? ` (${task.identifier})` : '';
  const attention = task.error !== null && NEEDS_ATTENTION_CODES.includes(task.error.code);
  const type: WebhookEventType = task.status === 'completed' ? 'task.completed' : 'task.failed';
  if (!endingWanted(task.notify, type, task.error?.code ?? null)) return;
  alertsFor(context).tell({
    title: attention
      ? `Task ${task.id}${name} ${task.status}: needs attention`
      : `Task ${task.id}${name} ${task.status}`,
    status: task.status,
    lines: [firstLine(task.execution_prompt), task.error?.suggestion],
    notify: task.notify,
  });
}

export function alertOrchestrationEnd(context: CliContext, detail: OrchestrationDetail): void {
  const name = detail.name ? ` (${detail.name})` : '';
  const tally = Object.entries(detail.counts)
    .filter(([, n]) => n > 0)
    .map(([status, n]) => `${n} ${status}`)
    .join(', ');
  const type: WebhookEventType =
    detail.status === 'completed' ? 'orchestration.completed' : 'orchestration.failed';
  if (!endingWanted(detail.notify, type, null)) return;
  alertsFor(context).tell({
    title: `Orchestration ${detail.id}${name} ${detail.status}`,
    status: detail.status,
    lines: [tally, detail.status_reason],
    notify: detail.notify,
  });
}

function firstLine(text: string): string {
  const line = text.split('\n').find((l) => l.trim() !== '') ?? '';
  return line.length > 100 ? `${line.slice(0, 99)}…` : line;
}
