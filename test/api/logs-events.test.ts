/**
 * Logs and live events through the client: the human log and the JSONL transcript, following a log until the task
 * ends, the Server-Sent Events stream with its progress lines, and Last-Event-ID replay from the store.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StreamedEvent } from '../../src/client/http-client.js';
import { startTestServer, waitFor, waitForStatus, type TestServer } from './test-server.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t?.close());

describe('task logs', () => {
  it('returns the human log as text and the transcript as JSONL, both with the tool call', async () => {
    const task = await t.client.createTask({ execution_prompt: 'Log me', working_directory: t.workdir });
    await waitForStatus(t.client, task.id, ['completed']);

    const text = await t.client.logs(task.id);
    expect(text).toContain('[tool:Bash] echo hello');
    expect(text).toContain('[result] success');

    const jsonl = await t.client.logs(task.id, { format: 'jsonl' });
    const messages = jsonl
      .trim()
      .split('\n')
      .map(
        (line) =>
          JSON.parse(line) as {
            type: string;
            message?: { content?: Array<{ type: string; name?: string }> };
          },
      );
    const toolUses = messages
      .flatMap((m) => (m.type === 'assistant' ? (m.message?.content ?? []) : []))
      .filter((c) => c.type === 'tool_use');
    expect(toolUses.map((c) => c.name)).toContain('Bash');
    expect(messages.at(-1)?.type).toBeDefined();

    const tail = await t.client.logs(task.id, { tail_bytes: 120 });
    expect(Buffer.byteLength(tail)).toBeLessThanOrEqual(120);
    expect(tail.length).toBeGreaterThan(0);
    expect(text.endsWith(tail)).toBe(true);
  });

  it('follows the log while the task works and ends when the task has finished', async () => {
    const task = await t.client.createTask({
      execution_prompt: 'Follow me [fake:slow steps=4 delay_ms=300]',
      working_directory: t.workdir,
    });
    const chunks: string[] = [];
    for await (const chunk of t.client.followLogs(task.id)) chunks.push(chunk);

    const followed = chunks.join('');
    for (const step of [1, 2, 3, 4]) expect(followed).toContain(`[tool:Bash] step ${step}`);
    expect(followed).toContain('[result] success');
    // It arrived in pieces as the task worked, not in one read at the end.
    expect(chunks.length).toBeGreaterThan(1);
    // The stream ended by itself because the task is finished, and nothing was lost on the way.
    expect((await t.client.getTask(task.id)).status).toBe('completed');
    expect(followed).toBe(await t.client.logs(task.id));
  });

  it('following a finished task returns the whole log and ends', async () => {
    const task = await t.client.createTask({
      execution_prompt: 'Already done',
      working_directory: t.workdir,
    });
    await waitForStatus(t.client, task.id, ['completed']);
    let followed = '';
    for await (const chunk of t.client.followLogs(task.id, { format: 'jsonl' })) followed += chunk;
    expect(followed).toBe(await t.client.logs(task.id, { format: 'jsonl' }));

    let tail = '';
    for await (const chunk of t.client.followLogs(task.id, { tail_bytes: 80 })) tail += chunk;
    expect(tail).toBe(await t.client.logs(task.id, { tail_bytes: 80 }));
    expect(tail.length).toBeGreaterThan(0);
  });
});

describe('events', () => {
  async function collectUntil(
    events: AsyncGenerator<StreamedEvent>,
    taskId: number,
    last: string,
  ): Promise<StreamedEvent[]> {
    const seen: StreamedEvent[] = [];
    for await (const event of events) {
      if ((event.data as { task_id?: number }).task_id !== taskId) continue;
      seen.push(event);
      if (event.type === last) break;
    }
    return seen;
  }

  it('streams claimed, progress and completed for a task, with stored ids on transitions only', async () => {
    const task = await t.client.createTask({
      execution_prompt: 'Stream me [fake:slow steps=3 delay_ms=300]',
      working_directory: t.workdir,
    });
    const controller = new AbortController();
    // Replay from 0 so the transitions before the stream opened are delivered too; progress arrives live.
    const seen = await collectUntil(
      t.client.streamEvents({ task_id: task.id, last_event_id: 0, signal: controller.signal }),
      task.id,
      'task_completed',
    );
    controller.abort();

    const types = seen.map((e) => e.type);
    expect(types[0]).toBe('task_created');
    expect(types).toContain('task_claimed');
    expect(types.at(-1)).toBe('task_completed');
    const progress = seen.filter((e) => e.type === 'task_progress');
    expect(progress.map((e) => (e.data as { line: string }).line)).toEqual(
      expect.arrayContaining(['[tool:Bash] step 2', '[tool:Bash] step 3']),
    );
    expect(progress.every((e) => e.id === null)).toBe(true);
    const stored = seen.filter((e) => e.type !== 'task_progress');
    expect(stored.every((e) => typeof e.id === 'number')).toBe(true);
    const ids = stored.map((e) => e.id as number);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('replays only what came after Last-Event-ID, and the stored list agrees', async () => {
    const task = await t.client.createTask({ execution_prompt: 'Replay me', working_directory: t.workdir });
    await waitForStatus(t.client, task.id, ['completed']);
    const stored = await t.client.taskEvents(task.id);
    const claimed = stored.find((e) => e.type === 'task_claimed');
    expect(claimed).toBeDefined();

    const controller = new AbortController();
    const seen = await collectUntil(
      t.client.streamEvents({ task_id: task.id, last_event_id: claimed?.id, signal: controller.signal }),
      task.id,
      'task_completed',
    );
    controller.abort();
    expect(seen.map((e) => [e.id, e.type])).toEqual(
      stored.filter((e) => e.id > (claimed?.id ?? 0)).map((e) => [e.id, e.type]),
    );

    const all = await t.client.listEvents({ task_id: task.id });
    expect(all).toEqual(stored);
    const after = await t.client.listEvents({ after_id: claimed?.id, task_id: task.id, limit: 1 });
    expect(after.map((e) => e.type)).toEqual([stored.find((e) => e.id > (claimed?.id ?? 0))?.type]);
  });

  it('delivers live events to a stream opened before the task exists', async () => {
    await waitFor(
      async () => (await t.client.healthDetailed()).live_streams === 0,
      'earlier streams to close',
    );
    const controller = new AbortController();
    const stream = t.client.streamEvents({ signal: controller.signal });
    // The first pull opens the connection; the server counts it once it is subscribed.
    const firstPromise = stream.next();
    await waitFor(async () => (await t.client.healthDetailed()).live_streams === 1, 'the stream to be open');
    const task = await t.client.createTask({ execution_prompt: 'Live one', working_directory: t.workdir });
    const first = await firstPromise;
    expect(first.done).toBe(false);
    const seen = [
      first.value as StreamedEvent,
      ...(await collectUntil(stream, task.id, 'task_completed')),
    ].filter((e) => (e.data as { task_id?: number }).task_id === task.id);
    controller.abort();
    expect(seen[0]?.type).toBe('task_created');
    expect(seen.map((e) => e.type)).toEqual(
      expect.arrayContaining(['task_claimed', 'task_progress', 'task_completed']),
    );
  });
});
