/**
 * The server's own sounds and desktop notices, for a server that runs on the person's machine (started from a
 * terminal, or with `sound` / `desktop_notify` set to `on`): each task ending committed by this process
 * (completed, failed, needing attention) and each orchestration ending plays its sound and shows a notice, as the
 * task's (or orchestration's) own `notify` settings allow. Off the engine's path: the listener only starts detached
 * programs.
 */
import { orchestrationNotice, taskNotice, type Notice } from '../domain/notice.js';
import { endingWanted } from '../domain/notify-options.js';
import { webhookTypesFor, type WebhookEventType } from '../domain/webhooks.js';
import type { NotifyOptions, TaskEvent } from '../domain/vocabulary.js';
import type { Store } from '../store/store.js';
import type { LocalAlerts } from './local-alerts.js';

const HEARD: readonly WebhookEventType[] = [
  'task.needs_attention',
  'task.completed',
  'task.failed',
  'orchestration.completed',
  'orchestration.failed',
];

/** Starts listening; returns the function that stops. */
export function startLocalNotices(
  store: Store,
  alerts: LocalAlerts,
  onError: (err: unknown) => void,
): () => void {
  if (!alerts.active) return () => {};
  return store.onEvents((events) => {
    for (const event of events) {
      const types = webhookTypesFor(event);
      // One notice per event: "needs attention" says more than "failed" about the same ending.
      const type = HEARD.find((t) => types.includes(t));
      if (type) noticeOf(store, type, event).then((n) => tell(alerts, n, event), onError);
    }
  });
}

interface Told {
  notice: Notice;
  /** The ended task's or orchestration's own settings. */
  notify: NotifyOptions | null;
}

async function noticeOf(store: Store, type: WebhookEventType, event: TaskEvent): Promise<Told> {
  if (type.startsWith('task.')) {
    const task = event.task_id === null ? undefined : await store.getTask(event.task_id);
    return { notice: taskNotice(type, event, task, null), notify: task?.notify ?? null };
  }
  const orchestration =
    event.orchestration_id === null ? undefined : await store.getOrchestration(event.orchestration_id);
  return {
    notice: orchestrationNotice(type, event, orchestration, null),
    notify: orchestration?.notify ?? null,
  };
}

function tell(alerts: LocalAlerts, { notice, notify }: Told, event: TaskEvent): void {
  const code = typeof event.data['code'] === 'string' ? event.data['code'] : null;
  if (!endingWanted(notify, notice.type, code)) return;
  const prompt = typeof notice.data['prompt'] === 'string' ? notice.data['prompt'] : null;
  const suggestion = typeof notice.data['suggestion'] === 'string' ? notice.data['suggestion'] : null;
  alerts.tell({
    title: notice.title,
    status: notice.type === 'task.needs_attention' ? 'failed' : notice.status,
    lines: [prompt, suggestion],
    notify,
  });
}
