/**
 * Webhook routes: subscribe (`POST /api/v1/webhooks`, the secret returned once), list, remove, and the delivery
 * log of one subscription. Validation and the secret live in the webhook service; handlers only shape.
 */
import type { App } from '../../app.js';
import {
  CreatedWebhookSchema,
  CreateWebhookInput,
  WebhookDeliveriesQuery,
  WebhookDeliveryListSchema,
  WebhookIdPath,
  WebhookListSchema,
} from '../../contract/webhook-schemas.js';
import { WEBHOOK_EVENT_TYPES } from '../../domain/webhooks.js';
import { defineRoute, type Route } from '../route-table.js';

const TAG = 'webhooks';
const notFound = { description: 'No webhook has this id' };

export function webhookRoutes(app: App): Route[] {
  return [
    defineRoute({
      method: 'POST',
      url: '/api/v1/webhooks',
      tag: TAG,
      auth: true,
      summary: 'Subscribe a URL to events',
      description:
        `Deliveries are POSTed as \`{type, timestamp, data}\` and signed the Standard Webhooks way (webhook-id, ` +
        `webhook-timestamp, webhook-signature). Events: ${WEBHOOK_EVENT_TYPES.join(', ')}. Without a secret one ` +
        'is generated (`whsec_` + base64); it is returned only in this response.',
      body: CreateWebhookInput,
      bodyLabel: 'The webhook',
      responses: {
        201: { description: 'The subscription, with its secret', schema: CreatedWebhookSchema },
        400: { description: 'Invalid URL, event names or secret: every problem is listed in `issues`' },
      },
      handler: async ({ body, reply }) => {
        const created = await app.webhooks.create(body);
        reply.code(201).header('location', `/api/v1/webhooks/${created.id}`);
        return created;
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/webhooks',
      tag: TAG,
      auth: true,
      summary: 'List webhook subscriptions',
      description: 'Oldest first, without their secrets; Slack and Discord URLs from the configuration too.',
      responses: { 200: { description: 'The subscriptions', schema: WebhookListSchema } },
      handler: async () => ({ webhooks: await app.webhooks.list() }),
    }),
    defineRoute({
      method: 'DELETE',
      url: '/api/v1/webhooks/:id',
      tag: TAG,
      auth: true,
      summary: 'Remove a webhook subscription',
      description: 'Its pending deliveries are dropped and its delivery log deleted.',
      params: WebhookIdPath,
      responses: { 204: { description: 'Removed' }, 404: notFound },
      handler: async ({ params, reply }) => {
        await app.webhooks.remove(params.id);
        return reply.code(204).send();
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/webhooks/:id/deliveries',
      tag: TAG,
      auth: true,
      summary: 'Delivery log of a subscription',
      description:
        'Newest first: status (pending, delivered, failed), HTTP response code, attempts, next try, last error.',
      params: WebhookIdPath,
      query: WebhookDeliveriesQuery,
      responses: {
        200: { description: 'The deliveries', schema: WebhookDeliveryListSchema },
        404: notFound,
      },
      handler: async ({ params, query }) => ({
        deliveries: await app.webhooks.deliveries(params.id, query.limit ?? 50),
      }),
    }),
  ];
}
