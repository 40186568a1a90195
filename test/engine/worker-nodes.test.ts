/**
 * Worker nodes through the real engine, SDK and stand-in, on one SQLite file shared by several Apps (as several
 * worker processes share it): each engine registers with its labels and heartbeats; a graceful stop marks it gone;
 * only a worker having a task's `runs_on` labels runs it, and `status` says why it waits meanwhile; the periodic
 * recovery pass of live nodes requeues a dead node's task once and says so in its log; a missing folder on the
 * claiming worker fails the task naming the host and the folder.
 */
import { readFileSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { VERSION } from '../../src/api/version.js';
import { App } from '../../src/app.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import {
  quietLogger,
  tempDir as makeTempDir,
  testConfig,
  waitFor,
  waitForStatus,
} from '../helpers/harness.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function tempDir(prefix: string): string {
  const dir = makeTempDir(prefix);
  cleanups.unshift(async () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function openApp(home: string, labels: string[] = [], start = true): Promise<App> {
  const app = await App.open({ config: testConfig(home), logger: quietLogger, labels });
  cleanups.push(() => app.close());
  if (start) await app.start();
  return app;
}

async function reader(home: string): Promise<SqliteStore> {
  const store = new SqliteStore(join(home, 'claude-worker.db'));
  await store.migrate();
  cleanups.push(() => store.close());
  return store;
}

describe('worker nodes', () => {
  it('registers with its labels, heartbeats while it runs, and is gone once stopped', async () => {
    const home = tempDir('cw-nodes-');
    const app = await openApp(home, ['repo-a', 'big']);
    const [registered] = await app.tasks.listWorkers();
    expect(registered).toEqual({
      id: app.engine!.workerId,
      host: hostname(),
      pid: process.pid,
      labels: ['repo-a', 'big'],
      concurrency: app.config.concurrency,
      running: 0,
      version: VERSION,
      started_at: registered!.started_at,
      last_heartbeat_at: registered!.last_heartbeat_at,
      status: 'alive',
    });
    await waitFor(
      async () => (await app.tasks.listWorkers())[0]!.last_heartbeat_at > registered!.last_heartbeat_at,
      'a heartbeat',
    );

    // Pruned while alive (an age shorter than its heartbeat): it registers again at its next heartbeat.
    expect(await app.store.pruneWorkers(new Date(Date.now() + 60_000), false)).toBe(1);
    const back = await waitFor(
      async () => (await app.tasks.listWorkers())[0],
      'the worker to register again',
    );
    expect(back).toMatchObject({ id: registered!.id, labels: ['repo-a', 'big'], status: 'alive' });

    await app.close();
    const store = await reader(home);
    const [stopped] = await store.listWorkers();
    expect(stopped).toMatchObject({ id: registered!.id, labels: ['repo-a', 'big'] });
    expect(stopped!.stopped_at).not.toBeNull();
    const other = await openApp(home, [], false);
    expect((await other.tasks.listWorkers())[0]!.status).toBe('gone');
  });

  it('runs a labelled task only on a worker having all its labels; meanwhile status says why it waits', async () => {
    const home = tempDir('cw-nodes-');
    const workdir = tempDir('cw-work-');
    const plain = await openApp(home);
    const task = await plain.tasks.createTask(
      { execution_prompt: 'Label me', working_directory: workdir, runs_on: ['gpu', 'repo-a'] },
      { actor: 'cli' },
    );
    expect(task.runs_on).toEqual(['gpu', 'repo-a']);
    await new Promise((done) => setTimeout(done, 1500));
    const waiting = await plain.tasks.getTask(task.id);
    expect(waiting.status).toBe('queued');
    expect(waiting.status_reason).toContain(
      'waiting for a worker with labels gpu, repo-a (all of them); none alive',
    );

    const half = await openApp(home, ['gpu']);
    expect((await half.tasks.getTask(task.id)).status_reason).toContain(
      'alive workers have only some of them',
    );
    const full = await openApp(home, ['repo-a', 'gpu', 'extra']);
    const done = await waitForStatus(full, task.id, ['completed']);
    expect(done.worker_id).toBeNull();
    const [attempt] = await full.store.listAttempts(task.id);
    expect(attempt!.worker_id).toBe(full.engine!.workerId);
  });

  it("requeues a dead node's task once, from the periodic pass of the live nodes, and says so in its log", async () => {
    const home = tempDir('cw-nodes-');
    const workdir = tempDir('cw-work-');
    const first = await openApp(home);
    await openApp(home); // a second live node running the same pass
    const task = await first.tasks.createTask(
      { execution_prompt: 'Owned by a node that dies', working_directory: workdir, runs_on: ['elsewhere'] },
      { actor: 'cli' },
    );
    // A node on another machine claims it, then goes silent: its lease runs out without renewal.
    const ghost = await reader(home);
    const [claimed] = await ghost.claimTasks({
      worker_id: 'far-away/4242/dead00',
      limit: 1,
      lease_ms: 400,
      labels: ['elsewhere'],
    });
    expect(claimed!.task.id).toBe(task.id);

    const requeued = await waitFor(async () => {
      const now = await first.store.getTask(task.id);
      return now?.status === 'queued' && now.attempt_count === 1 ? now : undefined;
    }, 'the recovery pass to requeue the task');
    expect(requeued.error).toMatchObject({ code: 'interrupted' });
    await new Promise((done) => setTimeout(done, 1200)); // more heartbeats of both nodes
    const events = await first.store.listEvents({ task_id: task.id, limit: 50 });
    expect(events.filter((e) => e.type === 'task_recovered')).toHaveLength(1);
    expect((await first.store.listAttempts(task.id)).map((a) => a.status)).toEqual(['interrupted']);
    const log = await waitFor(() => {
      const text = readFileSync(task.log_path!, 'utf8');
      return text.includes('[recovery]') ? text : undefined;
    }, 'the recovery line in the task log');
    expect(log).toContain('[recovery] attempt 1 was interrupted');
  });

  it('checks the folder of a labelled task only against allowed_roots as written (it lives on another machine)', async () => {
    const home = tempDir('cw-nodes-');
    const app = await App.open({
      config: testConfig(home, { allowed_roots: ['/srv/repos'] }),
      logger: quietLogger,
      worker: false,
    });
    cleanups.push(() => app.close());
    const remote = { execution_prompt: 'Elsewhere', runs_on: ['repo-a'] };
    const task = await app.tasks.createTask(
      { ...remote, working_directory: '/srv/repos/repo-a' },
      { actor: 'cli' },
    );
    expect(task.working_directory).toBe('/srv/repos/repo-a');
    await expect(
      app.tasks.createTask({ ...remote, working_directory: '/srv/repos/../../etc' }, { actor: 'cli' }),
    ).rejects.toThrow(/outside the allowed roots/);
  });

  it('fails a task whose folder is missing on the claiming worker, naming the host and the folder', async () => {
    const home = tempDir('cw-nodes-');
    const app = await openApp(home, ['repo-a']);
    const missing = join(tempDir('cw-gone-'), 'repo-a');
    const task = await app.tasks.createTask(
      {
        execution_prompt: 'Work in a folder this machine lacks',
        working_directory: missing,
        runs_on: ['repo-a'],
      },
      { actor: 'cli' },
    );
    const failed = await waitForStatus(app, task.id, ['failed']);
    expect(failed.attempt_count).toBe(1);
    expect(failed.error).toMatchObject({ code: 'invalid_request', retryable: false });
    expect(failed.error!.message).toContain(`${missing} does not exist`);
    expect(failed.error!.message).toContain(`on worker host ${hostname()}`);
    expect(failed.error!.suggestion).toContain('runs_on');
    expect(failed.error!.suggestion).toContain(`claude-worker retry ${task.id}`);
  });
});
