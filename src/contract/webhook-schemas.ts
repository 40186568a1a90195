/**
 * The wire contract of webhooks: `POST /api/v1/webhooks` input, the subscription and delivery records (REST and
 * `claude-worker webhooks … --json`), and the path and query of the delivery log. The rules of a valid
 * subscription (http(s) URL, known events with a did-you-mean) live in domain/webhooks.ts; this only shapes.
 */
import * as z from 'zod';
import { DELIVERY_STATUSES, SUBSCRIPTION_KINDS, WEBHOOK_EVENT_TYPES } from '../domain/webhooks.js';
import { idText, queryInt } from './numbers.js';

export const CreateWebhookInput = z.strictObject({
  url: z.string({ error: 'url is the receiver, such as https://example.com/hooks/claude-worker' }),
  events: z.array(z.string(), {
    error: `events is a list of event names: ${WEBHOOK_EVENT_TYPES.join(', ')}`,
  }),
  secret: z.string().nullable().optional(),
});

export const WebhookSubscriptionSchema = z.object({
  id: z.number(),
  kind: z.enum(SUBSCRIPTION_KINDS),
  url: z.string(),
  events: z.array(z.enum(WEBHOOK_EVENT_TYPES)),
  created_at: z.string(),
});

/** What create returns: the subscription with its secret (shown this once). */
export const CreatedWebhookSchema = WebhookSubscriptionSchema.extend({ secret: z.string() });

export const WebhookListSchema = z.object({ webhooks: z.array(WebhookSubscriptionSchema) });

export const WebhookDeliverySchema = z.object({
  id: z.number(),
  subscription_id: z.number(),
  webhook_id: z.string(),
  type: z.enum(WEBHOOK_EVENT_TYPES),
  event_id: z.number(),
  task_id: z.number().nullable(),
  orchestration_id: z.number().nullable(),
  status: z.enum(DELIVERY_STATUSES),
  attempts: z.number(),
  response_code: z.number().nullable(),
  last_error: z.string().nullable(),
  next_attempt_at: z.string().nullable(),
  last_attempt_at: z.string().nullable(),
  delivered_at: z.string().nullable(),
  created_at: z.string(),
});

export const WebhookDeliveryListSchema = z.object({ deliveries: z.array(WebhookDeliverySchema) });

export const WebhookIdPath = z.strictObject({ id: idText('a webhook id') });

export const WebhookDeliveriesQuery = z.strictObject({
  limit: queryInt('limit', 1, 1000).optional(),
});
