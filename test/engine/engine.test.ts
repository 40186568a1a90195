/**
 * The engine through the real Claude Agent SDK and the Claude Code stand-in, on a real SQLite file: what a user
 * would see of a task's life — completion with its result and logs, failures with their class, cancel, timeout,
 * concurrency and priority, recovery of a task orphaned by a dead process, and shutdown requeueing.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CreateTaskInput } from '../../src/contract/task-schemas.js';
import {
  isProcessAlive,
  openTestApp,
  tempDir,
  waitFor,
  waitForStatus,
  readStarts,
  type TestApp,
} from '../helpers/harness.js';

let harness: TestApp | null = null;
afterEach(async () => {
  await harness?.close();
  harness = null;
});

function task(h: TestApp, prompt: string, extra: Partial<CreateTaskInput> = {}): CreateTaskInput {
  return { execution_prompt: prompt, working_directory: h.workdir, ...extra };
}

describe('engine with the Claude Code stand-in', () => {
  it('runs a task to completion and stores its result, cost, turns, session, logs and events', async () => {
    harness = await openTestApp();
    const { app } = harness;
    const created = await app.tasks.createTask(task(harness, 'Add input validation'), { actor: 'test' });
    expect(created.status).toBe('queued');
    const done = await waitForStatus(app, created.id, ['completed', 'failed']);
    expect(done.status).toBe('completed');
    expect(done.result).toContain('done: Add input validation');
    expect(done.cost_usd).toBeCloseTo(0.0123);
    expect(done.num_turns).toBe(2);
    expect(done.session_id).toMatch(/[0-9a-f-]{36}/);
    expect(done.attempt_count).toBe(1);

    await app.logFiles.closeAll();
    const log = readFileSync(done.log_path!, 'utf8');
    expect(log).toContain('[tool:Bash]');
    expect(log).toMatch(/\[attempt 1\] completed/);
    const transcript = readFileSync(done.transcript_path!, 'utf8').trim().split('\n');
    expect(transcript.map((l) => (JSON.parse(l) as { type: string }).type)).toContain('result');

    const events = await app.store.listEvents({ task_id: created.id, limit: 100 });
    expect(events.map((e) => e.type)).toEqual(['task_created', 'task_claimed', 'task_completed']);
  });

  it('classifies a failure and does not retry a permanent one', async () => {
    harness = await openTestApp();
    const { app } = harness;
    const created = await app.tasks.createTask(task(harness, '[fake:not_logged_in] hello'), {
      actor: 'test',
    });
    const done = await waitForStatus(app, created.id, ['failed', 'completed']);
    expect(done.status).toBe('failed');
    expect(done.error?.code).toBe('auth');
    expect(done.error?.suggestion).toMatch(/login/i);
    expect(done.attempt_count).toBe(1);
  });

  it('retries a transient failure while attempts remain, recording each attempt', async () => {
    harness = await openTestApp({ retry_base_seconds: 0.2 });
    const { app } = harness;
    const created = await app.tasks.createTask(
      task(harness, '[fake:exit code=3 stderr=boom] x', { max_attempts: 2 }),
      {
        actor: 'test',
      },
    );
    await waitForStatus(app, created.id, ['queued', 'failed']).then(async () => {
      const attempts = await waitFor(async () => {
        const list = await app.store.listAttempts(created.id);
        return list.length >= 1 && list[0]!.status !== 'running' ? list : undefined;
      }, 'first attempt to end');
      expect(attempts[0]!.error?.code).toBe('process_crashed');
      expect(attempts[0]!.error?.exit_code).toBe(3);
    });
    const done = await waitForStatus(app, created.id, ['failed'], 20_000);
    expect(done.attempt_count).toBe(2);
    expect(done.error?.message).toContain('boom');
  });

  it('cancels a running task within 5 s and its Claude Code process is gone', async () => {
    harness = await openTestApp();
    const { app } = harness;
    const record = join(harness.workdir, 'starts.jsonl');
    const created = await app.tasks.createTask(
      task(harness, '[fake:slow steps=100 delay_ms=200] long job', { env: { FAKE_CLAUDE_RECORD: record } }),
      { actor: 'test' },
    );
    await waitFor(
      async () => (await app.store.getTask(created.id))?.last_action?.startsWith('[tool'),
      'progress',
    );
    const [start] = readStarts(record);
    expect(start && isProcessAlive(start.pid)).toBe(true);

    const requestedAt = Date.now();
    await app.tasks.cancelTask(created.id, { actor: 'test' });
    const done = await waitForStatus(app, created.id, ['cancelled', 'failed', 'completed'], 5_000);
    expect(done.status).toBe('cancelled');
    expect(Date.now() - requestedAt).toBeLessThan(5_000);
    await waitFor(() => !isProcessAlive(start!.pid), 'the child to exit', 5_000);
  });

  it('cancels a queued task without running it', async () => {
    harness = await openTestApp({}, { start: false });
    const { app } = harness;
    const created = await app.tasks.createTask(task(harness, 'never runs'), { actor: 'test' });
    const cancelled = await app.tasks.cancelTask(created.id, { actor: 'test' });
    expect(cancelled.status).toBe('cancelled');
    await app.start();
    await new Promise((done) => setTimeout(done, 300));
    expect((await app.store.getTask(created.id))?.attempt_count).toBe(0);
  });

  it('stops an attempt at its timeout and classifies it', async () => {
    harness = await openTestApp();
    const { app } = harness;
    const record = join(harness.workdir, 'starts.jsonl');
    const created = await app.tasks.createTask(
      task(harness, '[fake:hang]', {
        timeout_seconds: 1,
        max_attempts: 1,
        env: { FAKE_CLAUDE_RECORD: record },
      }),
      { actor: 'test' },
    );
    const done = await waitForStatus(app, created.id, ['failed', 'completed'], 10_000);
    expect(done.error?.code).toBe('timeout');
    expect(done.error?.suggestion).toMatch(/timeout/);
    const [start] = readStarts(record);
    await waitFor(() => !isProcessAlive(start!.pid), 'the child to exit', 5_000);
  });

  it('runs at most `concurrency` tasks at once, higher priority first', async () => {
    harness = await openTestApp({ concurrency: 2 }, { start: false });
    const { app } = harness;
    const record = join(harness.workdir, 'starts.jsonl');
    const env = { FAKE_CLAUDE_RECORD: record };
    const low = await app.tasks.createTask(task(harness, '[fake:slow steps=3 delay_ms=100] low', { env }), {
      actor: 't',
    });
    const high = await app.tasks.createTask(
      task(harness, '[fake:slow steps=3 delay_ms=100] high', { env, priority: 5 }),
      {
        actor: 't',
      },
    );
    const mid = await app.tasks.createTask(
      task(harness, '[fake:slow steps=3 delay_ms=100] mid', { env, priority: 1 }),
      {
        actor: 't',
      },
    );
    let peak = 0;
    const off = app.bus.subscribe(() => (peak = Math.max(peak, app.engine!.stats().running)));
    await app.start();
    for (const t of [low, high, mid]) await waitForStatus(app, t.id, ['completed'], 20_000);
    off();
    expect(peak).toBe(2);
    const order = (await Promise.all([low, high, mid].map((t) => app.store.listAttempts(t.id)))).map(
      (a, i) => ({
        name: ['low', 'high', 'mid'][i],
        started: a[0]!.started_at,
      }),
    );
    order.sort((a, b) => a.started.localeCompare(b.started));
    expect(order[2]!.name).toBe('low');
  });

  it('recovers a task left running by a dead process: old attempt interrupted, task completed', async () => {
    const home = tempDir('cw-home-');
    harness = await openTestApp({}, { start: false, home });
    const { app } = harness;
    const created = await app.tasks.createTask(task(harness, 'survive a crash'), { actor: 'test' });
    // A worker of a process that has exited claims it, then "dies".
    const deadPid = spawnSync(process.execPath, ['-e', '0']).pid;
    const [claimed] = await app.store.claimTasks({
      worker_id: `${hostname()}/${deadPid}/dead`,
      limit: 1,
      lease_ms: 600_000,
    });
    expect(claimed?.task.id).toBe(created.id);

    await app.start();
    const done = await waitForStatus(app, created.id, ['completed', 'failed']);
    expect(done.status).toBe('completed');
    const attempts = await app.store.listAttempts(created.id);
    expect(attempts.map((a) => a.status)).toEqual(['interrupted', 'succeeded']);
    expect(attempts[0]!.error?.code).toBe('interrupted');
  });

  it('on stop, interrupts running attempts and requeues them: nothing is left running', async () => {
    harness = await openTestApp();
    const { app } = harness;
    const created = await app.tasks.createTask(task(harness, '[fake:slow steps=100 delay_ms=200] long'), {
      actor: 't',
    });
    await waitForStatus(app, created.id, ['running']);
    await app.engine!.stop();
    const after = await app.store.getTask(created.id);
    expect(after?.status).toBe('queued');
    const attempts = await app.store.listAttempts(created.id);
    expect(attempts[0]?.status).toBe('interrupted');
  });
});
