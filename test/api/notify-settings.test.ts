/**
 * A task's and an orchestration's own `notify` settings, through a real server (SQLite, or PostgreSQL with
 * CLAUDE_WORKER_TEST_STORE=postgres) with Slack and Discord pointed at a real local receiver: a task can turn a
 * channel off or ask to hear only of failures; what it holds back is logged `skipped` with the reason and never
 * sent, while webhook subscriptions (systems) still hear every event; an orchestration's settings lie beneath its
 * tasks' own and decide its own ending; bad settings are refused in our words and create nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClaudeWorkerClient } from '../../src/client/http-client.js';
import type { WebhookDelivery } from '../../src/domain/webhooks.js';
import { runServer, type RunningServer } from '../../src/serve.js';
import { APP_STORE_IS_POSTGRES, freshDatabase } from '../helpers/postgres.js';
import { Receiver, type Received } from '../helpers/receiver.js';
import { apiTestConfig, tempDir } from './test-config.js';
import { errorOf, waitFor, waitForStatus } from './test-server.js';

let server: RunningServer;
let client: ClaudeWorkerClient;
let workdir: string;
let database: { url: string; drop: () => Promise<void> } | null = null;
const receiver = new Receiver();
let slackId: number;

beforeAll(async () => {
  await receiver.start();
  database = APP_STORE_IS_POSTGRES ? await freshDatabase() : null;
  workdir = tempDir('cw-notify-work-');
  server = await runServer(
    apiTestConfig(tempDir('cw-notify-home-'), {
      slack_webhook_url: `${receiver.url}/slack`,
      discord_webhook_url: `${receiver.url}/discord`,
      ...(database ? { database_url: database.url } : {}),
    }),
    { handleSignals: false },
  );
  client = new ClaudeWorkerClient({ url: server.url, token: server.token });
  slackId = (await client.listWebhooks()).find((w) => w.kind === 'slack')!.id;
}, 60_000);

afterAll(async () => {
  await server?.close();
  await receiver.stop();
  await database?.drop();
});

/** Messages (Slack or Discord) that name the task or orchestration: "Task 12 completed". */
const about = (subject: string) => (r: Received) => JSON.stringify(r.json).includes(`${subject} `);

/** Waits until the subscription's delivery about this task (or orchestration) is no longer pending. */
function settled(subscription: number, match: (d: WebhookDelivery) => boolean): Promise<WebhookDelivery> {
  return waitFor(async () => {
    const found = (await client.webhookDeliveries(subscription, 200)).find(match);
    return found && found.status !== 'pending' ? found : undefined;
  }, 'the delivery to be decided');
}

describe('notify settings of a task and an orchestration', () => {
  it('a task that turns Slack off is not posted there; Discord and webhook subscriptions still hear of it', async () => {
    const hook = await client.createWebhook({ url: `${receiver.url}/hook`, events: ['task.completed'] });
    const quiet = await client.createTask({
      execution_prompt: 'Quietly tidy the imports',
      working_directory: workdir,
      notify: { slack: 'off' },
    });
    expect(quiet.notify).toEqual({ slack: 'off' });
    const loud = await client.createTask({ execution_prompt: 'Tidy the tests', working_directory: workdir });
    expect(loud.notify).toBeNull();
    await waitForStatus(client, quiet.id, ['completed']);
    await waitForStatus(client, loud.id, ['completed']);

    await receiver.waitForCount(1, (r) => r.path === '/slack' && about(`Task ${loud.id}`)(r));
    await receiver.waitForCount(1, (r) => r.path === '/discord' && about(`Task ${quiet.id}`)(r));
    await receiver.waitForCount(
      1,
      (r) =>
        r.path === '/hook' &&
        r.json['data'] !== undefined &&
        JSON.stringify(r.json).includes(`"task_id":${quiet.id}`),
    );
    const skipped = await settled(slackId, (d) => d.task_id === quiet.id);
    expect(skipped).toMatchObject({ status: 'skipped', attempts: 1, response_code: null });
    expect(skipped.last_error).toBe(`not sent: task ${quiet.id}: its notify settings turn slack off`);
    expect(receiver.received.filter((r) => r.path === '/slack' && about(`Task ${quiet.id}`)(r))).toHaveLength(
      0,
    );
    await client.removeWebhook(hook.id);
  });

  it('notify.on: [failed] holds back the completion and posts the failure', async () => {
    const done = await client.createTask({
      execution_prompt: 'Passes quietly',
      working_directory: workdir,
      notify: { on: ['failed'] },
    });
    const broken = await client.createTask({
      execution_prompt: '[fake:auth_failed] Needs a login',
      working_directory: workdir,
      max_attempts: 1,
      notify: { on: ['failed'] },
    });
    await waitForStatus(client, done.id, ['completed']);
    await waitForStatus(client, broken.id, ['failed']);
    const [posted] = await receiver.waitForCount(
      1,
      (r) => r.path === '/slack' && about(`Task ${broken.id}`)(r),
    );
    expect(JSON.stringify(posted!.json)).toMatch(/failed/);
    const held = await settled(slackId, (d) => d.task_id === done.id);
    expect(held.status).toBe('skipped');
    expect(held.last_error).toMatch(/its notify settings ask only for failed/);
    expect(receiver.received.filter((r) => about(`Task ${done.id}`)(r))).toHaveLength(0);
  });

  it("an orchestration's settings lie beneath its tasks' own and decide its own ending", async () => {
    const orchestration = await client.createOrchestration({
      name: 'release',
      notify: { on: ['failed'], discord: 'off' },
      tasks: [
        { identifier: 'build', execution_prompt: 'Build it', working_directory: workdir },
        {
          identifier: 'ship',
          execution_prompt: 'Ship it',
          working_directory: workdir,
          depends_on: ['build'],
          notify: { on: ['completed'], slack: 'off' },
        },
      ],
    });
    expect(orchestration.notify).toEqual({ on: ['failed'], discord: 'off' });
    const byName = new Map(orchestration.tasks.map((t) => [t.identifier, t]));
    expect(byName.get('build')!.notify).toEqual({ on: ['failed'], discord: 'off' });
    expect(byName.get('ship')!.notify).toEqual({ on: ['completed'], discord: 'off', slack: 'off' });
    expect((await client.getTask(byName.get('ship')!.id)).notify).toEqual({
      on: ['completed'],
      discord: 'off',
      slack: 'off',
    });
    await waitFor(async () => {
      const o = await client.getOrchestration(orchestration.id);
      return o.status === 'completed' ? o : undefined;
    }, 'the orchestration to complete');
    const ended = await settled(
      slackId,
      (d) => d.orchestration_id === orchestration.id && d.type === 'orchestration.completed',
    );
    expect(ended.status).toBe('skipped');
    expect(ended.last_error).toBe(
      `not sent: orchestration ${orchestration.id}: its notify settings ask only for failed`,
    );
    const ship = await settled(slackId, (d) => d.task_id === byName.get('ship')!.id);
    expect(ship.last_error).toMatch(/turn slack off/);
    // Nothing about this orchestration reached either channel.
    await new Promise((r) => setTimeout(r, 300));
    expect(
      receiver.received.filter(
        (r) => about(`Orchestration ${orchestration.id}`)(r) || about(`Task ${byName.get('build')!.id}`)(r),
      ),
    ).toHaveLength(0);
  });

  it('refuses bad notify settings in our words and creates nothing', async () => {
    const before = (await client.listTasks({ limit: 500 })).tasks.length;
    const url = await errorOf(() =>
      client.createTask({
        execution_prompt: 'x',
        working_directory: workdir,
        notify: { slack: 'https://hooks.slack.com/services/T/B/C' } as never,
      }),
    );
    expect(url.code).toBe('validation');
    expect(url.message).toMatch(
      /notify\.slack: notify\.slack is on or off for this task; the Slack channel itself is set on the server \(CLAUDE_WORKER_SLACK_WEBHOOK_URL\)/,
    );
    const ending = await errorOf(() =>
      client.createTask({
        execution_prompt: 'x',
        working_directory: workdir,
        notify: { on: ['complete'], volume: 3 } as never,
      }),
    );
    expect(ending.message).toMatch(/notify\.on\[0\]: .*"complete".*completed/);
    expect(ending.message).toMatch(/notify: unknown field "volume"/);
    const orchestration = await errorOf(() =>
      client.createOrchestration({
        notify: { sound: 'loud' },
        tasks: [{ identifier: 'a', execution_prompt: 'A', working_directory: workdir }],
      } as never),
    );
    expect(orchestration.message).toMatch(/notify\.sound: notify\.sound is on or off, not text "loud"/);
    expect((await client.listTasks({ limit: 500 })).tasks.length).toBe(before);
  });
});
