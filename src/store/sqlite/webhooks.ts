/**
 * Webhook subscriptions and the delivery outbox in SQLite: create (or, for a managed key, replace in place), list,
 * delete with its log, the delivery log, and the delivery loop's claim and record. The outbox rows are written by
 * transactions.ts with the events; claims are one IMMEDIATE transaction, so two claimers never take one row.
 */
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
import type { StoreContext } from './context.js';

const INSERT = `
  INSERT INTO webhook_subscriptions (kind, url, events, secret, managed_key, created_at)
  VALUES (@kind, @url, @events, @secret, @managed_key, @now)
  ON CONFLICT (managed_key) WHERE managed_key IS NOT NULL DO UPDATE SET
    kind = excluded.kind, url = excluded.url, events = excluded.events, secret = excluded.secret
  RETURNING *`;

const DUE = `
  SELECT id FROM webhook_deliveries
  WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?`;

const TAKE = `
  UPDATE webhook_deliveries SET attempts = attempts + 1, next_attempt_at = @until
  WHERE id = @id AND status = 'pending'`;

const RECORD = `
  UPDATE webhook_deliveries
  SET status = @status, response_code = @response_code, last_error = @error, last_attempt_at = @now,
      next_attempt_at = @next_attempt_at, delivered_at = CASE WHEN @status = 'delivered' THEN @now END,
      payload = COALESCE(payload, @payload)
  WHERE id = @id AND status = 'pending' AND (attempts = @attempt OR @status = 'delivered')`;

export interface SqliteWebhooks {
  create(subscription: NewWebhookSubscription): WebhookSubscriptionWithSecret;
  list(): WebhookSubscription[];
  get(id: number): WebhookSubscriptionWithSecret | undefined;
  delete(id: number): boolean;
  pruneManaged(keep: string[]): void;
  deliveries(subscriptionId: number, limit: number): WebhookDelivery[];
  claim(limit: number, leaseMs: number): ClaimedDelivery[];
  record(attempt: DeliveryAttempt): void;
  nextDue(): Date | null;
}

export function prepareWebhooks(ctx: StoreContext): SqliteWebhooks {
  const db = ctx.db;
  const insert = db.prepare<[Record<string, unknown>], SubscriptionRow>(INSERT);
  const list = db.prepare<[], SubscriptionRow>('SELECT * FROM webhook_subscriptions ORDER BY id');
  const get = db.prepare<[number], SubscriptionRow>('SELECT * FROM webhook_subscriptions WHERE id = ?');
  const deleteDeliveries = db.prepare<[number]>('DELETE FROM webhook_deliveries WHERE subscription_id = ?');
  const deleteSubscription = db.prepare<[number]>('DELETE FROM webhook_subscriptions WHERE id = ?');
  const managed = db.prepare<[], SubscriptionRow>(
    'SELECT * FROM webhook_subscriptions WHERE managed_key IS NOT NULL',
  );
  const deliveries = db.prepare<[number, number], DeliveryRow>(
    'SELECT * FROM webhook_deliveries WHERE subscription_id = ? ORDER BY id DESC LIMIT ?',
  );
  const due = db.prepare<[number, number], { id: number }>(DUE);
  const take = db.prepare<[Record<string, unknown>]>(TAKE);
  const read = db.prepare<[number], ClaimedDeliveryRow>(`${CLAIMED_DELIVERY_SELECT} WHERE d.id = ?`);
  const record = db.prepare<[Record<string, unknown>]>(RECORD);
  const nextDue = db.prepare<[], { at: number | null }>(
    "SELECT MIN(next_attempt_at) AS at FROM webhook_deliveries WHERE status = 'pending'",
  );

  const remove = (id: number): boolean =>
    ctx.tx.write(() => {
      deleteDeliveries.run(id);
      return deleteSubscription.run(id).changes > 0;
    });

  return {
    create: (s) => {
      const row = ctx.tx.write(() =>
        insert.get({
          kind: s.kind,
          url: s.url,
          events: JSON.stringify(s.events),
          secret: s.secret,
          managed_key: s.managed_key ?? null,
          now: Date.now(),
        }),
      );
      if (!row) throw new Error('claude-worker store: the webhook subscription vanished as it was created');
      return subscriptionFromRow(row);
    },
    list: () => list.all().map((row) => publicSubscription(subscriptionFromRow(row))),
    get: (id) => {
      const row = get.get(id);
      return row ? subscriptionFromRow(row) : undefined;
    },
    delete: remove,
    pruneManaged: (keep) => {
      for (const row of managed.all()) if (!keep.includes(row.managed_key ?? '')) remove(Number(row.id));
    },
    deliveries: (subscriptionId, limit) => deliveries.all(subscriptionId, limit).map(deliveryFromRow),
    claim: (limit, leaseMs) =>
      ctx.tx.write(() => {
        const now = Date.now();
        const claimed: ClaimedDelivery[] = [];
        for (const { id } of due.all(now, limit)) {
          take.run({ id, until: now + leaseMs });
          const row = read.get(id);
          if (row) claimed.push(claimedDeliveryFromRow(row));
        }
        return claimed;
      }),
    record: (a) =>
      ctx.tx.write(() => {
        record.run({
          id: a.id,
          attempt: a.attempt,
          status: a.status,
          response_code: a.response_code,
          error: a.error,
          now: Date.now(),
          next_attempt_at: a.status === 'pending' ? (a.next_attempt_at?.getTime() ?? Date.now()) : null,
          payload: a.payload,
        });
      }),
    nextDue: () => {
      const at = nextDue.get()?.at ?? null;
      return at === null ? null : new Date(at);
    },
  };
}
