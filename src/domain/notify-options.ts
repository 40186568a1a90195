/**
 * A task's or an orchestration's own `notify` settings, in plain rules: which endings tell people at all (`on`), and
 * whether each people-facing channel (the sound, the desktop notice, Slack, Discord) is on or off for this work.
 * The machine's configuration stays the default and the limit: a task can silence a channel, and turn on a sound or
 * notice the machine leaves to `auto`, but never one the machine turned `off`. Webhook subscriptions are systems'
 * integrations and hear every event they asked for, whatever a task says. Reads and runs nothing.
 */
import { NOTIFY_CHANNELS, type NotifyOptions } from './vocabulary.js';
import type { WebhookEventType } from './webhooks.js';
import { NEEDS_ATTENTION_CODES } from './webhooks.js';

/** Key by key, `own` wins over `base`; null when neither says anything (nothing stored). */
export function mergeNotify(
  base: NotifyOptions | null | undefined,
  own: NotifyOptions | null | undefined,
): NotifyOptions | null {
  const merged: NotifyOptions = { ...(base ?? {}) };
  for (const [key, value] of Object.entries(own ?? {})) {
    if (value !== undefined) (merged as Record<string, unknown>)[key] = value;
  }
  return Object.keys(merged).length > 0 ? merged : null;
}

/** The ending a webhook type stands for, when people can be told of it (cancellations are not). */
function endingOf(type: WebhookEventType): 'completed' | 'failed' | 'needs_attention' | null {
  if (type === 'task.completed' || type === 'orchestration.completed') return 'completed';
  if (type === 'task.failed' || type === 'orchestration.failed') return 'failed';
  if (type === 'task.needs_attention') return 'needs_attention';
  return null;
}

/**
 * Whether an ending is one the settings' `on` list asks to hear about (no list: every ending). A failure whose code
 * needs a person counts as `needs_attention` too, so `on: [needs_attention]` hears only those failures.
 */
export function endingWanted(
  notify: NotifyOptions | null | undefined,
  type: WebhookEventType,
  failureCode: string | null,
): boolean {
  const on = notify?.on;
  if (on === undefined) return true;
  const ending = endingOf(type);
  if (ending === null) return false;
  if (on.includes(ending)) return true;
  // A failure that needs a person is a failure too: `on: [failed]` hears it, whichever type reports it.
  if (ending === 'needs_attention') return on.includes('failed');
  const needsPerson =
    failureCode !== null && (NEEDS_ATTENTION_CODES as readonly string[]).includes(failureCode);
  return ending !== 'completed' && needsPerson && on.includes('needs_attention');
}

/** Why a chat channel stays silent about this ending, or null when it posts. */
export function channelSilence(
  notify: NotifyOptions | null | undefined,
  channel: 'slack' | 'discord',
  type: WebhookEventType,
  failureCode: string | null,
): string | null {
  if (notify?.[channel] === 'off') return `its notify settings turn ${channel} off`;
  if (!endingWanted(notify, type, failureCode)) {
    return `its notify settings ask only for ${(notify?.on ?? []).join(', ') || 'no endings'}`;
  }
  return null;
}

/** One line for people: "only failed · slack off · sound on"; null when the settings say nothing. */
export function describeNotify(notify: NotifyOptions | null | undefined): string | null {
  if (!notify) return null;
  const parts: string[] = [];
  if (notify.on !== undefined)
    parts.push(notify.on.length > 0 ? `only ${notify.on.join(', ')}` : 'no endings');
  for (const channel of NOTIFY_CHANNELS) {
    const value = notify[channel];
    if (value !== undefined) parts.push(`${channel} ${value}`);
  }
  return parts.length > 0 ? parts.join(' · ') : null;
}
