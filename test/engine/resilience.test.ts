/**
 * Resilience through the real Claude Agent SDK and the Claude Code stand-in: rate-limit cool-downs shared by a
 * model's tasks (without spending attempts), backoff after 529, permanent failures, the circuit breaker's
 * open → probe → close, resuming the Claude session after a crash, and memory admission and limits.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CreateTaskInput } from '../../src/contract/task-schemas.js';
import { openTestApp, waitFor, waitForStatus, type TestApp, readStarts } from '../helpers/harness.js';

let harness: TestApp | null = null;
afterEach(async () => {
  await harness?.close();
  harness = null;
});

function input(h: TestApp, prompt: string, extra: Partial<CreateTaskInput> = {}): CreateTaskInput {
  const record = join(h.workdir, 'starts.jsonl');
  return {
    execution_prompt: prompt,
    working_directory: h.workdir,
    env: { FAKE_CLAUDE_RECORD: record },
    ...extra,
  };
}

describe('resilience', () => {
  it('a 429 cools the model down for every task of it, and the rate-limited task does not spend an attempt', async () => {
    harness = await openTestApp({ concurrency: 3, rate_limit_cooldown_seconds: 5 });
    const { app, workdir } = harness;
    const state = join(workdir, 'state-429');
    const limited = await app.tasks.createTask(
      input(harness, `[fake:fail_first n=1 state=${state} fail_as=rate_limit retry_after_s=2] A`, {
        max_attempts: 1,
      }),
      { actor: 't' },
    );
    await waitFor(
      async () => (await app.store.listModelGates()).find((g) => g.cooldown_until),
      'the cool-down',
    );
    const cooledAt = Date.now();
    const sameModel = await app.tasks.createTask(input(harness, 'B same model'), { actor: 't' });
    const otherModel = await app.tasks.createTask(input(harness, 'C other model', { model: 'haiku' }), {
      actor: 't',
    });

    const c = await waitForStatus(app, otherModel.id, ['completed']);
    const b = await waitForStatus(app, sameModel.id, ['completed']);
    const a = await waitForStatus(app, limited.id, ['completed', 'failed']);
    expect(a.status).toBe('completed');
    expect(a.attempt_count).toBe(2);
    const attempts = await app.store.listAttempts(limited.id);
    expect(attempts[0]!.error?.code).toBe('rate_limit');
    expect(attempts[0]!.error?.retry_after_ms).toBe(2000);

    const record = readStarts(join(workdir, 'starts.jsonl'));
    const startOf = (text: string) =>
      record.filter((r) => r.prompt.includes(text)).map((r) => r.started_at_ms);
    // The other model ran during the cool-down; the same model waited for it (retry-after 2 s).
    expect(startOf('C other model')[0]!).toBeLessThan(cooledAt + 1500);
    expect(startOf('B same model')[0]!).toBeGreaterThanOrEqual(cooledAt + 1000);
    expect(startOf(' A')[1]!).toBeGreaterThanOrEqual(cooledAt + 1000);
    expect(b.status).toBe('completed');
    expect(c.status).toBe('completed');
  });

  it('an overloaded API (529) is retried after a backoff, and the requeue says when', async () => {
    harness = await openTestApp({ retry_base_seconds: 0.4 });
    const { app, workdir } = harness;
    const task = await app.tasks.createTask(
      input(harness, `[fake:fail_first n=1 state=${join(workdir, 's529')} fail_as=overloaded] job`, {
        max_attempts: 3,
      }),
      { actor: 't' },
    );
    const done = await waitForStatus(app, task.id, ['completed', 'failed']);
    expect(done.status).toBe('completed');
    const events = await app.store.listEvents({ task_id: task.id, limit: 50 });
    const requeued = events.find((e) => e.type === 'task_requeued');
    expect(requeued?.data['code']).toBe('overloaded');
    const runAfter = Date.parse(String(requeued?.data['run_after']));
    const attempts = await app.store.listAttempts(task.id);
    expect(attempts.map((a) => a.error?.code ?? 'ok')).toEqual(['overloaded', 'ok']);
    expect(Date.parse(attempts[1]!.started_at)).toBeGreaterThanOrEqual(runAfter);
  });

  it("a task's own retry backoff overrides the configured one", async () => {
    harness = await openTestApp({ retry_base_seconds: 600 });
    const { app, workdir } = harness;
    const task = await app.tasks.createTask(
      input(harness, `[fake:fail_first n=1 state=${join(workdir, 'sown')} fail_as=overloaded] job`, {
        retry_base_seconds: 0.2,
        retry_cap_seconds: 0.2,
      }),
      { actor: 't' },
    );
    const done = await waitForStatus(app, task.id, ['completed', 'failed'], 10_000);
    expect(done.status).toBe('completed');
    expect(done.retry_base_seconds).toBe(0.2);
    const events = await app.store.listEvents({ task_id: task.id, limit: 50 });
    const requeued = events.find((e) => e.type === 'task_requeued')!;
    expect(
      Date.parse(String(requeued.data['run_after'])) - Date.parse(requeued.created_at),
    ).toBeLessThanOrEqual(200);
  });

  it('a 401 fails at once, with the login suggestion, whatever max_attempts says', async () => {
    harness = await openTestApp();
    const { app } = harness;
    const task = await app.tasks.createTask(input(harness, '[fake:auth_failed] job', { max_attempts: 3 }), {
      actor: 't',
    });
    const done = await waitForStatus(app, task.id, ['completed', 'failed']);
    expect(done.status).toBe('failed');
    expect(done.attempt_count).toBe(1);
    expect(done.error?.code).toBe('auth');
    expect(done.error?.suggestion).toMatch(/login/i);
  });

  it('the breaker opens after consecutive transient failures, holds the model, probes once, and closes', async () => {
    harness = await openTestApp({
      breaker_threshold: 2,
      breaker_cool_seconds: 1.5,
      retry_base_seconds: 0.05,
    });
    const { app, workdir } = harness;
    const failing = await app.tasks.createTask(
      input(harness, '[fake:overloaded] bad', { model: 'haiku', max_attempts: 2 }),
      {
        actor: 't',
      },
    );
    await waitForStatus(app, failing.id, ['failed']);
    const open = (await app.store.listModelGates()).find((g) => g.model === 'haiku');
    expect(open?.breaker_state).toBe('open');
    const openUntil = Date.parse(open!.breaker_open_until!);

    const probe = await app.tasks.createTask(input(harness, 'probe me', { model: 'haiku' }), { actor: 't' });
    await new Promise((done) => setTimeout(done, 300));
    expect((await app.store.getTask(probe.id))?.status).toBe('queued');
    await waitForStatus(app, probe.id, ['completed']);
    const probeStart = readStarts(join(workdir, 'starts.jsonl')).find((r) => r.prompt.includes('probe me'))!;
    expect(probeStart.started_at_ms).toBeGreaterThanOrEqual(openUntil);
    const closed = (await app.store.listModelGates()).find((g) => g.model === 'haiku');
    expect(closed?.breaker_state).toBe('closed');
    expect(closed?.consecutive_failures).toBe(0);
  });

  it('a retry after a crash resumes the Claude session of the attempt before', async () => {
    harness = await openTestApp({ retry_base_seconds: 0.05 });
    const { app, workdir } = harness;
    const task = await app.tasks.createTask(
      input(harness, `[fake:fail_first n=1 state=${join(workdir, 'scrash')} fail_as=exit code=137] work`),
      { actor: 't' },
    );
    const done = await waitForStatus(app, task.id, ['completed', 'failed']);
    expect(done.status).toBe('completed');
    const attempts = await app.store.listAttempts(task.id);
    expect(attempts[0]!.error?.code).toBe('process_crashed');
    expect(attempts[0]!.session_id).toBeTruthy();
    expect(attempts[1]!.resumed_session_id).toBe(attempts[0]!.session_id);
    const record = readStarts(join(workdir, 'starts.jsonl'));
    expect(record[1]!.resume).toBe(attempts[0]!.session_id);
  });

  it('a task over its memory limit is stopped and classified', async () => {
    harness = await openTestApp({ memory_limit_mb: 1, memory_sample_seconds: 0.2 });
    const { app } = harness;
    const task = await app.tasks.createTask(input(harness, '[fake:slow steps=50 delay_ms=100] big'), {
      actor: 't',
    });
    const done = await waitForStatus(app, task.id, ['failed', 'completed'], 10_000);
    expect(done.status).toBe('failed');
    expect(done.error?.code).toBe('memory_limit');
    expect(done.error?.suggestion).toMatch(/memory_limit_mb/);
  });

  it('while free memory is below the minimum, nothing starts, and the reason is visible', async () => {
    harness = await openTestApp({ min_free_memory_mb: 10_000_000, memory_sample_seconds: 0.2 });
    const { app } = harness;
    const task = await app.tasks.createTask(input(harness, 'waits'), { actor: 't' });
    await new Promise((done) => setTimeout(done, 600));
    expect((await app.store.getTask(task.id))?.status).toBe('queued');
    expect(app.engine!.stats().memory.admission_blocked).toMatch(/below min_free_memory_mb/);
  });
});
