/**
 * `claude-worker webhooks add URL --events a,b [--secret …] | list | remove ID | deliveries ID`: webhook
 * subscriptions and their delivery log, through the server (`/api/v1/webhooks`). `add` prints the secret once.
 */
import type { Command } from 'commander';
import { ClaudeWorkerError } from '../../domain/errors.js';
import { WEBHOOK_EVENT_TYPES } from '../../domain/webhooks.js';
import { idTextProblem } from '../../contract/numbers.js';
import { commaList, positiveNumber } from '../args.js';
import { connect } from '../connect.js';
import type { CliRun } from '../context.js';
import { formatAge, table } from '../format.js';

function webhookId(text: string): number {
  const problem = idTextProblem('A webhook id', text.trim());
  if (problem)
    throw new ClaudeWorkerError(
      'validation',
      `${problem}. List webhooks with \`claude-worker webhooks list\`.`,
    );
  return Number(text.trim());
}

/** `in 5s`, `in 3m`, `in 2h` (`now` when due). */
function inTime(iso: string, now: number): string {
  const seconds = Math.floor((Date.parse(iso) - now) / 1000);
  if (seconds <= 0) return 'now';
  if (seconds < 60) return `in ${seconds}s`;
  if (seconds < 3600) return `in ${Math.floor(seconds / 60)}m`;
  return `in ${Math.floor(seconds / 3600)}h`;
}

export function registerWebhooks(program: Command, run: CliRun): void {
  const webhooks = program
    .command('webhooks')
    .description('Signed webhooks on task and orchestration events: add, list, remove, deliveries')
    .addHelpText(
      'after',
      `
Events: ${WEBHOOK_EVENT_TYPES.join(', ')}.
Deliveries are POSTed as {type, timestamp, data}, signed the Standard Webhooks way (webhook-id, webhook-timestamp,
webhook-signature: v1,<base64 HMAC-SHA256>), retried with backoff for 24 h until the receiver answers 2xx.

Examples:
  claude-worker webhooks add https://example.com/hooks --events task.completed,task.failed
  claude-worker webhooks deliveries 1`,
    );

  webhooks
    .command('add')
    .description('Subscribe a URL to events; prints the signing secret once')
    .argument('<url>', 'the receiver (http or https)')
    .requiredOption('--events <names>', `comma-separated: ${WEBHOOK_EVENT_TYPES.join(',')}`, commaList)
    .option('--secret <whsec_…>', 'signing secret (whsec_ + base64); generated when left out')
    .option('--json', 'print the subscription (with its secret) as JSON')
    .addHelpText('after', '\nExit codes: 0 added, 2 invalid URL, event or secret, 3 server unreachable.')
    .action(
      async (
        url: string,
        options: { events: string[]; secret?: string; json?: boolean },
        command: Command,
      ) => {
        const context = run.context(command);
        const client = await connect(context);
        const created = await client.createWebhook({
          url,
          events: options.events,
          ...(options.secret === undefined ? {} : { secret: options.secret }),
        });
        if (options.json) {
          context.json(created);
          return;
        }
        context.print(`Webhook ${created.id} added: ${created.url} on ${created.events.join(', ')}.`);
        context.print(`Secret (shown only now; verify webhook-signature with it): ${created.secret}`);
      },
    );

  webhooks
    .command('list')
    .description('Every subscription (without secrets)')
    .option('--json', 'print the subscriptions as JSON (the REST objects)')
    .action(async (options: { json?: boolean }, command: Command) => {
      const context = run.context(command);
      const client = await connect(context);
      const list = await client.listWebhooks();
      if (options.json) {
        context.json(list);
        return;
      }
      if (list.length === 0) {
        context.print(
          'No webhook yet. Add one with `claude-worker webhooks add URL --events task.completed`.',
        );
        return;
      }
      const now = Date.now();
      const rows = list.map((w) => [
        String(w.id),
        w.kind,
        w.url,
        w.events.join(','),
        formatAge(w.created_at, now),
      ]);
      for (const line of table(['id', 'kind', 'url', 'events', 'created'], rows, context.width))
        context.print(line);
    });

  webhooks
    .command('remove')
    .description('Remove a subscription (its pending deliveries are dropped)')
    .argument('<id>', 'webhook id')
    .addHelpText('after', '\nExit codes: 0 removed, 2 unknown id, 3 server unreachable.')
    .action(async (id: string, _options: unknown, command: Command) => {
      const webhook = webhookId(id);
      const context = run.context(command);
      const client = await connect(context);
      await client.removeWebhook(webhook);
      context.print(`Webhook ${webhook} removed.`);
    });

  webhooks
    .command('deliveries')
    .description('Delivery log of a subscription, newest first')
    .argument('<id>', 'webhook id')
    .option('--limit <n>', 'how many (default 50)', positiveNumber)
    .option('--json', 'print the deliveries as JSON (the REST objects)')
    .action(async (id: string, options: { limit?: number; json?: boolean }, command: Command) => {
      const webhook = webhookId(id);
      const context = run.context(command);
      const client = await connect(context);
      const deliveries = await client.webhookDeliveries(webhook, options.limit);
      if (options.json) {
        context.json(deliveries);
        return;
      }
      if (deliveries.length === 0) {
        context.print(`No delivery for webhook ${webhook} yet.`);
        return;
      }
      const now = Date.now();
      const rows = deliveries.map((d) => [
        String(d.id),
        d.type,
        d.task_id !== null ? `task ${d.task_id}` : `orch ${d.orchestration_id ?? '-'}`,
        d.status,
        String(d.attempts),
        d.response_code === null ? '-' : String(d.response_code),
        d.next_attempt_at ? inTime(d.next_attempt_at, now) : '-',
        d.last_error ?? '',
      ]);
      const headers = ['id', 'type', 'about', 'status', 'tries', 'code', 'next try', 'last error'];
      for (const line of table(headers, rows, context.width)) context.print(line);
    });
}
