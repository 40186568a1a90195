/**
 * The bodies a delivery sends, by subscription kind: the Standard Webhooks payload `{type, timestamp, data}`, a
 * Slack incoming-webhook message `{text, blocks}` (Block Kit: header, section, context) and a Discord webhook
 * message `{content, embeds}`, each within the field limits those services document.
 */
import { figuresLine, type Notice } from '../domain/notice.js';
import type { SubscriptionKind } from '../domain/webhooks.js';

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export function webhookBody(notice: Notice): Record<string, unknown> {
  return { type: notice.type, timestamp: notice.timestamp, data: notice.data };
}

const EMOJI: Record<string, string> = {
  completed: ':white_check_mark:',
  failed: ':x:',
  cancelled: ':no_entry_sign:',
};

export function slackBody(notice: Notice): Record<string, unknown> {
  const emoji = notice.type === 'task.needs_attention' ? ':warning:' : (EMOJI[notice.status] ?? ':bell:');
  const figures = figuresLine(notice);
  const blocks: Record<string, unknown>[] = [
    { type: 'header', text: { type: 'plain_text', text: cut(notice.title, 150), emoji: true } },
    { type: 'section', text: { type: 'mrkdwn', text: `${emoji} ${figures}` } },
  ];
  if (notice.detail) {
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: cut('```' + notice.detail.replaceAll('```', "'''") + '```', 3000) },
    });
  }
  if (notice.link) {
    blocks.push({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: `<${notice.link}|Open in the dashboard>` }],
    });
  }
  return { text: cut(`${notice.title} — ${figures}`, 3000), blocks };
}

const COLOURS: Record<string, number> = { completed: 0x2eb67d, failed: 0xe01e5a, cancelled: 0x9e9e9e };

export function discordBody(notice: Notice): Record<string, unknown> {
  const fields: Record<string, unknown>[] = [{ name: 'Status', value: notice.status, inline: true }];
  if (notice.duration_seconds !== null) {
    fields.push({
      name: 'Duration',
      value: figuresLine(notice).split(' · ')[1]?.replace('duration: ', '') ?? '',
      inline: true,
    });
  }
  if (notice.cost_usd !== null)
    fields.push({ name: 'Cost', value: `$${notice.cost_usd.toFixed(4)}`, inline: true });
  const embed: Record<string, unknown> = {
    title: cut(notice.title, 256),
    description: notice.detail ? cut(notice.detail, 4096) : undefined,
    color: notice.type === 'task.needs_attention' ? 0xecb22e : (COLOURS[notice.status] ?? 0x5865f2),
    fields,
    timestamp: notice.timestamp,
    ...(notice.link ? { url: notice.link } : {}),
  };
  return { content: cut(`${notice.title} — ${figuresLine(notice)}`, 2000), embeds: [embed] };
}

export function bodyFor(kind: SubscriptionKind, notice: Notice): Record<string, unknown> {
  switch (kind) {
    case 'slack':
      return slackBody(notice);
    case 'discord':
      return discordBody(notice);
    default:
      return webhookBody(notice);
  }
}
