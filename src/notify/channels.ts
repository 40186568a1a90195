/**
 * Slack and Discord from the configuration (`slack_webhook_url`, `discord_webhook_url`, also under `notify:` in a
 * file): each becomes a managed subscription of the outbox (kind `slack` / `discord`), recorded again at every
 * start, so their messages are delivered like webhooks, at least once, with retries. One taken out of the
 * configuration is removed at the next start.
 */
import type { Config } from '../config/schema.js';
import type { WebhookEventType } from '../domain/webhooks.js';
import type { Store } from '../store/store.js';
import { newWebhookSecret } from './signature.js';

/** What a chat channel hears about: endings, not cancellations (the person who cancelled knows). */
export const CHANNEL_EVENTS: WebhookEventType[] = [
  'task.completed',
  'task.failed',
  'orchestration.completed',
  'orchestration.failed',
];

export async function recordChannels(store: Store, config: Config): Promise<void> {
  const channels = [
    { key: 'config:slack', kind: 'slack' as const, url: config.slack_webhook_url },
    { key: 'config:discord', kind: 'discord' as const, url: config.discord_webhook_url },
  ].filter((c): c is typeof c & { url: string } => c.url !== null);
  for (const channel of channels) {
    await store.createWebhook({
      kind: channel.kind,
      url: channel.url,
      events: CHANNEL_EVENTS,
      // Slack and Discord authenticate by the URL itself; the secret is never sent.
      secret: newWebhookSecret(),
      managed_key: channel.key,
    });
  }
  await store.pruneManagedWebhooks(channels.map((c) => c.key));
}
