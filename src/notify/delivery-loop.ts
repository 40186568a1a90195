/**
 * The webhook delivery loop of a server or worker process: takes due deliveries from the store's outbox (a few at a
 * time; on PostgreSQL nodes never take the same one), sends each (off the engine's path: a slow or dead receiver
 * only delays other deliveries), and records the try: delivered on a 2xx, else tried again with exponential backoff
 * and full jitter (domain/webhooks.ts) until 24 h after the event, then failed. It wakes when an event that a
 * subscription asks for is committed (the subscriptions are read again at most once per poll interval, and at once
 * when this node changes them: so the engine's hot path costs the outbox nothing while nobody subscribes), when the
 * next retry is due, and on a slow poll (other nodes' retries and subscriptions). A Slack or
 * Discord message that the ended task's (or orchestration's) own notify settings hold back is recorded `skipped`,
 * with the reason, and never sent.
 */
import { orchestrationNotice, taskNotice, type Notice } from '../domain/notice.js';
import { channelSilence } from '../domain/notify-options.js';
import type { NotifyOptions } from '../domain/vocabulary.js';
import { nextWebhookAttempt, webhookTypesFor, type WebhookEventType } from '../domain/webhooks.js';
import { WEBHOOK_SOURCE_EVENTS } from '../domain/webhooks.js';
import type { TaskEvent } from '../domain/vocabulary.js';
import type { Logger } from '../observability/logger.js';
import type { ClaimedDelivery, Store } from '../store/store.js';
import { bodyFor } from './messages.js';
import { sendWebhook } from './webhook-sender.js';

export interface DeliveryLoopOptions {
  store: Store;
  logger: Logger;
  /** First retry wait (`webhook_retry_base_seconds`); doubles per try, with full jitter. */
  retryBaseSeconds: number;
  /** Per request (default 10 s). */
  timeoutMs?: number;
  /** Deliveries sent at once (default 8). */
  batch?: number;
  /** Longest sleep between looks at the outbox (default 5 s). */
  pollMs?: number;
  /** Base of the dashboard links in messages (the server's URL), when known. */
  dashboardBase: () => string | null;
}

export class DeliveryLoop {
  private running = false;
  private timer: NodeJS.Timeout | null = null;
  private wakeRequested = false;
  private pass: Promise<void> | null = null;
  private unsubscribe: (() => void) | null = null;
  private readonly timeoutMs: number;
  private readonly pollMs: number;
  /** The webhook types some subscription asks for, as last read (null: not read yet, or changed since). */
  private subscribed: { types: Set<WebhookEventType>; readAt: number } | null = null;
  /** Counts subscriptionsChanged() calls: a read under way when one comes is not kept. */
  private subscriptionChanges = 0;

  constructor(private readonly options: DeliveryLoopOptions) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.pollMs = options.pollMs ?? 5000;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.unsubscribe = this.options.store.onEvents((events) => {
      if (events.some((e) => this.mayDeliver(e))) this.wake();
    });
    this.wake();
  }

  /** This node added or removed a subscription: read them again at the next event. */
  subscriptionsChanged(): void {
    this.subscribed = null;
    this.subscriptionChanges += 1;
    this.wake();
  }

  /** Whether a committed event may have written outbox rows (true while the subscriptions are not known). */
  private mayDeliver(event: TaskEvent): boolean {
    if (!WEBHOOK_SOURCE_EVENTS.includes(event.type)) return false;
    const known = this.knownSubscriptions();
    return known === null || webhookTypesFor(event).some((type) => known.has(type));
  }

  /** The webhook types subscribed to, as read within the poll interval; null when they must be read again. */
  private knownSubscriptions(): Set<WebhookEventType> | null {
    const known = this.subscribed;
    return known === null || Date.now() - known.readAt >= this.pollMs ? null : known.types;
  }

  async stop(): Promise<void> {
    this.running = false;
    this.unsubscribe?.();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.pass;
  }

  /** Looks at the outbox now (or right after the pass under way). */
  wake(): void {
    if (!this.running) return;
    if (this.pass) {
      this.wakeRequested = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.pass = this.run().finally(() => {
      this.pass = null;
      if (!this.running) return;
      if (this.wakeRequested) {
        this.wakeRequested = false;
        this.wake();
      }
    });
  }

  private async run(): Promise<void> {
    const { store, logger } = this.options;
    let sleepMs = this.pollMs;
    try {
      if (this.knownSubscriptions() === null) {
        const readAt = Date.now();
        const changes = this.subscriptionChanges;
        const types = new Set((await store.listWebhooks()).flatMap((s) => s.events));
        if (changes === this.subscriptionChanges) this.subscribed = { types, readAt };
      }
      for (;;) {
        if (!this.running) return;
        const claimed = await store.claimWebhookDeliveries(this.options.batch ?? 8, this.timeoutMs + 30_000);
        if (claimed.length === 0) break;
        await Promise.all(claimed.map((c) => this.deliver(c)));
      }
      const next = await store.nextWebhookDue();
      if (next) sleepMs = Math.min(sleepMs, Math.max(10, next.getTime() - Date.now()));
    } catch (err) {
      // The store is unreachable for a moment (or closing): try again at the next poll.
      if (this.running) logger.warn({ err: String(err) }, 'webhook deliveries: could not read the outbox');
    }
    if (this.running && !this.wakeRequested) {
      this.timer = setTimeout(() => this.wake(), sleepMs);
      this.timer.unref?.();
    }
  }

  private async deliver(claimed: ClaimedDelivery): Promise<void> {
    const { store, logger } = this.options;
    const { delivery, subscription } = claimed;
    let body = claimed.payload;
    try {
      if (body === null) {
        const { notice, notify } = await this.notice(claimed);
        const silence = this.silence(claimed, notify);
        if (silence !== null) {
          await this.skip(claimed, silence);
          return;
        }
        body = JSON.stringify(bodyFor(subscription.kind, notice));
      }
    } catch (err) {
      logger.error(
        { delivery: delivery.id, err: String(err) },
        'webhook deliveries: could not build a message',
      );
      return; // The claim's lease runs out and the delivery is tried again.
    }
    const result = await sendWebhook({
      url: subscription.url,
      webhookId: delivery.webhook_id,
      secret: subscription.secret,
      body,
      signed: subscription.kind === 'webhook',
      timeoutMs: this.timeoutMs,
    });
    const now = Date.now();
    const next = result.ok
      ? null
      : nextWebhookAttempt(
          delivery.attempts,
          Date.parse(delivery.created_at),
          now,
          this.options.retryBaseSeconds,
          Math.random(),
        );
    const status = result.ok ? 'delivered' : next === null ? 'failed' : 'pending';
    if (!result.ok) {
      logger.warn(
        {
          delivery: delivery.id,
          webhook: subscription.id,
          url: subscription.url,
          attempts: delivery.attempts,
          error: result.error,
          next_attempt_at: next === null ? null : new Date(next).toISOString(),
        },
        status === 'failed'
          ? 'webhook delivery given up after 24 h of retries'
          : 'webhook delivery failed; it is tried again',
      );
    }
    try {
      await store.recordWebhookAttempt({
        id: delivery.id,
        attempt: delivery.attempts,
        status,
        response_code: result.response_code,
        error: result.error,
        next_attempt_at: next === null ? null : new Date(next),
        payload: body,
      });
    } catch (err) {
      // Not recorded: the lease runs out and it is sent again (at least once; the webhook-id lets receivers dedupe).
      logger.warn({ delivery: delivery.id, err: String(err) }, 'webhook deliveries: could not record a try');
    }
  }

  /** The message's notice, and the ended task's or orchestration's own notify settings. */
  private async notice(claimed: ClaimedDelivery): Promise<{ notice: Notice; notify: NotifyOptions | null }> {
    const { store } = this.options;
    const { event, delivery } = claimed;
    const type: WebhookEventType = delivery.type;
    const base = this.options.dashboardBase();
    if (type.startsWith('task.')) {
      const task = event.task_id === null ? undefined : await store.getTask(event.task_id);
      return { notice: taskNotice(type, event, task, base), notify: task?.notify ?? null };
    }
    const orchestration =
      event.orchestration_id === null ? undefined : await store.getOrchestration(event.orchestration_id);
    return {
      notice: orchestrationNotice(type, event, orchestration, base),
      notify: orchestration?.notify ?? null,
    };
  }

  /** Why a chat message is held back ("task 12's notify settings turn slack off"); null: send it (a webhook, always). */
  private silence(claimed: ClaimedDelivery, notify: NotifyOptions | null): string | null {
    const { event, delivery, subscription } = claimed;
    if (subscription.kind === 'webhook') return null;
    const code = typeof event.data['code'] === 'string' ? event.data['code'] : null;
    const why = channelSilence(notify, subscription.kind, delivery.type, code);
    if (why === null) return null;
    const subject = delivery.type.startsWith('task.')
      ? `task ${String(event.task_id)}`
      : `orchestration ${String(event.orchestration_id)}`;
    return `not sent: ${subject}: ${why}`;
  }

  private async skip(claimed: ClaimedDelivery, reason: string): Promise<void> {
    const { delivery } = claimed;
    try {
      await this.options.store.recordWebhookAttempt({
        id: delivery.id,
        attempt: delivery.attempts,
        status: 'skipped',
        response_code: null,
        error: reason,
        next_attempt_at: null,
        payload: null,
      });
    } catch (err) {
      // Not recorded: the lease runs out and the same decision is made again.
      this.options.logger.warn(
        { delivery: delivery.id, err: String(err) },
        'webhook deliveries: could not record a skip',
      );
    }
  }
}
