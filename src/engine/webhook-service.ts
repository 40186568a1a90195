/**
 * Webhook subscriptions as the edges use them (REST, and the CLI through it): create (validated, the secret
 * generated when none is given and returned only here), list, remove, and the delivery log of one subscription.
 */
import { ClaudeWorkerError } from '../domain/errors.js';
import {
  webhookInputIssues,
  type WebhookDelivery,
  type WebhookEventType,
  type WebhookSubscription,
  type WebhookSubscriptionWithSecret,
} from '../domain/webhooks.js';
import { newWebhookSecret, secretProblem } from '../notify/signature.js';
import type { Store } from '../store/store.js';

export interface CreateWebhookInput {
  url: string;
  events: string[];
  secret?: string | null;
}

function notFound(id: number): ClaudeWorkerError {
  return new ClaudeWorkerError(
    'not_found',
    `Webhook ${id} does not exist. List them with \`claude-worker webhooks list\`.`,
    { data: { id } },
  );
}

export class WebhookService {
  constructor(
    private readonly store: Store,
    /** Told after a subscription is created or removed (the delivery loop reads them again). */
    private readonly onChange: () => void = () => undefined,
  ) {}

  /** Throws a validation error listing every problem (URL, each unknown event, the secret); creates nothing then. */
  async create(input: CreateWebhookInput): Promise<WebhookSubscriptionWithSecret> {
    const issues = webhookInputIssues(input);
    if (input.secret !== undefined && input.secret !== null) {
      const problem = secretProblem(input.secret);
      if (problem) issues.push({ path: 'secret', message: problem });
    }
    if (issues.length > 0) throw ClaudeWorkerError.validation(issues, 'The webhook');
    const created = await this.store.createWebhook({
      kind: 'webhook',
      url: input.url,
      events: input.events as WebhookEventType[],
      secret: input.secret ?? newWebhookSecret(),
    });
    this.onChange();
    return created;
  }

  list(): Promise<WebhookSubscription[]> {
    return this.store.listWebhooks();
  }

  async remove(id: number): Promise<void> {
    if (!(await this.store.deleteWebhook(id))) throw notFound(id);
    this.onChange();
  }

  async deliveries(id: number, limit: number): Promise<WebhookDelivery[]> {
    if (!(await this.store.getWebhook(id))) throw notFound(id);
    return this.store.listWebhookDeliveries(id, limit);
  }
}
