/**
 * Running the server as a process does: the token file, a busy port, server.json, the loopback rule, health
 * without a token, OpenAPI with one, and a shutdown that ends open streams and cleans up after itself.
 */
import { chmodSync, existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runServer, type RunningServer } from '../../src/serve.js';
import { ClaudeWorkerClient } from '../../src/client/http-client.js';
import { apiTestConfig, tempDir } from './test-config.js';
import { errorOf, waitFor } from './test-server.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function home(): string {
  const dir = tempDir('cw-serve-home-');
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function start(
  dir: string,
  overrides: Parameters<typeof apiTestConfig>[1] = {},
): Promise<RunningServer> {
  const server = await runServer(apiTestConfig(dir, overrides), { handleSignals: false });
  cleanups.push(() => server.close());
  return server;
}

function occupy(): Promise<{ port: number; server: Server }> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') return fail(new Error('no port'));
      cleanups.push(() => new Promise<void>((closed) => server.close(() => closed())));
      done({ port: address.port, server });
    });
  });
}

describe('runServer', () => {
  it('generates a token file with mode 0600 and reuses it at the next start', async () => {
    const dir = home();
    const first = await start(dir);
    const tokenPath = join(dir, 'token');
    expect(statSync(tokenPath).mode & 0o777).toBe(0o600);
    expect(readFileSync(tokenPath, 'utf8').trim()).toBe(first.token);
    expect(first.token).toMatch(/^[0-9a-f]{64}$/);
    await first.close();

    chmodSync(tokenPath, 0o644);
    const second = await start(dir);
    expect(second.token).toBe(first.token);
    expect(statSync(tokenPath).mode & 0o777).toBe(0o600);
  });

  it('uses a configured token and writes no token file', async () => {
    const dir = home();
    const server = await start(dir, { token: 'configured-token-0123456789' });
    expect(server.token).toBe('configured-token-0123456789');
    expect(existsSync(join(dir, 'token'))).toBe(false);
    const client = new ClaudeWorkerClient({ url: server.url, token: 'configured-token-0123456789' });
    expect((await client.healthDetailed()).status).toBe('ok');
  });

  it('moves to the next free port when the preferred one is busy', async () => {
    const { port: busy } = await occupy();
    const server = await start(home(), { port: busy });
    expect(server.port).toBeGreaterThan(busy);
    expect(server.port).toBeLessThanOrEqual(busy + 50);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    expect((await new ClaudeWorkerClient({ url: server.url, token: server.token }).health()).status).toBe(
      'ok',
    );
  });

  it('writes server.json while it runs and removes it on close', async () => {
    const dir = home();
    const server = await start(dir, { log_level: 'info' });
    const infoPath = join(dir, 'server.json');
    const info = JSON.parse(readFileSync(infoPath, 'utf8')) as Record<string, unknown>;
    expect(info).toMatchObject({ pid: process.pid, host: '127.0.0.1', port: server.port, url: server.url });
    expect(typeof info['started_at']).toBe('string');
    expect(typeof info['version']).toBe('string');
    await server.close();
    expect(existsSync(infoPath)).toBe(false);
    await server.close(); // idempotent

    // The server logged its life as JSON lines.
    const log = readFileSync(join(dir, 'logs', 'server.log'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { msg: string; url?: string });
    expect(log.find((l) => l.msg === 'claude-worker server listening')?.url).toBe(server.url);
    expect(log.at(-1)?.msg).toBe('claude-worker server stopped');
  });

  it('leaves a server.json that names another process alone', async () => {
    const dir = home();
    const server = await start(dir);
    const infoPath = join(dir, 'server.json');
    writeFileSync(
      infoPath,
      JSON.stringify({ pid: process.pid + 100_000, host: '127.0.0.1', port: 1, url: 'http://127.0.0.1:1' }),
    );
    await server.close();
    expect(existsSync(infoPath)).toBe(true);
  });

  it('refuses a non-loopback host without a configured token, and listens on nothing', async () => {
    const dir = home();
    const err = await errorOf(() =>
      runServer(apiTestConfig(dir, { host: '0.0.0.0' }), { handleSignals: false }),
    );
    expect(err.code).toBe('config');
    expect(err.message).toContain('0.0.0.0');
    expect(err.message).toContain('CLAUDE_WORKER_TOKEN');
    expect(existsSync(join(dir, 'server.json'))).toBe(false);
  });

  it('answers /health without a token and /health/detailed with counts and the worker', async () => {
    const server = await start(home(), { concurrency: 3 });
    const health = (await (await fetch(`${server.url}/health`)).json()) as Record<string, unknown>;
    expect(health).toEqual({ status: 'ok', version: expect.any(String), pid: process.pid });
    expect((await fetch(`${server.url}/health/detailed`)).status).toBe(401);
    const detailed = await new ClaudeWorkerClient({ url: server.url, token: server.token }).healthDetailed();
    expect(detailed.counts).toMatchObject({ queued: 0, running: 0, completed: 0 });
    expect(detailed.worker).toMatchObject({ running: true, concurrency: 3 });
    expect(detailed.database).toBe(server.app.paths.database);
  });

  it('documents every route in /openapi.json (behind the token)', async () => {
    const server = await start(home());
    const response = await fetch(`${server.url}/openapi.json`, {
      headers: { authorization: `Bearer ${server.token}` },
    });
    expect(response.status).toBe(200);
    const doc = (await response.json()) as {
      openapi: string;
      paths: Record<string, Record<string, { security: unknown[]; responses: Record<string, unknown> }>>;
    };
    expect(doc.openapi).toBe('3.1.0');
    const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(operations.sort()).toEqual(
      [
        'GET /health',
        'GET /health/detailed',
        'GET /openapi.json',
        'POST /api/v1/tasks',
        'GET /api/v1/tasks',
        'GET /api/v1/tasks/{id}',
        'POST /api/v1/tasks/{id}/cancel',
        'POST /api/v1/tasks/{id}/retry',
        'GET /api/v1/tasks/{id}/attempts',
        'GET /api/v1/tasks/{id}/events',
        'GET /api/v1/tasks/{id}/logs',
        'GET /api/v1/events',
        'GET /api/v1/events/stream',
        'GET /api/v1/stats',
        'GET /api/v1/workers',
        'POST /api/v1/prune',
        'POST /api/v1/orchestrations',
        'POST /api/v1/orchestrations/validate',
        'GET /api/v1/orchestrations',
        'GET /api/v1/orchestrations/{id}',
        'POST /api/v1/orchestrations/{id}/cancel',
        'POST /api/v1/orchestrations/{id}/tasks',
        'POST /api/v1/staged-groups/{group}/tasks',
        'GET /api/v1/staged-groups/{group}',
        'POST /api/v1/staged-groups/{group}/submit',
        'POST /api/v1/dashboard/links',
        'POST /api/v1/session',
        'GET /api/v1/session',
        'DELETE /api/v1/session',
        'GET /api/v1/stats/daily',
        'GET /api/v1/system',
        'POST /api/v1/orchestrations/validate-document',
      ].sort(),
    );
    const create = doc.paths['/api/v1/tasks']?.['post'] as unknown as {
      requestBody: { content: Record<string, { schema: { properties: Record<string, unknown> } }> };
    };
    expect(Object.keys(create.requestBody.content['application/json']?.schema.properties ?? {})).toEqual(
      expect.arrayContaining(['execution_prompt', 'working_directory', 'model', 'tags']),
    );
    expect(doc.paths['/api/v1/tasks']?.['get']?.security).toEqual([{ bearer: [] }]);
    expect(doc.paths['/health']?.['get']?.security).toEqual([]);
  });

  it('ends open event streams and log follows on close, and the client then reports the server unreachable', async () => {
    const dir = home();
    const server = await start(dir);
    const client = new ClaudeWorkerClient({ url: server.url, token: server.token });
    const workdir = tempDir('cw-serve-work-');
    cleanups.push(() => rmSync(workdir, { recursive: true, force: true }));
    const task = await client.createTask({
      execution_prompt: 'Forever [fake:hang]',
      working_directory: workdir,
    });
    await waitFor(async () => (await client.getTask(task.id)).status === 'running', 'the task to run');

    const events = (async () => {
      const seen: string[] = [];
      for await (const event of client.streamEvents()) seen.push(event.type);
      return seen;
    })();
    let followed = '';
    const follow = (async () => {
      for await (const chunk of client.followLogs(task.id)) followed += chunk;
    })();
    const ends = Promise.allSettled([events, follow]);
    await waitFor(async () => (await client.healthDetailed()).live_streams === 2, 'both streams to open');
    await waitFor(async () => followed.includes('[attempt 1] started'), 'the followed log to show the start');

    await server.close();
    // Neither hangs. The event stream simply ends (a client reconnects with Last-Event-ID); the log follow breaks
    // off with an error, because a clean end would mean "the task has finished", which it has not.
    const [eventsEnd, followEnd] = await ends;
    expect(eventsEnd.status).toBe('fulfilled');
    expect(followEnd.status).toBe('rejected');
    expect(followEnd.status === 'rejected' && (followEnd.reason as { code?: string }).code).toBe(
      'unavailable',
    );
    const err = await errorOf(() => client.listTasks());
    expect(err.code).toBe('unavailable');
    expect(err.message).toBe(
      `No claude-worker server answers at ${server.url}. Start it with \`claude-worker server start\`, or check CLAUDE_WORKER_URL.`,
    );
  });
});
