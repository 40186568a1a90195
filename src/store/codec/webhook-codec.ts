/**
 * The row codecs of `webhook_subscriptions` and `webhook_deliveries`, the same for both stores (times epoch
 * milliseconds, the event list JSON text), and of a claimed delivery read with its subscription and event
 * (columns prefixed `s_` and `e_`).
 */
import {
  webhookIdOf,
  type DeliveryStatus,
  type SubscriptionKind,
  type WebhookDelivery,
  type WebhookEventType,
  type WebhookSubscriptionWithSecret,
} from '../../domain/webhooks.js';
import type { ClaimedDelivery } from '../store.js';
import { eventFromRow } from './attempt-event-codec.js';
import {
  int,
  intOrNull,
  isoOrNull,
  isoTime,
  type IntValue,
  type JsonValue,
  type TimeValue,
} from './values.js';

export interface SubscriptionRow {
  id: IntValue;
  kind: string;
  url: string;
  events: string;
  secret: string;
  managed_key: string | null;
  created_at: TimeValue;
}

export interface DeliveryRow {
  id: IntValue;
  subscription_id: IntValue;
  event_id: IntValue;
  type: string;
  task_id: IntValue | null;
  orchestration_id: IntValue | null;
  status: string;
  attempts: number;
  response_code: number | null;
  last_error: string | null;
  next_attempt_at: TimeValue | null;
  last_attempt_at: TimeValue | null;
  delivered_at: TimeValue | null;
  payload: string | null;
  created_at: TimeValue;
}

export function subscriptionFromRow(row: SubscriptionRow): WebhookSubscriptionWithSecret {
  return {
    id: int(row.id),
    kind: row.kind as SubscriptionKind,
    url: row.url,
    events: JSON.parse(row.events) as WebhookEventType[],
    created_at: isoTime(row.created_at),
    secret: row.secret,
  };
}

export function deliveryFromRow(row: DeliveryRow): WebhookDelivery {
  const id = int(row.id);
  return {
    id,
    subscription_id: int(row.subscription_id),
    webhook_id: webhookIdOf(id),
    type: row.type as WebhookEventType,
    event_id: int(row.event_id),
    task_id: intOrNull(row.task_id),
    orchestration_id: intOrNull(row.orchestration_id),
    status: row.status as DeliveryStatus,
    attempts: row.attempts,
    response_code: row.response_code,
    last_error: row.last_error,
    next_attempt_at: row.status === 'pending' ? isoOrNull(row.next_attempt_at) : null,
    last_attempt_at: isoOrNull(row.last_attempt_at),
    delivered_at: isoOrNull(row.delivered_at),
    created_at: isoTime(row.created_at),
  };
}

/** A delivery row joined with its subscription (`s_*`) and its event (`e_*`). */
export interface ClaimedDeliveryRow extends DeliveryRow {
  s_kind: string;
  s_url: string;
  s_events: string;
  s_secret: string;
  s_created_at: TimeValue;
  e_type: string;
  e_from_status: string | null;
  e_to_status: string | null;
  e_actor: string;
  e_correlation_id: string | null;
  e_data: JsonValue;
  e_created_at: TimeValue;
}

/** The SELECT list and joins that read a ClaimedDeliveryRow (`d` the delivery). */
export const CLAIMED_DELIVERY_SELECT = `
  SELECT d.*, s.kind AS s_kind, s.url AS s_url, s.events AS s_events, s.secret AS s_secret,
         s.created_at AS s_created_at, e.type AS e_type, e.from_status AS e_from_status,
         e.to_status AS e_to_status, e.actor AS e_actor, e.correlation_id AS e_correlation_id, e.data AS e_data,
         e.created_at AS e_created_at
  FROM webhook_deliveries d
  JOIN webhook_subscriptions s ON s.id = d.subscription_id
  JOIN events e ON e.id = d.event_id`;

export function claimedDeliveryFromRow(row: ClaimedDeliveryRow): ClaimedDelivery {
  return {
    delivery: deliveryFromRow(row),
    subscription: subscriptionFromRow({
      id: row.subscription_id,
      kind: row.s_kind,
      url: row.s_url,
      events: row.s_events,
      secret: row.s_secret,
      managed_key: null,
      created_at: row.s_created_at,
    }),
    event: eventFromRow({
      id: row.event_id,
      type: row.e_type,
      task_id: row.task_id,
      orchestration_id: row.orchestration_id,
      from_status: row.e_from_status,
      to_status: row.e_to_status,
      actor: row.e_actor,
      correlation_id: row.e_correlation_id,
      data: row.e_data,
      created_at: row.e_created_at,
    }),
    payload: row.payload,
  };
}

/** What a subscription list shows (no secret). */
export function publicSubscription(s: WebhookSubscriptionWithSecret) {
  return { id: s.id, kind: s.kind, url: s.url, events: s.events, created_at: s.created_at };
}
