/**
 * The Server-Sent Events wire format on both sides: the server's heartbeat comments and `id:`/`event:` frames as
 * raw bytes, and the client's parser fed text split at awkward places.
 */
import { rmSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/api/server.js';
import { App } from '../../src/app.js';
import { SseParser } from '../../src/client/sse-parser.js';
import { apiTestConfig, tempDir } from './test-config.js';

const TOKEN = 'sse-test-token-0123456789';
let app: App;
let fastify: FastifyInstance;
let url: string;
let home: string;
let workdir: string;

beforeAll(async () => {
  home = tempDir('cw-sse-home-');
  workdir = tempDir('cw-sse-work-');
  // No worker: tasks stay queued, so the stream carries exactly what the test does.
  app = await App.open({ config: apiTestConfig(home), worker: false });
  fastify = buildServer(app, { token: TOKEN, heartbeatMs: 100 });
  url = await fastify.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await fastify?.close();
  await app?.close();
  rmSync(home, { recursive: true, force: true });
  rmSync(workdir, { recursive: true, force: true });
});

async function readUntil(response: Response, done: (text: string) => boolean): Promise<string> {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let text = '';
  try {
    while (!done(text)) {
      const next = await reader.read();
      if (next.done) break;
      text += next.value;
    }
  } finally {
    await reader.cancel();
  }
  return text;
}

describe('event stream on the wire', () => {
  it('sends heartbeat comments and frames stored events with id and event type', async () => {
    const controller = new AbortController();
    const response = await fetch(`${url}/api/v1/events/stream`, {
      headers: { authorization: `Bearer ${TOKEN}` },
      signal: controller.signal,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    expect(response.headers.get('cache-control')).toContain('no-cache');

    const created = await app.tasks.createTask(
      { execution_prompt: 'queued only', working_directory: workdir },
      { actor: 'test' },
    );
    const text = await readUntil(response, (t) => t.includes('task_created') && t.includes(': heartbeat'));
    controller.abort();

    expect(text.startsWith('retry: ')).toBe(true);
    const frame = text.split('\n\n').find((f) => f.includes('event: task_created'));
    const [stored] = await app.tasks.listEvents({ task_id: created.id, limit: 1 });
    expect(frame).toBe(`id: ${stored?.id}\nevent: task_created\ndata: ${JSON.stringify(stored)}`);
  });

  it('refuses the stream without a token, before streaming anything', async () => {
    const response = await fetch(`${url}/api/v1/events/stream`);
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
  });

  it('reports a server without a worker in /health/detailed', async () => {
    const response = await fetch(`${url}/health/detailed`, { headers: { authorization: `Bearer ${TOKEN}` } });
    const body = (await response.json()) as { worker: Record<string, unknown> };
    expect(body.worker).toMatchObject({ running: false, state: 'none', worker_id: null });
  });
});

describe('SseParser', () => {
  it('parses messages split across chunks, with CRLF, multi-line data, comments and default event type', () => {
    const parser = new SseParser();
    const input =
      ': hello\r\nid: 7\r\nevent: task_claimed\r\ndata: {"a":\r\ndata: 1}\r\n\r\ndata: plain\n\n: heartbeat\n\nid: 8\nevent: x\n\n';
    const messages = [];
    for (let i = 0; i < input.length; i += 3) messages.push(...parser.push(input.slice(i, i + 3)));
    expect(messages).toEqual([
      { id: '7', event: 'task_claimed', data: '{"a":\n1}' },
      { id: null, event: 'message', data: 'plain' },
    ]);
  });
});
