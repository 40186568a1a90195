/**
 * A small cluster on one machine, with the built CLI as a user runs it: an API node (`server start --no-worker`) and
 * three `claude-worker worker` processes sharing its SQLite file. `workers` lists them; `kill -9` of the worker that
 * runs a long task leaves it to the two others, whose recovery passes requeue it once its lease expires; it
 * completes exactly once. SIGTERM stops a worker gracefully; `prune` forgets gone workers. A task labelled for a worker nobody runs says why it waits, and a folder missing
 * on the claiming worker fails it naming the host and the folder.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { TaskEvent, Worker } from '../../src/domain/vocabulary.js';
import { isAlive } from '../../src/platform/process-alive.js';
import { CLI, CliHarness } from './cli-harness.js';

interface WorkerProcess {
  child: ChildProcess;
  pid: number;
  startLine: string;
  exited: Promise<number | null>;
  output(): string;
}

const harnesses: CliHarness[] = [];
const workers: WorkerProcess[] = [];
afterEach(async () => {
  for (const worker of workers.splice(0)) {
    if (isAlive(worker.pid)) worker.child.kill('SIGKILL');
    await worker.exited;
  }
  for (const cli of harnesses.splice(0)) {
    for (const start of cli.starts()) if (isAlive(start.pid)) process.kill(start.pid, 'SIGKILL');
    await cli.cleanup();
  }
});

/** A short lease and frequent heartbeats, so a dead worker's task is taken over within seconds. */
const FAST = {
  CLAUDE_WORKER_LEASE_SECONDS: '3',
  CLAUDE_WORKER_HEARTBEAT_SECONDS: '0.5',
  CLAUDE_WORKER_POLL_SECONDS: '0.5',
};

function startWorker(cli: CliHarness, args: string[]): Promise<WorkerProcess> {
  const child = spawn(process.execPath, [CLI, 'worker', ...args], {
    cwd: cli.work,
    env: cli.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.once('close', (code) => done(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not start: ${out}`)), 20_000);
    const check = () => {
      const line = out.split('\n').find((l) => l.startsWith('claude-worker worker '));
      if (!line) return;
      clearTimeout(timer);
      child.stdout!.off('data', check);
      const worker = { child, pid: child.pid!, startLine: line, exited, output: () => out };
      workers.push(worker);
      resolve(worker);
    };
    child.stdout!.on('data', check);
    void exited.then((code) => reject(new Error(`worker exited ${code} before starting: ${out}`)));
  });
}

async function listWorkers(cli: CliHarness): Promise<Worker[]> {
  return JSON.parse(await cli.ok(['workers', '--json'])) as Worker[];
}

/** The task's stored events, over REST as any client reads them. */
async function taskEvents(cli: CliHarness, id: number): Promise<TaskEvent[]> {
  const token = readFileSync(join(cli.home, 'token'), 'utf8').trim();
  const res = await fetch(`${cli.serverInfo()!.url}/api/v1/tasks/${id}/events`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return ((await res.json()) as { events: TaskEvent[] }).events;
}

describe('a worker node stopping', () => {
  it('a stop signal delivered twice at once (a process-group kill) is one graceful stop: exit 0, its task requeued', async () => {
    const cli = new CliHarness('double-term', FAST);
    harnesses.push(cli);
    await cli.ok(['server', 'start', '--no-worker']);
    const worker = await startWorker(cli, []);
    const id = Number(/Task (\d+) queued/.exec(await cli.ok(['run', 'Wait [fake:hang]']))![1]);
    for (let i = 0; (await cli.task(id)).status !== 'running'; i++) {
      if (i > 60) throw new Error(`task ${id} never started`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    // As GNU timeout or `kill -- -PGID` do: the same signal twice, back to back.
    worker.child.kill('SIGTERM');
    worker.child.kill('SIGTERM');
    expect(await worker.exited, worker.output()).toBe(0);
    const task = await cli.task(id);
    expect(task.status).toBe('queued');
    expect(task.attempts[0]!.status).toBe('interrupted');
  }, 60_000);
});

describe('worker nodes on one SQLite file', () => {
  it('an API node and three workers: kill -9 of one mid-task, the others requeue it once, it completes once', async () => {
    const cli = new CliHarness('nodes', FAST);
    harnesses.push(cli);
    const started = await cli.ok(['server', 'start', '--no-worker']);
    expect(started).toContain('with no worker');
    expect(await cli.ok(['server', 'status'])).toContain('worker    none: this server runs no tasks');
    expect(await cli.ok(['workers'])).toContain('No worker has registered yet');

    const one = await startWorker(cli, ['--concurrency', '2', '--label', 'repo-a,big']);
    const two = await startWorker(cli, ['--label', 'repo-a']);
    const three = await startWorker(cli, ['--label', 'repo-a']);
    expect(one.startLine).toContain('concurrency 2, labels repo-a,big');
    expect(one.startLine).toContain(`Log: ${join(cli.home, 'logs', `worker-${one.pid}.log`)}`);
    expect(statSync(join(cli.home, 'logs', `worker-${one.pid}.log`)).mode & 0o777).toBe(0o600);

    const listed = await listWorkers(cli);
    expect(listed.map((w) => [w.pid, w.labels, w.concurrency, w.status])).toEqual([
      [one.pid, ['repo-a', 'big'], 2, 'alive'],
      [two.pid, ['repo-a'], 4, 'alive'],
      [three.pid, ['repo-a'], 4, 'alive'],
    ]);
    expect(Object.keys(listed[0]!).sort()).toEqual(
      [
        'id',
        'host',
        'pid',
        'labels',
        'concurrency',
        'running',
        'version',
        'started_at',
        'last_heartbeat_at',
        'status',
      ].sort(),
    );
    expect(listed[0]!.host).toBe(hostname());
    const table = await cli.ok(['workers']);
    expect(table).toContain('repo-a,big');
    expect(table).toContain('3 alive, 0 gone.');

    const created = JSON.parse(
      await cli.ok(['run', '[fake:slow steps=24 delay_ms=250] Long job', '--runs-on', 'repo-a', '--json']),
    ) as { id: number; runs_on: string[] };
    expect(created.runs_on).toEqual(['repo-a']);
    const running = await cli.waitFor(
      created.id,
      (t) => t.status === 'running' && t.last_action !== null,
      20_000,
    );
    const victim = [one, two, three].find((w) => running.worker_id!.split('/')[1] === String(w.pid))!;
    const survivors = [one, two, three].filter((w) => w !== victim);
    expect((await listWorkers(cli)).find((w) => w.pid === victim.pid)!.running).toBe(1);

    victim.child.kill('SIGKILL');
    await victim.exited;
    const done = await cli.waitFor(created.id, (t) => t.status === 'completed', 45_000);
    expect(done.attempts.map((a) => a.status)).toEqual(['interrupted', 'succeeded']);
    expect(done.attempts[0]!.worker_id).toBe(running.worker_id);
    // Two live nodes ran the recovery pass; the task was requeued once and completed once, on one of them.
    expect(survivors.map((w) => String(w.pid))).toContain(done.attempts[1]!.worker_id.split('/')[1]);
    const stored = await taskEvents(cli, created.id);
    expect(stored.filter((e) => e.type === 'task_completed')).toHaveLength(1);
    expect(stored.filter((e) => e.type === 'task_recovered')).toHaveLength(1);

    const after = await listWorkers(cli);
    expect(after.find((w) => w.pid === victim.pid)!.status).toBe('gone');
    for (const survivor of survivors) expect(after.find((w) => w.pid === survivor.pid)!.status).toBe('alive');

    // SIGTERM: a graceful stop, exit 0, listed as gone at once.
    for (const survivor of survivors) survivor.child.kill('SIGTERM');
    for (const survivor of survivors) expect(await survivor.exited).toBe(0);
    expect((await listWorkers(cli)).map((w) => w.status)).toEqual(['gone', 'gone', 'gone']);

    // Gone workers stay listed until pruned (never within their lease window: they may only be slow).
    await new Promise((resolve) => setTimeout(resolve, 3_500));
    expect(await cli.ok(['prune', '--older-than', '1s'])).toContain('and 3 workers gone since then');
    expect(await listWorkers(cli)).toEqual([]);
  }, 120_000);

  it('says why a labelled task waits; a folder missing on the claiming worker fails it by host and folder', async () => {
    const cli = new CliHarness('labels', FAST);
    harnesses.push(cli);
    await cli.ok(['server', 'start', '--no-worker']);
    const missing = join(cli.root, 'only-on-the-gpu-box');

    // Without runs_on the folder must exist where the task is submitted; with it, on the worker that runs it.
    const refused = await cli.run(['run', 'x', '--dir', missing]);
    expect(refused.code).toBe(2);
    const created = JSON.parse(
      await cli.ok(['run', 'Train it', '--dir', missing, '--runs-on', 'gpu', '--json']),
    ) as { id: number };
    const waiting = await cli.task(created.id);
    expect(waiting.status).toBe('queued');
    expect(waiting.status_reason).toContain('waiting for a worker with label gpu; none alive');
    const shown = await cli.ok(['status', String(created.id)]);
    expect(shown).toContain('waiting for a worker with label gpu');
    expect(shown).toContain('runs on     a worker labelled gpu');

    const plain = JSON.parse(await cli.ok(['run', 'Anything', '--json'])) as { id: number };
    expect((await cli.task(plain.id)).status_reason).toContain('waiting for a worker; none alive');

    const bad = await cli.run(['worker', '--label', 'gpu,not ok']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('"not ok" is not a valid label');

    const gpu = await startWorker(cli, ['--label', 'gpu']);
    const failed = await cli.waitFor(created.id, (t) => t.status === 'failed', 20_000);
    expect(failed.error!.code).toBe('invalid_request');
    expect(failed.error!.message).toContain(`${missing} does not exist`);
    expect(failed.error!.message).toContain(`on worker host ${hostname()}`);
    expect(failed.error!.suggestion).toContain('runs_on');
    expect(failed.attempts).toHaveLength(1);
    // The unlabelled task ran on that worker too (a labelled worker also takes tasks without labels).
    expect((await cli.waitFor(plain.id, (t) => t.status === 'completed', 20_000)).status).toBe('completed');

    // SIGTERM while a task runs: the grace period (0 s here) passes, the task is requeued, the worker exits 0.
    const hung = JSON.parse(await cli.ok(['run', '[fake:hang] Never ends', '--json'])) as { id: number };
    await cli.waitFor(hung.id, (t) => t.status === 'running', 20_000);
    gpu.child.kill('SIGTERM');
    expect(await gpu.exited).toBe(0);
    const requeued = await cli.task(hung.id);
    expect(requeued.status).toBe('queued');
    expect(requeued.attempts.map((a) => a.status)).toEqual(['interrupted']);
    const log = readFileSync(join(cli.home, 'logs', `worker-${gpu.pid}.log`), 'utf8');
    expect(log).toContain('shutting down');
    expect(log).toContain('claude-worker worker stopped');
  }, 90_000);
});
