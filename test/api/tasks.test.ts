/**
 * The task routes through the typed client, against a real server running the Claude Code stand-in: create and run
 * to a result, list with filters and pages, get with attempts, cancel, retry.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClaudeWorkerError } from '../../src/domain/errors.js';
import { errorOf, startTestServer, waitFor, waitForStatus, type TestServer } from './test-server.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t?.close());

describe('tasks over REST', () => {
  it('creates a task that runs to completed with its result text, and get shows its attempt', async () => {
    const created = await t.client.createTask({
      execution_prompt: 'Add input validation',
      working_directory: t.workdir,
      model: 'opus',
    });
    expect(created).toMatchObject({
      execution_prompt: 'Add input validation',
      working_directory: t.workdir,
      model: 'opus',
    });
    expect(['queued', 'running']).toContain(created.status);

    const done = await waitForStatus(t.client, created.id, ['completed', 'failed']);
    expect(done.status).toBe('completed');
    expect(done.result).toBe('done: Add input validation');
    expect(done.cost_usd).toBeCloseTo(0.0123);
    expect(done.num_turns).toBe(2);
    expect(done.attempts).toHaveLength(1);
    expect(done.attempts[0]).toMatchObject({ task_id: created.id, number: 1, status: 'succeeded' });
    expect(await t.client.listAttempts(created.id)).toEqual(done.attempts);

    const events = await t.client.taskEvents(created.id);
    expect(events.map((e) => e.type)).toEqual(['task_created', 'task_claimed', 'task_completed']);
  });

  it('answers 201 with a Location naming the new task', async () => {
    const response = await fetch(`${t.server.url}/api/v1/tasks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.server.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ execution_prompt: 'Located', working_directory: t.workdir }),
    });
    expect(response.status).toBe(201);
    const task = (await response.json()) as { id: number };
    expect(response.headers.get('location')).toBe(`/api/v1/tasks/${task.id}`);
    await waitForStatus(t.client, task.id, ['completed']);
  });

  it('lists with status and tag filters, newest first, page by page with the cursor', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push(
        (
          await t.client.createTask({
            execution_prompt: `listed ${i}`,
            working_directory: t.workdir,
            tags: ['list-alpha'],
          })
        ).id,
      );
    }
    const failing = await t.client.createTask({
      execution_prompt: 'too long [fake:max_turns]',
      working_directory: t.workdir,
      tags: ['list-beta'],
    });
    for (const id of ids) await waitForStatus(t.client, id, ['completed']);
    await waitForStatus(t.client, failing.id, ['failed']);

    const alpha = await t.client.listTasks({ tag: 'list-alpha' });
    expect(alpha.tasks.map((x) => x.id)).toEqual([...ids].reverse());
    expect(alpha.next_cursor).toBeNull();

    const firstPage = await t.client.listTasks({ tag: 'list-alpha', limit: 2 });
    expect(firstPage.tasks.map((x) => x.id)).toEqual([ids[2], ids[1]]);
    expect(firstPage.next_cursor).not.toBeNull();
    const secondPage = await t.client.listTasks({
      tag: 'list-alpha',
      limit: 2,
      cursor: firstPage.next_cursor ?? undefined,
    });
    expect(secondPage.tasks.map((x) => x.id)).toEqual([ids[0]]);
    expect(secondPage.next_cursor).toBeNull();

    const failed = await t.client.listTasks({ status: 'failed' });
    expect(failed.tasks.map((x) => x.id)).toContain(failing.id);
    expect(failed.tasks.every((x) => x.status === 'failed')).toBe(true);
    const both = await t.client.listTasks({ status: ['completed', 'failed'], tag: 'list-beta' });
    expect(both.tasks.map((x) => x.id)).toEqual([failing.id]);
    expect((await t.client.listTasks({ status: 'running', tag: 'list-alpha' })).tasks).toEqual([]);
  });

  it('cancels a running task: it ends cancelled, its Claude Code process is gone, and a second cancel is a 409', async () => {
    const recordDir = mkdtempSync(join(tmpdir(), 'cw-api-record-'));
    const record = join(recordDir, 'starts.jsonl');
    try {
      const task = await t.client.createTask({
        execution_prompt: 'Long job [fake:slow steps=100 delay_ms=200]',
        working_directory: t.workdir,
        env: { FAKE_CLAUDE_RECORD: record },
      });
      await waitFor(
        async () => (await t.client.getTask(task.id)).last_action?.includes('step 1') ?? false,
        'the first step',
      );
      const answer = await t.client.cancelTask(task.id);
      expect(answer.status === 'cancelled' || answer.cancel_requested).toBe(true);

      const cancelled = await waitForStatus(t.client, task.id, ['cancelled', 'completed', 'failed'], 10_000);
      expect(cancelled.status).toBe('cancelled');
      const { pid } = JSON.parse(readFileSync(record, 'utf8').trim().split('\n')[0] ?? '{}') as {
        pid: number;
      };
      await waitFor(async () => !processAlive(pid), `stand-in process ${pid} to exit`, 5_000);

      const again = await errorOf(() => t.client.cancelTask(task.id));
      expect(again).toBeInstanceOf(ClaudeWorkerError);
      expect(again.code).toBe('conflict');
      expect(again.data?.['status']).toBe(409);
    } finally {
      rmSync(recordDir, { recursive: true, force: true });
    }
  });

  it('retries a failed task: it is queued again and runs a second attempt', async () => {
    const task = await t.client.createTask({
      execution_prompt: 'Out of turns [fake:max_turns]',
      working_directory: t.workdir,
    });
    const failed = await waitForStatus(t.client, task.id, ['failed', 'completed']);
    expect(failed.status).toBe('failed');
    expect(failed.error?.code).toBe('max_turns');

    const retried = await t.client.retryTask(task.id);
    expect(['queued', 'running', 'failed']).toContain(retried.status);
    const after = await waitFor(async () => {
      const current = await t.client.getTask(task.id);
      return current.attempts.length === 2 && current.status === 'failed' ? current : undefined;
    }, 'the second attempt to fail');
    expect(after.attempts.map((a) => a.status)).toEqual(['failed', 'failed']);

    const completed = await t.client.createTask({ execution_prompt: 'fine', working_directory: t.workdir });
    await waitForStatus(t.client, completed.id, ['completed']);
    const refused = await errorOf(() => t.client.retryTask(completed.id));
    expect(refused.code).toBe('conflict');
  });

  it('retry takes an optional body of overrides: strictly checked, applied, recorded in the event', async () => {
    const task = await t.client.createTask({
      execution_prompt: 'Out of turns again [fake:max_turns]',
      working_directory: t.workdir,
      model: 'haiku',
    });
    await waitForStatus(t.client, task.id, ['failed']);
    const post = (body: string | undefined) =>
      fetch(`${t.server.url}/api/v1/tasks/${task.id}/retry`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${t.server.token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body,
      });

    for (const [body, field] of [
      ['{"permision_mode":"acceptEdits"}', '"permision_mode"'],
      ['{"permission_mode":"yolo"}', 'unknown permission_mode "yolo"'],
      ['{"timeout_seconds":"30"}', 'timeout_seconds must be a whole number'],
      ['{"model":"gpt-4"}', 'unknown model "gpt-4"'],
      ['{"max_turns":3}', '"max_turns"'],
      ['[]', ''],
    ] as const) {
      const refused = await post(body);
      expect(refused.status, body).toBe(400);
      expect(refused.headers.get('content-type')).toContain('application/problem+json');
      const problem = (await refused.json()) as { detail: string; issues?: Array<{ message: string }> };
      const said = [problem.detail, ...(problem.issues ?? []).map((i) => i.message)].join('\n');
      expect(said, body).toContain(field);
    }
    expect((await t.client.getTask(task.id)).status).toBe('failed');
    expect((await t.client.taskEvents(task.id)).map((e) => e.type)).not.toContain('task_retried');

    const accepted = await post('{"permission_mode":"plan","model":"opus","timeout_seconds":120}');
    expect(accepted.status).toBe(200);
    expect(await accepted.json()).toMatchObject({
      permission_mode: 'plan',
      model: 'opus',
      timeout_seconds: 120,
    });
    const retried = (await t.client.taskEvents(task.id)).find((e) => e.type === 'task_retried');
    expect(retried?.data).toMatchObject({
      changes: {
        permission_mode: { from: 'bypassPermissions', to: 'plan' },
        model: { from: 'haiku', to: 'opus' },
        timeout_seconds: { from: null, to: 120 },
      },
    });
    await waitFor(async () => {
      const current = await t.client.getTask(task.id);
      return current.attempts.length === 2 && current.status === 'failed' ? current : undefined;
    }, 'the second attempt to fail');
    // No body at all still works, and changes nothing more.
    const plain = await post(undefined);
    expect(plain.status).toBe(200);
    expect(await plain.json()).toMatchObject({ permission_mode: 'plan', model: 'opus' });

    const doc = (await (
      await fetch(`${t.server.url}/openapi.json`, { headers: { authorization: `Bearer ${t.server.token}` } })
    ).json()) as {
      paths: Record<string, Record<string, { requestBody?: { required: boolean } }>>;
    };
    expect(doc.paths['/api/v1/tasks/{id}/retry']?.['post']?.requestBody?.required).toBe(false);
  });

  it('answers 404 for an unknown task id on every task route', async () => {
    for (const call of [
      () => t.client.getTask(999_999),
      () => t.client.cancelTask(999_999),
      () => t.client.retryTask(999_999),
      () => t.client.listAttempts(999_999),
      () => t.client.taskEvents(999_999),
      () => t.client.logs(999_999),
    ]) {
      const err = await errorOf(call);
      expect(err.code).toBe('not_found');
      expect(err.message).toContain('999999');
    }
  });
});

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
