/**
 * The webhook outbox, as both stores write it inside the transaction that appends an event: the rows an event
 * needs (which webhook types it stands for is decided by domain/webhooks.ts) and the INSERT … SELECT that turns one
 * of them into a pending delivery for every subscription asking for that type.
 */
import {
  WEBHOOK_SOURCE_EVENTS,
  webhookTypesFor,
  type EventLike,
  type WebhookEventType,
} from '../../domain/webhooks.js';
import type { TaskEvent } from '../../domain/vocabulary.js';

export interface OutboxRow {
  event_id: number;
  type: WebhookEventType;
  /** `"task.completed"` as it appears inside a subscription's JSON list of events. */
  quoted: string;
  task_id: number | null;
  orchestration_id: number | null;
}

/** The webhook types of one event, each with its quoted form (none for most events; decided before it is stored). */
export function outboxTypesFor(event: EventLike): { type: WebhookEventType; quoted: string }[] {
  if (!WEBHOOK_SOURCE_EVENTS.includes(event.type)) return [];
  return webhookTypesFor(event).map((type) => ({ type, quoted: JSON.stringify(type) }));
}

/** The outbox rows of one stored event (none for most events). */
export function outboxRowsFor(event: TaskEvent): OutboxRow[] {
  return outboxTypesFor(event).map(({ type, quoted }) => ({
    event_id: event.id,
    type,
    quoted,
    task_id: event.task_id,
    orchestration_id: event.orchestration_id,
  }));
}

const COLUMNS = `(subscription_id, event_id, type, task_id, orchestration_id, status, attempts, next_attempt_at,
                  created_at)`;

/** SQLite: named parameters of one OutboxRow plus `now`. */
export const OUTBOX_INSERT = {
  sqlite: `
    INSERT INTO webhook_deliveries ${COLUMNS}
    SELECT id, @event_id, @type, @task_id, @orchestration_id, 'pending', 0, @now, @now
    FROM webhook_subscriptions WHERE instr(events, @quoted) > 0`,
};
