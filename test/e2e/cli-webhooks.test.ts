/**
 * `claude-worker webhooks` as a user runs it (the built CLI, a server it starts, the Claude Code stand-in, a real
 * local receiver): add (the secret printed once), list, deliveries, remove, bad input refused in our words; and
 * at-least-once delivery across `kill -9`: the receiver is down when the task completes, the server is killed, the
 * receiver comes back, the server restarts and the delivery arrives, signed, exactly once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { isAlive } from '../../src/platform/process-alive.js';
import type { WebhookDelivery } from '../../src/domain/webhooks.js';
import { Receiver, standardSignatureValid } from '../helpers/receiver.js';
import { waitFor } from '../helpers/harness.js';
import { CliHarness } from './cli-harness.js';

const harnesses: CliHarness[] = [];
const receivers: Receiver[] = [];
afterEach(async () => {
  await Promise.all(harnesses.splice(0).map((cli) => cli.cleanup()));
  await Promise.all(receivers.splice(0).map((r) => r.stop()));
});

async function killServer(cli: CliHarness): Promise<void> {
  const server = cli.serverInfo();
  if (!server) throw new Error('no server.json');
  process.kill(server.pid, 'SIGKILL');
  await waitFor(() => !isAlive(server.pid), `server ${server.pid} to die`, 10_000);
}

async function deliveries(cli: CliHarness, id: number): Promise<WebhookDelivery[]> {
  return JSON.parse(await cli.ok(['webhooks', 'deliveries', String(id), '--json'])) as WebhookDelivery[];
}

describe('claude-worker webhooks', () => {
  it('delivers after kill -9 of the server between the event and the delivery, exactly once', async () => {
    const cli = new CliHarness('webhooks', { CLAUDE_WORKER_WEBHOOK_RETRY_BASE_SECONDS: '0.3' });
    harnesses.push(cli);
    const receiver = await new Receiver().start();
    receivers.push(receiver);
    await receiver.stop(); // down: its port is known, nothing listens there

    const added = JSON.parse(
      await cli.ok([
        'webhooks',
        'add',
        `${receiver.url}/hook`,
        '--events',
        'task.completed,task.failed',
        '--json',
      ]),
    ) as { id: number; secret: string; events: string[] };
    expect(added.events).toEqual(['task.completed', 'task.failed']);
    const listed = await cli.ok(['webhooks', 'list']);
    expect(listed).toContain(`${receiver.url}/hook`);
    expect(listed).not.toContain(added.secret);

    const task = JSON.parse(await cli.ok(['run', 'Ship it', '--json'])) as { id: number };
    await cli.waitFor(task.id, (t) => t.status === 'completed', 30_000);
    const failing = await waitFor(
      async () => {
        const rows = await deliveries(cli, added.id);
        return rows[0] && rows[0].attempts >= 1 && rows[0].last_error ? rows : undefined;
      },
      'a failed try to be logged',
      30_000,
    );
    expect(failing[0]).toMatchObject({ status: 'pending', task_id: task.id, response_code: null });
    expect(failing[0]!.last_error).toMatch(/connection refused/);
    expect(await cli.ok(['webhooks', 'deliveries', String(added.id)])).toMatch(/pending.*connection refused/);

    await killServer(cli);
    await receiver.start(receiver.port);
    expect((await cli.run(['server', 'start'])).code).toBe(0);

    const [got] = await receiver.waitForCount(1, () => true, 60_000);
    expect(standardSignatureValid(added.secret, got!)).toBe(true);
    expect(got!.json).toMatchObject({
      type: 'task.completed',
      data: { task_id: task.id, status: 'completed' },
    });
    expect(got!.headers['webhook-id']).toBe(failing[0]!.webhook_id);
    const done = await waitFor(
      async () => {
        const rows = await deliveries(cli, added.id);
        return rows[0]?.status === 'delivered' ? rows : undefined;
      },
      'the delivery to be logged as delivered',
      30_000,
    );
    expect(done[0]!.attempts).toBeGreaterThanOrEqual(2);
    expect(done[0]!.response_code).toBe(200);
    // A restart after the acknowledgement sends nothing again.
    expect((await cli.run(['server', 'restart'])).code).toBe(0);
    await new Promise((r) => setTimeout(r, 2000));
    expect(
      receiver.received.filter((r) => r.headers['webhook-id'] === got!.headers['webhook-id']),
    ).toHaveLength(1);

    expect(await cli.ok(['webhooks', 'remove', String(added.id)])).toMatch(/Webhook \d+ removed/);
    const again = await cli.run(['webhooks', 'remove', String(added.id)]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/does not exist.*claude-worker webhooks list/);
  }, 180_000);

  it('refuses bad input with exit 2, naming the valid events', async () => {
    const cli = new CliHarness('webhooks-bad');
    harnesses.push(cli);
    const bad = await cli.run(['webhooks', 'add', 'ftp://example.com', '--events', 'task.complete']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/not an http\(s\) URL/);
    expect(bad.stderr).toMatch(/did you mean "task.completed"\?/);
    expect(bad.stderr).toMatch(
      /Valid events: task.completed, task.failed, task.cancelled, task.needs_attention/,
    );
    const noEvents = await cli.run(['webhooks', 'add', 'http://127.0.0.1:9/x']);
    expect(noEvents.code).toBe(2);
    expect(noEvents.stderr).toMatch(/--events/);
    const badId = await cli.run(['webhooks', 'deliveries', 'abc']);
    expect(badId.code).toBe(2);
    expect(badId.stderr).toMatch(/A webhook id is a positive whole number/);
    expect(JSON.parse(await cli.ok(['webhooks', 'list', '--json']))).toEqual([]);
  }, 60_000);
});
