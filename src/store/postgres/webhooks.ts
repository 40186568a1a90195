/**
 * Webhook subscriptions and the delivery outbox in PostgreSQL: the same operations as the SQLite store's
 * webhooks.ts. The claim takes due rows with `FOR UPDATE SKIP LOCKED`, so two nodes never send one delivery at
 * once; the outbox rows themselves are written by transactions.ts with the events.
 */
import { sql } from 'kysely';
import type {
  WebhookDelivery,
  WebhookSubscription,
  WebhookSubscriptionWithSecret,
} from '../../domain/webhooks.js';
import type { ClaimedDelivery, DeliveryAttempt, NewWebhookSubscription } from '../store.js';
import {
  CLAIMED_DELIVERY_SELECT,
  claimedDeliveryFromRow,
  deliveryFromRow,
  publicSubscription,
  subscriptionFromRow,
  type ClaimedDeliveryRow,
  type DeliveryRow,
  type SubscriptionRow,
} from '../codec/webhook-codec.js';
import type { PgTx } from './transactions.js';

export async function createWebhook(
  tx: PgTx,
  s: NewWebhookSubscription,
): Promise<WebhookSubscriptionWithSecret> {
  const row = await tx.row(sql<SubscriptionRow>`
    INSERT INTO webhook_subscriptions (kind, url, events, secret, managed_key, created_at)
    VALUES (${s.kind}, ${s.url}, ${JSON.stringify(s.events)}, ${s.secret}, ${s.managed_key ?? null}, ${tx.now})
    ON CONFLICT (managed_key) WHERE managed_key IS NOT NULL DO UPDATE SET
      kind = excluded.kind, url = excluded.url, events = excluded.events, secret = excluded.secret
    RETURNING *`);
  if (!row) throw new Error('claude-worker store: the webhook subscription vanished as it was created');
  return subscriptionFromRow(row);
}

export async function listWebhooks(tx: PgTx): Promise<WebhookSubscription[]> {
  const rows = await tx.rows(sql<SubscriptionRow>`SELECT * FROM webhook_subscriptions ORDER BY id`);
  return rows.map((row) => publicSubscription(subscriptionFromRow(row)));
}

export async function getWebhook(tx: PgTx, id: number): Promise<WebhookSubscriptionWithSecret | undefined> {
  const row = await tx.row(sql<SubscriptionRow>`SELECT * FROM webhook_subscriptions WHERE id = ${id}`);
  return row ? subscriptionFromRow(row) : undefined;
}

export async function deleteWebhook(tx: PgTx, id: number): Promise<boolean> {
  await tx.rows(sql`DELETE FROM webhook_deliveries WHERE subscription_id = ${id}`);
  const rows = await tx.rows(sql`DELETE FROM webhook_subscriptions WHERE id = ${id} RETURNING id`);
  return rows.length > 0;
}

export async function pruneManagedWebhooks(tx: PgTx, keep: string[]): Promise<void> {
  const gone = await tx.rows(sql<{ id: number }>`
    SELECT id FROM webhook_subscriptions
    WHERE managed_key IS NOT NULL AND NOT (managed_key = ANY(${keep}::text[]))`);
  for (const { id } of gone) await deleteWebhook(tx, Number(id));
}

export async function listWebhookDeliveries(
  tx: PgTx,
  subscriptionId: number,
  limit: number,
): Promise<WebhookDelivery[]> {
  const rows = await tx.rows(sql<DeliveryRow>`
    SELECT * FROM webhook_deliveries WHERE subscription_id = ${subscriptionId} ORDER BY id DESC LIMIT ${limit}`);
  return rows.map(deliveryFromRow);
}

export async function claimWebhookDeliveries(
  tx: PgTx,
  limit: number,
  leaseMs: number,
): Promise<ClaimedDelivery[]> {
  const taken = await tx.rows(sql<{ id: number }>`
    UPDATE webhook_deliveries SET attempts = attempts + 1, next_attempt_at = ${tx.now + leaseMs}
    WHERE id IN (
      SELECT id FROM webhook_deliveries
      WHERE status = 'pending' AND next_attempt_at <= ${tx.now}
      ORDER BY next_attempt_at, id LIMIT ${limit}
      FOR UPDATE SKIP LOCKED)
    RETURNING id`);
  if (taken.length === 0) return [];
  const ids = taken.map((r) => Number(r.id));
  const rows = await tx.rows(
    sql<ClaimedDeliveryRow>`${sql.raw(CLAIMED_DELIVERY_SELECT)} WHERE d.id = ANY(${ids}::bigint[]) ORDER BY d.id`,
  );
  return rows.map(claimedDeliveryFromRow);
}

export async function recordWebhookAttempt(tx: PgTx, a: DeliveryAttempt): Promise<void> {
  const next = a.status === 'pending' ? (a.next_attempt_at?.getTime() ?? tx.now) : null;
  await tx.rows(sql`
    UPDATE webhook_deliveries
    SET status = ${a.status}, response_code = ${a.response_code}, last_error = ${a.error},
        last_attempt_at = ${tx.now}, next_attempt_at = ${next}::bigint,
        delivered_at = CASE WHEN ${a.status} = 'delivered' THEN ${tx.now}::bigint END,
        payload = COALESCE(payload, ${a.payload})
    WHERE id = ${a.id} AND status = 'pending' AND (attempts = ${a.attempt} OR ${a.status} = 'delivered')`);
}

export async function nextWebhookDue(tx: PgTx): Promise<Date | null> {
  const row = await tx.row(sql<{ at: number | string | null }>`
    SELECT MIN(next_attempt_at) AS at FROM webhook_deliveries WHERE status = 'pending'`);
  return row?.at === null || row?.at === undefined ? null : new Date(Number(row.at));
}
