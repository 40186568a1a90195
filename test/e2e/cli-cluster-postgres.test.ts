/**
 * A cluster on PostgreSQL, with the built CLI as a user runs it: one API node (`server start --no-worker`) and three
 * `claude-worker worker` processes sharing one database; standalone tasks and a layered orchestration submitted over
 * REST; `orchestration-status --watch` following the graph on the API node. Mid-run, `kill -9` of the worker with
 * the most running tasks: its Claude Code children die with it, the others requeue its tasks once their lease runs
 * out, and every task ends exactly once (one `task_completed` event each, none lost, none run twice to success);
 * the orchestration settles `completed` once and the watch on the API node sees it.
 * Sizes: CLUSTER_TASKS (default 1,000) standalone tasks and CLUSTER_GRAPH (default 200) orchestration tasks
 * (about 100 s on 2 cores); smaller values make a quick run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TASK_STATUSES, TERMINAL_STATUSES } from '../../src/domain/vocabulary.js';
import type { Task, TaskEvent, Worker } from '../../src/domain/vocabulary.js';
import { isAlive } from '../../src/platform/process-alive.js';
import { adminQuery, TEST_DATABASE_URL } from '../helpers/postgres.js';
import { CLI, CliHarness } from './cli-harness.js';

const STANDALONE = Number(process.env['CLUSTER_TASKS'] ?? 1000);
const GRAPH = Number(process.env['CLUSTER_GRAPH'] ?? 200);
const LAYER = 10;
const database = `cw_cluster_${randomBytes(5).toString('hex')}`;
const url = (() => {
  const u = new URL(TEST_DATABASE_URL);
  u.pathname = `/${database}`;
  return u.toString();
})();

let cli: CliHarness;
const children: ChildProcess[] = [];

beforeAll(async () => {
  await adminQuery(`CREATE DATABASE "${database}"`);
  cli = new CliHarness('cluster', {
    CLAUDE_WORKER_DATABASE_URL: url,
    CLAUDE_WORKER_LEASE_SECONDS: '4',
    CLAUDE_WORKER_HEARTBEAT_SECONDS: '1',
    CLAUDE_WORKER_POLL_SECONDS: '1',
  });
});

afterAll(async () => {
  for (const child of children) if (child.pid && isAlive(child.pid)) child.kill('SIGKILL');
  for (const start of cli?.starts() ?? []) if (isAlive(start.pid)) process.kill(start.pid, 'SIGKILL');
  await cli?.cleanup();
  await adminQuery(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
});

function spawnCli(args: string[]): {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
} {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: cli.work,
    env: cli.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.once('close', (code) => done(code)));
  return { child, output: () => out, exited };
}

async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const token = readFileSync(join(cli.home, 'token'), 'utf8').trim();
  const res = await fetch(`${cli.serverInfo()!.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** Every task, page by page (500 at most per page). */
async function allTasks(): Promise<Task[]> {
  const tasks: Task[] = [];
  let cursor: string | null = null;
  do {
    const query: string = cursor ? `&cursor=${cursor}` : '';
    const page: { tasks: Task[]; next_cursor: string | null } = await api(
      'GET',
      `/api/v1/tasks?limit=500${query}`,
    );
    tasks.push(...page.tasks);
    cursor = page.next_cursor;
  } while (cursor);
  return tasks;
}

function graph(): Record<string, unknown> {
  const tasks = [];
  for (let i = 0; i < GRAPH; i++) {
    const layer = Math.floor(i / LAYER);
    const depends_on =
      layer === 0
        ? []
        : [`g${(layer - 1) * LAYER + (i % LAYER)}`, `g${(layer - 1) * LAYER + ((i + 1) % LAYER)}`];
    tasks.push({
      identifier: `g${i}`,
      execution_prompt: `[fake:slow steps=2 delay_ms=150] graph step ${i}`,
      depends_on,
    });
  }
  return { name: 'cluster graph', defaults: { working_directory: cli.work }, tasks };
}

describe('a cluster on PostgreSQL', () => {
  it('API node + three workers: kill -9 of one mid-run, every task ends exactly once, the graph settles once', async () => {
    await cli.ok(['server', 'start', '--no-worker']);
    const workers = [0, 1, 2].map(() => spawnCli(['worker', '--concurrency', '4']));
    await until(
      'three workers alive',
      async () => {
        const listed = JSON.parse(await cli.ok(['workers', '--json'])) as Worker[];
        return listed.filter((w) => w.status === 'alive').length === 3 ? listed : undefined;
      },
      30_000,
    );

    const orchestration = await api<{ id: number }>('POST', '/api/v1/orchestrations', graph());
    const watch = spawnCli(['orchestration-status', String(orchestration.id), '--watch']);
    const ids: number[] = [];
    for (let i = 0; i < STANDALONE; i++) {
      const prompt =
        i % 10 === 0
          ? `[fake:slow steps=8 delay_ms=500] long ${i}`
          : `[fake:slow steps=2 delay_ms=100] task ${i}`;
      ids.push(
        (await api<Task>('POST', '/api/v1/tasks', { execution_prompt: prompt, working_directory: cli.work }))
          .id,
      );
    }

    // Mid-run: the worker holding the most running tasks dies.
    const listed = await until(
      'a worker busy with several tasks',
      async () => {
        const rows = JSON.parse(await cli.ok(['workers', '--json'])) as Worker[];
        return rows.some((w) => w.running >= 3) ? rows : undefined;
      },
      60_000,
    );
    const busiest = listed.reduce((a, b) => (b.running > a.running ? b : a));
    const victim = workers.find((w) => w.child.pid === busiest.pid)!;
    victim.child.kill('SIGKILL');
    await victim.exited;

    // Every task was created before this point; wait until none is left unfinished (one small page per look: listing
    // all 1,200 tasks twice a second took CPU from the workers on a 2-core machine), then read them all once.
    const total = STANDALONE + GRAPH;
    const unfinished = TASK_STATUSES.filter((s) => !TERMINAL_STATUSES.includes(s)).join(',');
    await until(
      `all ${total} tasks finished`,
      async () => {
        const page = await api<{ tasks: Task[] }>('GET', `/api/v1/tasks?status=${unfinished}&limit=1`);
        return page.tasks.length === 0 ? true : undefined;
      },
      600_000,
    );
    const finished = await allTasks();
    expect(finished).toHaveLength(total);
    expect(
      finished.filter((t) => t.status !== 'completed').map((t) => [t.id, t.status, t.error?.code]),
    ).toEqual([]);

    // Exactly once: one task_completed event per task, and no task with two successful attempts.
    const events: TaskEvent[] = [];
    for (let after = 0; ;) {
      const page = await api<{ events: TaskEvent[] }>('GET', `/api/v1/events?after_id=${after}&limit=1000`);
      if (page.events.length === 0) break;
      events.push(...page.events);
      after = page.events.at(-1)!.id;
    }
    const completions = new Map<number, number>();
    for (const e of events)
      if (e.type === 'task_completed') completions.set(e.task_id!, (completions.get(e.task_id!) ?? 0) + 1);
    expect([...completions.values()].every((n) => n === 1)).toBe(true);
    expect(completions.size).toBe(total);
    const recovered = events.filter((e) => e.type === 'task_recovered').map((e) => e.task_id!);
    expect(recovered.length).toBeGreaterThan(0);
    expect(new Set(recovered).size).toBe(recovered.length);
    for (const id of recovered) {
      const task = await api<Task & { attempts: { status: string }[] }>('GET', `/api/v1/tasks/${id}`);
      expect(task.attempts.filter((a) => a.status === 'succeeded')).toHaveLength(1);
      expect(task.attempts[0]!.status).toBe('interrupted');
    }

    // The orchestration settled once, and the watch on the API node saw it end.
    expect(
      events.filter((e) => e.type === 'orchestration_finished' && e.orchestration_id === orchestration.id),
    ).toHaveLength(1);
    expect(await watch.exited).toBe(0);
    expect(watch.output()).toContain(`Orchestration ${orchestration.id} completed`);

    // Every task has finished: no Claude Code process may still be at work (the dead worker's children died with it).
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(
      cli
        .starts()
        .filter((s) => isAlive(s.pid))
        .map((s) => s.pid),
    ).toEqual([]);
    for (const w of workers) if (w !== victim) w.child.kill('SIGTERM');
  }, 900_000);
});
