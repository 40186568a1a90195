/**
 * Webhooks, in plain data: the event types a subscriber can ask for, which stored event means which of them (the
 * stores call this inside the transaction that records the event, to write the outbox), the rules of a new
 * subscription, and when a failed delivery is tried again. Reads and writes nothing.
 *
 * - Subscription: a URL, the webhook types it wants and its signing secret (`whsec_…`). `kind` says how the body is
 *   shaped: `webhook` (Standard Webhooks `{type, timestamp, data}`), `slack` or `discord` (their incoming-webhook
 *   messages).
 * - Delivery: one webhook type of one event for one subscription, a row of the outbox; its `webhook_id` stays the
 *   same across retries, so a receiver can drop a repeat.
 */
import { didYouMean } from './did-you-mean.js';
import type { Issue } from './errors.js';
import type { EventType, FailureCode, TaskStatus } from './vocabulary.js';

export const WEBHOOK_EVENT_TYPES = [
  'task.completed',
  'task.failed',
  'task.cancelled',
  'task.needs_attention',
  'orchestration.completed',
  'orchestration.failed',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export const SUBSCRIPTION_KINDS = ['webhook', 'slack', 'discord'] as const;
export type SubscriptionKind = (typeof SUBSCRIPTION_KINDS)[number];

/**
 * Failures no retry can mend: a person has to act (log in, pay, install, fix the task's options) before the task
 * can succeed. A task failing with one of them is also `task.needs_attention`.
 */
export const NEEDS_ATTENTION_CODES: readonly FailureCode[] = [
  'auth',
  'billing',
  'cli_not_found',
  'invalid_request',
  'worker_lost',
];

/** The fields of a stored event the mapping looks at. */
export interface EventLike {
  type: EventType;
  to_status: TaskStatus | null;
  data: Record<string, unknown>;
}

/**
 * The webhook types a stored event stands for (most events: none). A failed task whose failure needs a person is
 * both `task.failed` and `task.needs_attention`. A cancelled orchestration sends none (each cancelled task does).
 */
export function webhookTypesFor(event: EventLike): WebhookEventType[] {
  switch (event.type) {
    case 'task_completed':
      return ['task.completed'];
    case 'task_failed': {
      const code = event.data['code'];
      return typeof code === 'string' && (NEEDS_ATTENTION_CODES as readonly string[]).includes(code)
        ? ['task.failed', 'task.needs_attention']
        : ['task.failed'];
    }
    case 'task_cancelled':
      return ['task.cancelled'];
    case 'orchestration_finished': {
      const status = event.data['status'];
      if (status === 'completed') return ['orchestration.completed'];
      if (status === 'failed') return ['orchestration.failed'];
      return [];
    }
    default:
      return [];
  }
}

/** Event types that can produce a webhook: a store skips the outbox statement for every other event. */
export const WEBHOOK_SOURCE_EVENTS: readonly EventType[] = [
  'task_completed',
  'task_failed',
  'task_cancelled',
  'orchestration_finished',
];

/** A subscription as stored and listed (the secret is shown once, when it is created). */
export interface WebhookSubscription {
  id: number;
  kind: SubscriptionKind;
  url: string;
  events: WebhookEventType[];
  created_at: string;
}

/** A subscription with its secret (what the delivery loop signs with; REST returns it only from create). */
export interface WebhookSubscriptionWithSecret extends WebhookSubscription {
  secret: string;
}

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed', 'skipped'] as const;
/**
 * `pending` (not acknowledged yet, tried again at next_attempt_at), `delivered` (a 2xx), `failed` (gave up),
 * `skipped` (a Slack or Discord message the task's or orchestration's own notify settings held back; never sent).
 */
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** One row of the delivery log. */
export interface WebhookDelivery {
  id: number;
  subscription_id: number;
  /** The `webhook-id` header: the same on every try of this delivery. */
  webhook_id: string;
  type: WebhookEventType;
  event_id: number;
  task_id: number | null;
  orchestration_id: number | null;
  status: DeliveryStatus;
  attempts: number;
  /** HTTP status of the last try; null when it got no response. */
  response_code: number | null;
  last_error: string | null;
  /** When it is tried next (pending only). */
  next_attempt_at: string | null;
  last_attempt_at: string | null;
  delivered_at: string | null;
  created_at: string;
}

/** The `webhook-id` of a delivery: stable across its retries, unique per delivery. */
export function webhookIdOf(deliveryId: number): string {
  return `msg_cw${deliveryId}`;
}

/** How long a delivery is retried after its event before it is given up. */
export const WEBHOOK_GIVE_UP_MS = 24 * 3600 * 1000;
/** The longest wait between two tries. */
export const WEBHOOK_RETRY_CAP_MS = 6 * 3600 * 1000;

/**
 * When to try a delivery again after its `attempts`-th failed try: exponential backoff with full jitter
 * (random in [0, min(cap, base·2^(attempts-1))]), never before 1/10 of the base; null once that would be more
 * than 24 h after the event (give up).
 */
export function nextWebhookAttempt(
  attempts: number,
  createdAtMs: number,
  nowMs: number,
  baseSeconds: number,
  random: number,
): number | null {
  const base = Math.max(0, baseSeconds) * 1000;
  const ceiling = Math.min(WEBHOOK_RETRY_CAP_MS, base * 2 ** Math.max(0, Math.min(attempts - 1, 30)));
  const wait = Math.max(base / 10, random * ceiling);
  const at = nowMs + Math.round(wait);
  return at > createdAtMs + WEBHOOK_GIVE_UP_MS ? null : at;
}

/** A subscription to create, as REST and the CLI take it. */
export interface NewWebhookInput {
  url: string;
  events: string[];
}

/** Every problem of a new subscription, with its place (`url`, `events[1]`); empty when it is fine. */
export function webhookInputIssues(input: NewWebhookInput): Issue[] {
  const issues: Issue[] = [];
  let parsed: URL | null = null;
  try {
    parsed = new URL(input.url);
  } catch {
    issues.push({
      path: 'url',
      message: `"${input.url}" is not a URL; write it whole, such as https://example.com/hooks/claude-worker`,
    });
  }
  if (parsed && parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    issues.push({
      path: 'url',
      message: `"${input.url}" is not an http(s) URL (${parsed.protocol}); webhooks are POSTed over http or https`,
    });
  }
  if (parsed && (parsed.username || parsed.password)) {
    issues.push({
      path: 'url',
      message:
        'the URL carries a user name or password; receivers verify the webhook-signature header instead',
    });
  }
  if (input.events.length === 0) {
    issues.push({ path: 'events', message: `name at least one event: ${WEBHOOK_EVENT_TYPES.join(', ')}` });
  }
  const seen = new Set<string>();
  input.events.forEach((name, i) => {
    if ((WEBHOOK_EVENT_TYPES as readonly string[]).includes(name)) {
      if (seen.has(name)) issues.push({ path: `events[${i}]`, message: `"${name}" is named twice` });
      seen.add(name);
      return;
    }
    const guess = didYouMean(name, WEBHOOK_EVENT_TYPES);
    issues.push({
      path: `events[${i}]`,
      message:
        `unknown event "${name}"` +
        (guess ? `; did you mean "${guess}"?` : '') +
        ` Valid events: ${WEBHOOK_EVENT_TYPES.join(', ')}`,
    });
  });
  return issues;
}
