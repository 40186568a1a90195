/**
 * Worker nodes over REST, through the typed client against real servers on one SQLite file: `GET /api/v1/workers`
 * lists the server's own worker with exactly the documented fields, an API node (`worker: false`) has none of its
 * own and says so in /health/detailed; `runs_on` is accepted on tasks and in workflow files (a folder used only by
 * labelled tasks need not exist on the API node), refused in our own words when malformed, and documented.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runServer, type RunningServer } from '../../src/serve.js';
import { ClaudeWorkerClient } from '../../src/client/http-client.js';
import { apiTestConfig } from './test-config.js';
import { errorOf, startTestServer, waitForStatus, type TestServer } from './test-server.js';

let t: TestServer;
let apiNode: RunningServer;
let apiClient: ClaudeWorkerClient;
beforeAll(async () => {
  t = await startTestServer();
  // A second server on the same home folder and database, without a worker: an API node.
  apiNode = await runServer(apiTestConfig(t.home, { port: 0 }), { handleSignals: false, worker: false });
  apiClient = new ClaudeWorkerClient({ url: apiNode.url, token: apiNode.token });
});
afterAll(async () => {
  await apiNode?.close();
  await t?.close();
});

describe('GET /api/v1/workers', () => {
  it("lists the server's worker with exactly the documented fields, alive", async () => {
    const workers = await apiClient.listWorkers();
    expect(workers).toHaveLength(1);
    expect(Object.keys(workers[0]!).sort()).toEqual(
      [
        'concurrency',
        'host',
        'id',
        'labels',
        'last_heartbeat_at',
        'pid',
        'running',
        'started_at',
        'status',
        'version',
      ].sort(),
    );
    expect(workers[0]).toMatchObject({ pid: process.pid, labels: [], status: 'alive', running: 0 });
    expect(workers[0]!.id).toBe(t.server.app.engine!.workerId);
  });

  it('an API node runs no worker and says so in /health/detailed', async () => {
    const health = await apiClient.healthDetailed();
    expect(health.worker).toMatchObject({ running: false, state: 'none', worker_id: null });
    expect(apiNode.app.engine).toBeNull();
  });

  it('is in /openapi.json and refuses unknown query parameters', async () => {
    const res = await fetch(`${apiNode.url}/openapi.json`, {
      headers: { authorization: `Bearer ${apiNode.token}` },
    });
    const doc = (await res.json()) as { paths: Record<string, unknown> };
    expect(doc.paths['/api/v1/workers']).toBeDefined();
    const bad = await fetch(`${apiNode.url}/api/v1/workers?status=alive`, {
      headers: { authorization: `Bearer ${apiNode.token}` },
    });
    expect(bad.status).toBe(400);
  });
});

describe('runs_on', () => {
  it('a task for a label nobody has waits with the reason; its folder need not exist on the API node', async () => {
    const elsewhere = join(t.workdir, 'only-on-the-build-box');
    const task = await apiClient.createTask({
      execution_prompt: 'Build on the big machine',
      working_directory: elsewhere,
      runs_on: ['big'],
    });
    expect(task.runs_on).toEqual(['big']);
    const seen = await apiClient.getTask(task.id);
    expect(seen.status).toBe('queued');
    expect(seen.status_reason).toContain('waiting for a worker with label big; none alive');
    // Without labels the folder must exist here, as before.
    const err = await errorOf(() =>
      apiClient.createTask({ execution_prompt: 'x', working_directory: elsewhere }),
    );
    expect(err.message).toContain('does not exist');
    await apiClient.cancelTask(task.id);
  });

  it('refuses a malformed label in our own words and creates nothing', async () => {
    const before = (await apiClient.listTasks({ limit: 500 })).tasks.length;
    const err = await errorOf(() =>
      apiClient.createTask({
        execution_prompt: 'x',
        working_directory: t.workdir,
        runs_on: ['repo a'],
      }),
    );
    expect(err.message).toContain('runs_on[0]: "repo a" is not a valid label');
    const wrongType = await errorOf(() =>
      apiClient.createTask({
        execution_prompt: 'x',
        working_directory: t.workdir,
        runs_on: 'repo-a' as unknown as string[],
      }),
    );
    expect(wrongType.message).toContain('runs_on must be a list of worker labels');
    expect((await apiClient.listTasks({ limit: 500 })).tasks.length).toBe(before);
  });

  it('in a workflow: defaults apply, a task may clear them, labelled folders are checked on the worker', async () => {
    const remote = join(t.workdir, 'on-the-gpu-box');
    const detail = await apiClient.createOrchestration({
      defaults: { working_directory: remote, runs_on: ['gpu'] },
      tasks: [
        { identifier: 'train', execution_prompt: 'Train' },
        { identifier: 'report', execution_prompt: 'Report', working_directory: t.workdir, runs_on: [] },
      ],
    });
    const byId = new Map(detail.tasks.map((x) => [x.identifier, x]));
    expect(byId.get('train')!.runs_on).toEqual(['gpu']);
    expect(byId.get('report')!.runs_on).toEqual([]);
    // The unlabelled task runs on the server's worker; the labelled one waits for a gpu worker.
    await waitForStatus(apiClient, byId.get('report')!.id, ['completed']);
    expect((await apiClient.getTask(byId.get('train')!.id)).status).toBe('queued');

    const err = await errorOf(() =>
      apiClient.createOrchestration({
        tasks: [
          { identifier: 'a', execution_prompt: 'A', working_directory: remote, runs_on: ['gpu'] },
          { identifier: 'b', execution_prompt: 'B', working_directory: remote },
        ],
      }),
    );
    expect(err.message).toContain('does not exist');
    await apiClient.cancelOrchestration(detail.id);
  });
});
