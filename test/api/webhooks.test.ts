/**
 * Webhooks through a real server (SQLite, or PostgreSQL with CLAUDE_WORKER_TEST_STORE=postgres), the typed client
 * and a real local HTTP receiver: a subscription gets `{type, timestamp, data}` signed the Standard Webhooks way
 * (checked here with our own HMAC, not the server's code), a 500 is retried with the same webhook-id until a 200,
 * and never sent again once acknowledged; a failure a person must fix is also task.needs_attention; an
 * orchestration's end is reported; Slack and Discord (from the configuration) get messages in their documented
 * shapes through the same outbox; bad input is refused in our words and creates nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runServer, type RunningServer } from '../../src/serve.js';
import { ClaudeWorkerClient } from '../../src/client/http-client.js';
import { APP_STORE_IS_POSTGRES, freshDatabase } from '../helpers/postgres.js';
import { Receiver, standardSignatureValid } from '../helpers/receiver.js';
import { apiTestConfig, tempDir } from './test-config.js';
import { errorOf, waitFor, waitForStatus } from './test-server.js';

let server: RunningServer;
let client: ClaudeWorkerClient;
let workdir: string;
let database: { url: string; drop: () => Promise<void> } | null = null;
const receiver = new Receiver();

beforeAll(async () => {
  await receiver.start();
  database = APP_STORE_IS_POSTGRES ? await freshDatabase() : null;
  workdir = tempDir('cw-webhooks-work-');
  server = await runServer(
    apiTestConfig(tempDir('cw-webhooks-home-'), {
      webhook_retry_base_seconds: 0.2,
      slack_webhook_url: `${receiver.url}/slack`,
      discord_webhook_url: `${receiver.url}/discord`,
      ...(database ? { database_url: database.url } : {}),
    }),
    { handleSignals: false },
  );
  client = new ClaudeWorkerClient({ url: server.url, token: server.token });
}, 60_000);

afterAll(async () => {
  await server?.close();
  await receiver.stop();
  await database?.drop();
});

const bodyOf = (r: { json: Record<string, unknown> }) =>
  r.json as { type: string; timestamp: string; data: Record<string, unknown> };

describe('webhook subscriptions', () => {
  it('delivers task.completed signed the Standard Webhooks way, with a generated secret', async () => {
    const hook = await client.createWebhook({ url: `${receiver.url}/a`, events: ['task.completed'] });
    expect(hook.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(Buffer.from(hook.secret.slice('whsec_'.length), 'base64')).toHaveLength(24);
    expect((await client.listWebhooks()).find((w) => w.id === hook.id)).not.toHaveProperty('secret');

    const task = await client.createTask({
      execution_prompt: 'Write the report',
      working_directory: workdir,
    });
    await waitForStatus(client, task.id, ['completed']);
    const [got] = await receiver.waitForCount(1, (r) => r.path === '/a');
    expect(got!.headers['content-type']).toBe('application/json');
    expect(standardSignatureValid(hook.secret, got!)).toBe(true);
    expect(standardSignatureValid('whsec_' + Buffer.alloc(24, 1).toString('base64'), got!)).toBe(false);
    const body = bodyOf(got!);
    expect(body.type).toBe('task.completed');
    expect(Date.parse(body.timestamp)).not.toBeNaN();
    expect(body.data).toMatchObject({
      task_id: task.id,
      status: 'completed',
      result_preview: 'done: Write the report',
    });
    expect(body.data['dashboard_url']).toBe(`${server.url}/tasks/${task.id}`);
    expect(Math.abs(Number(got!.headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(120);

    const log = await waitFor(async () => {
      const rows = await client.webhookDeliveries(hook.id);
      return rows[0]?.status === 'delivered' ? rows : undefined;
    }, 'the delivery to be logged as delivered');
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({
      type: 'task.completed',
      task_id: task.id,
      attempts: 1,
      response_code: 200,
      webhook_id: got!.headers['webhook-id'],
      next_attempt_at: null,
    });
  });

  it('retries a 500 with the same webhook-id until a 200, and never sends it again once acknowledged', async () => {
    const secret = 'whsec_' + Buffer.alloc(32, 7).toString('base64');
    const hook = await client.createWebhook({ url: `${receiver.url}/b`, events: ['task.completed'], secret });
    expect(hook.secret).toBe(secret);
    receiver.answers.set('/b', [500]);
    const task = await client.createTask({ execution_prompt: 'Retry me', working_directory: workdir });
    const tries = await receiver.waitForCount(2, (r) => r.path === '/b');
    expect(tries.map((r) => r.status)).toEqual([500, 200]);
    expect(tries[0]!.headers['webhook-id']).toBe(tries[1]!.headers['webhook-id']);
    expect(tries[0]!.body).toBe(tries[1]!.body);
    for (const t of tries) expect(standardSignatureValid(secret, t)).toBe(true);
    expect(bodyOf(tries[1]!).data['task_id']).toBe(task.id);
    const log = await waitFor(async () => {
      const rows = await client.webhookDeliveries(hook.id);
      return rows[0]?.status === 'delivered' ? rows : undefined;
    }, 'the retried delivery to be logged as delivered');
    expect(log[0]).toMatchObject({ attempts: 2, response_code: 200, last_error: null });
    // Well past several retry bases: nothing more arrives for it.
    await new Promise((r) => setTimeout(r, 1500));
    expect(receiver.received.filter((r) => r.path === '/b')).toHaveLength(2);
  });

  it('a subscription another node records (not through this server) still gets its events, at the next poll', async () => {
    // Written into the store directly, as another API node would: this server's delivery loop has not been told.
    await server.app.store.createWebhook({
      kind: 'webhook',
      url: `${receiver.url}/other-node`,
      events: ['task.cancelled'],
      secret: 'whsec_' + Buffer.alloc(24, 3).toString('base64'),
    });
    const hung = await client.createTask({ execution_prompt: '[fake:hang] x', working_directory: workdir });
    await waitFor(async () => (await client.getTask(hung.id)).status === 'running', 'the hung task to run');
    await client.cancelTask(hung.id);
    const [got] = await receiver.waitForCount(1, (r) => r.path === '/other-node');
    expect(bodyOf(got!)).toMatchObject({ type: 'task.cancelled', data: { task_id: hung.id } });
  });

  it('a failure a person must fix is task.failed and task.needs_attention, with its suggestion', async () => {
    const hook = await client.createWebhook({
      url: `${receiver.url}/c`,
      events: ['task.failed', 'task.needs_attention'],
    });
    const task = await client.createTask({
      execution_prompt: '[fake:auth_failed] Needs login',
      working_directory: workdir,
      max_attempts: 1,
    });
    await waitForStatus(client, task.id, ['failed']);
    const got = await receiver.waitForCount(2, (r) => r.path === '/c');
    expect(got.map((r) => bodyOf(r).type).sort()).toEqual(['task.failed', 'task.needs_attention']);
    expect(new Set(got.map((r) => r.headers['webhook-id'])).size).toBe(2);
    for (const r of got) {
      expect(standardSignatureValid(hook.secret, r)).toBe(true);
      expect(bodyOf(r).data).toMatchObject({ task_id: task.id, status: 'failed' });
      expect(String(bodyOf(r).data['suggestion'])).toMatch(/log/i);
    }
  });

  it('reports an orchestration that completed', async () => {
    await client.createWebhook({ url: `${receiver.url}/d`, events: ['orchestration.completed'] });
    const orchestration = await client.createOrchestration({
      name: 'two-steps',
      tasks: [
        { identifier: 'a', execution_prompt: 'A', working_directory: workdir },
        { identifier: 'b', execution_prompt: 'B', working_directory: workdir, depends_on: ['a'] },
      ],
    });
    const [got] = await receiver.waitForCount(1, (r) => r.path === '/d');
    expect(bodyOf(got!)).toMatchObject({
      type: 'orchestration.completed',
      data: { orchestration_id: orchestration.id, name: 'two-steps', status: 'completed' },
    });
  });

  it('posts Slack {text, blocks} and Discord {content, embeds} messages for the configured channels', async () => {
    const channels = (await client.listWebhooks()).filter((w) => w.kind !== 'webhook');
    expect(channels.map((w) => [w.kind, w.url]).sort()).toEqual([
      ['discord', `${receiver.url}/discord`],
      ['slack', `${receiver.url}/slack`],
    ]);
    const task = await client.createTask({
      execution_prompt: 'Summarise the changelog',
      working_directory: workdir,
    });
    await waitForStatus(client, task.id, ['completed']);
    const about = (r: { json: Record<string, unknown> }) =>
      JSON.stringify(r.json).includes(`Task ${task.id} `);
    const [slack] = await receiver.waitForCount(1, (r) => r.path === '/slack' && about(r));
    const [discord] = await receiver.waitForCount(1, (r) => r.path === '/discord' && about(r));
    // Slack: a fallback `text` and Block Kit blocks (header plain_text ≤ 150, sections mrkdwn, a context link).
    const s = slack!.json as {
      text: string;
      blocks: Array<{ type: string; text: { type: string; text: string } }>;
    };
    expect(s.text).toMatch(new RegExp(`^Task ${task.id} completed — status: completed · duration: [\\d.]+s`));
    expect(s.blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: `Task ${task.id} completed`, emoji: true },
    });
    expect(s.blocks[1]).toMatchObject({ type: 'section', text: { type: 'mrkdwn' } });
    expect(s.blocks[2]!.text.text).toContain('done: Summarise the changelog');
    expect(s.blocks[3]).toEqual({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: `<${server.url}/tasks/${task.id}|Open in the dashboard>` }],
    });
    expect(slack!.headers['webhook-signature']).toBeUndefined();
    // Discord: `content` ≤ 2000 and one embed (title, description, url, integer colour, fields, ISO timestamp).
    const d = discord!.json as {
      content: string;
      embeds: Array<{
        title: string;
        color: number;
        timestamp: string;
        fields: Array<{ name: string; value: unknown }>;
      }>;
    };
    expect(d.content).toMatch(new RegExp(`^Task ${task.id} completed`));
    expect(d.embeds).toHaveLength(1);
    const embed = d.embeds[0]!;
    expect(embed).toMatchObject({
      title: `Task ${task.id} completed`,
      url: `${server.url}/tasks/${task.id}`,
      description: 'done: Summarise the changelog',
    });
    expect(Number.isInteger(embed.color)).toBe(true);
    expect(Date.parse(embed.timestamp)).not.toBeNaN();
    expect(embed.fields[0]).toEqual({ name: 'Status', value: 'completed', inline: true });
    for (const f of embed.fields) expect(typeof f.value).toBe('string');
  });

  it('refuses bad input in our words, naming the valid events, and creates nothing', async () => {
    const before = (await client.listWebhooks()).length;
    const err = await errorOf(() =>
      client.createWebhook({ url: 'ftp://example.com/x', events: ['task.complete', 'task.failed', 'nope'] }),
    );
    expect(err.code).toBe('validation');
    expect(err.message).toMatch(/url: "ftp:\/\/example.com\/x" is not an http\(s\) URL/);
    expect(err.message).toMatch(
      /events\[0\]: unknown event "task.complete"; did you mean "task.completed"\?/,
    );
    expect(err.message).toMatch(
      /events\[2\]: unknown event "nope".*Valid events: task.completed, task.failed/,
    );
    const secret = await errorOf(() =>
      client.createWebhook({ url: receiver.url, events: ['task.failed'], secret: 'hunter2' }),
    );
    expect(secret.message).toMatch(/secret: a secret is "whsec_" followed by base64/);
    const none = await errorOf(() => client.createWebhook({ url: 'not a url', events: [] }));
    expect(none.message).toMatch(/url: "not a url" is not a URL/);
    expect(none.message).toMatch(/events: name at least one event/);
    expect(await client.listWebhooks()).toHaveLength(before);

    const missing = await errorOf(() => client.removeWebhook(999_999));
    expect(missing.code).toBe('not_found');
    expect(missing.message).toMatch(/Webhook 999999 does not exist.*claude-worker webhooks list/);
    expect((await errorOf(() => client.webhookDeliveries(999_999))).code).toBe('not_found');
    const res = await fetch(`${server.url}/api/v1/webhooks/abc/deliveries`, {
      headers: { authorization: `Bearer ${server.token}` },
    });
    expect(res.status).toBe(400);
  });

  it('a removed subscription gets nothing more and its log is gone', async () => {
    const hook = await client.createWebhook({ url: `${receiver.url}/e`, events: ['task.completed'] });
    await client.removeWebhook(hook.id);
    expect((await client.listWebhooks()).some((w) => w.id === hook.id)).toBe(false);
    const task = await client.createTask({ execution_prompt: 'After removal', working_directory: workdir });
    await waitForStatus(client, task.id, ['completed']);
    await receiver.waitForCount(1, (r) => r.path === '/a' && bodyOf(r).data['task_id'] === task.id);
    expect(receiver.received.filter((r) => r.path === '/e')).toHaveLength(0);
  });
});
