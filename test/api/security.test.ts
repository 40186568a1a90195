/**
 * The security rules of issue 9 against a real server (real SQLite, the Claude Code stand-in, the real MCP client):
 * allowed roots compared on real paths, reserved and oversized task env refused with the key named, foreign browser
 * origins and unexpected Host headers refused with 403 on every route, /openapi.json behind the token unless
 * openapi_public, and the home folder's files private.
 */
import { request } from 'node:http';
import { existsSync, mkdirSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callTool, httpClient } from '../mcp/mcp-harness.js';
import { tempDir } from './test-config.js';
import { startTestServer, waitFor, waitForStatus, type TestServer } from './test-server.js';

interface Answer {
  status: number;
  contentType: string;
  body: Record<string, unknown>;
}

/** A raw HTTP request, so tests can send the Origin and Host headers a browser would. */
function send(
  url: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: unknown,
): Promise<Answer> {
  const target = new URL(path, url);
  return new Promise((resolve, reject) => {
    const req = request(
      target,
      {
        method,
        headers: {
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          accept: 'application/json, text/event-stream',
          ...headers,
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          let parsed: Record<string, unknown> = {};
          try {
            parsed = JSON.parse(text) as Record<string, unknown>;
          } catch {
            parsed = { text };
          }
          resolve({
            status: res.statusCode ?? 0,
            contentType: res.headers['content-type'] ?? '',
            body: parsed,
          });
        });
      },
    );
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

describe('allowed roots, on real paths', () => {
  let t: TestServer;
  let base: string;
  let root: string;
  let outside: string;
  let mcp: Client;

  beforeAll(async () => {
    base = tempDir('cw-roots-');
    root = join(base, 'root');
    outside = join(base, 'outside');
    mkdirSync(join(root, 'inside'), { recursive: true });
    mkdirSync(outside);
    symlinkSync(outside, join(root, 'link'));
    symlinkSync('..', join(root, 'up'));
    symlinkSync(join(root, 'inside'), join(root, 'alias'));
    t = await startTestServer({ allowed_roots: [root] });
    mcp = await httpClient(t.server.url, t.server.token);
  });
  afterAll(async () => {
    await mcp?.close();
    await t?.close();
    if (base) rmSync(base, { recursive: true, force: true });
  });

  const escapes = () => [
    join(root, 'link'),
    `${join(root, 'link')}/`,
    join(root, 'up'),
    `${join(root, 'up')}/`,
    join(root, 'up', 'outside'),
  ];

  it('refuses a task whose directory leaves the roots through a link, with or without a trailing slash', async () => {
    for (const dir of escapes()) {
      const answer = await send(
        t.server.url,
        'POST',
        '/api/v1/tasks',
        { authorization: `Bearer ${t.server.token}` },
        { execution_prompt: 'Escape', working_directory: dir },
      );
      expect(answer.status, dir).toBe(400);
      expect(String(answer.body['detail']), dir).toContain('outside the allowed roots');
      expect(String(answer.body['detail']), dir).toContain('real path');
    }
    expect((await t.client.listTasks({})).tasks).toHaveLength(0);
  });

  it('accepts a link that stays inside, and keeps the directory as written', async () => {
    const dir = join(root, 'alias');
    const task = await t.client.createTask({ execution_prompt: 'Stay', working_directory: dir });
    expect(task.working_directory).toBe(dir);
    expect((await waitForStatus(t.client, task.id, ['completed', 'failed'])).status).toBe('completed');
  });

  it('refuses an orchestration task that leaves the roots through a link, naming its place', async () => {
    const answer = await send(
      t.server.url,
      'POST',
      '/api/v1/orchestrations',
      { authorization: `Bearer ${t.server.token}` },
      {
        tasks: [
          { identifier: 'ok', execution_prompt: 'Fine', working_directory: join(root, 'inside') },
          { identifier: 'bad', execution_prompt: 'Escape', working_directory: join(root, 'link') },
        ],
      },
    );
    expect(answer.status).toBe(400);
    const issues = answer.body['issues'] as Array<{ path: string; message: string }>;
    expect(issues.map((i) => i.path)).toEqual(['tasks[1].working_directory']);
    expect(issues[0]?.message).toContain('outside the allowed roots');
  });

  it('refuses it over MCP too, as a tool error', async () => {
    const answer = await callTool(mcp, 'create_task', {
      execution_prompt: 'Escape',
      working_directory: join(root, 'up'),
    });
    expect(answer.isError).toBe(true);
    expect(answer.text).toContain('outside the allowed roots');
  });

  it('refuses a reserved env name over MCP (submit_orchestration) as a tool error naming the key', async () => {
    const answer = await callTool(mcp, 'submit_orchestration', {
      workflow: {
        tasks: [
          {
            identifier: 'redirect',
            execution_prompt: 'Redirect',
            working_directory: join(root, 'inside'),
            env: { CLAUDE_WORKER_TOKEN: 'stolen-token-value' },
          },
        ],
      },
    });
    expect(answer.isError).toBe(true);
    expect(answer.text).toContain('tasks[0].env.CLAUDE_WORKER_TOKEN');
    expect(answer.text).toContain('reserved');
  });
});

describe('task env', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t?.close());

  const create = (env: Record<string, string>) =>
    send(
      t.server.url,
      'POST',
      '/api/v1/tasks',
      { authorization: `Bearer ${t.server.token}` },
      { execution_prompt: 'With env', working_directory: t.workdir, env },
    );

  it.each([
    ['CLAUDE_WORKER_TOKEN', 'configure claude-worker itself'],
    ['CLAUDE_WORKER_URL', 'configure claude-worker itself'],
    ['claude_worker_home', 'configure claude-worker itself'],
    ['CLAUDE_CODE_MAX_RETRIES', 'claude_max_retries'],
    ['CLAUDE_CODE_ENTRYPOINT', 'Agent SDK'],
  ])('refuses the reserved name %s, naming it', async (key, why) => {
    const answer = await create({ OK: '1', [key]: 'x' });
    expect(answer.status).toBe(400);
    expect(answer.contentType).toContain('application/problem+json');
    const issues = answer.body['issues'] as Array<{ path: string; message: string }>;
    expect(issues).toHaveLength(1);
    expect(issues[0]?.path).toBe(`env.${key}`);
    expect(issues[0]?.message).toContain(`"${key}" is reserved`);
    expect(issues[0]?.message).toContain(why);
  });

  it('refuses a value with a NUL byte', async () => {
    const answer = await create({ SPLIT: 'a\0b' });
    expect(answer.status).toBe(400);
    const issues = answer.body['issues'] as Array<{ path: string; message: string }>;
    expect(issues[0]?.path).toBe('env.SPLIT');
    expect(issues[0]?.message).toContain('NUL byte');
  });

  it('refuses an env too large to start a process with, and says the limit', async () => {
    const answer = await create({ BIG: 'x'.repeat(150 * 1024) });
    expect(answer.status).toBe(400);
    const issues = answer.body['issues'] as Array<{ path: string; message: string }>;
    expect(issues[0]?.path).toBe('env');
    expect(issues[0]?.message).toContain('over the limit of 102400 bytes');
    expect((await t.client.listTasks({})).tasks).toHaveLength(0);
  });

  it('refuses an env merged from defaults and a task that is too large together, with its place', async () => {
    const half = 'x'.repeat(60 * 1024);
    const answer = await send(
      t.server.url,
      'POST',
      '/api/v1/orchestrations',
      { authorization: `Bearer ${t.server.token}` },
      {
        defaults: { env: { A: half }, working_directory: t.workdir },
        tasks: [
          { identifier: 'one', execution_prompt: 'x' },
          { identifier: 'two', execution_prompt: 'y', env: { B: half } },
        ],
      },
    );
    expect(answer.status).toBe(400);
    const issues = answer.body['issues'] as Array<{ path: string; message: string }>;
    expect(issues.map((i) => i.path)).toEqual(['tasks[1].env']);
  });

  it('refuses a reserved name in an orchestration task, with its place', async () => {
    const answer = await send(
      t.server.url,
      'POST',
      '/api/v1/orchestrations',
      { authorization: `Bearer ${t.server.token}` },
      {
        tasks: [
          {
            identifier: 'a',
            execution_prompt: 'x',
            working_directory: t.workdir,
            env: { CLAUDE_WORKER_URL: 'http://elsewhere' },
          },
        ],
      },
    );
    expect(answer.status).toBe(400);
    const issues = answer.body['issues'] as Array<{ path: string; message: string }>;
    expect(issues.map((i) => i.path)).toEqual(['tasks[0].env.CLAUDE_WORKER_URL']);
  });
});

describe('browser origins and Host headers', () => {
  let t: TestServer;
  let port: number;
  beforeAll(async () => {
    t = await startTestServer({ allowed_origins: ['http://localhost:5173'] });
    port = t.server.port;
  });
  afterAll(() => t?.close());

  const auth = () => ({ authorization: `Bearer ${t.server.token}` });
  const initialize = {
    jsonrpc: '2.0',
    id: 1,
    method: 'initialize',
    params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'page', version: '1' } },
  };

  it('refuses POST /mcp from a foreign origin with 403, even with the token', async () => {
    const answer = await send(
      t.server.url,
      'POST',
      '/mcp',
      { ...auth(), origin: 'https://evil.example' },
      initialize,
    );
    expect(answer.status).toBe(403);
    expect(answer.contentType).toContain('application/problem+json');
    expect(answer.body['code']).toBe('forbidden');
    expect(String(answer.body['detail'])).toContain('allowed_origins');
  });

  it('refuses a foreign origin on every route, /health and unknown paths included', async () => {
    for (const [method, path] of [
      ['GET', '/api/v1/tasks'],
      ['GET', '/health'],
      ['GET', '/openapi.json'],
      ['GET', '/no/such/route'],
    ] as const) {
      const answer = await send(t.server.url, method, path, {
        ...auth(),
        origin: 'http://evil.example:8080',
      });
      expect(answer.status, path).toBe(403);
    }
    const nullOrigin = await send(t.server.url, 'GET', '/api/v1/tasks', { ...auth(), origin: 'null' });
    expect(nullOrigin.status).toBe(403);
  });

  it("allows no origin, the server's own origin and configured origins", async () => {
    expect((await send(t.server.url, 'GET', '/api/v1/tasks', auth())).status).toBe(200);
    for (const origin of [`http://127.0.0.1:${port}`, `http://localhost:${port}`, 'http://localhost:5173']) {
      const answer = await send(t.server.url, 'GET', '/api/v1/tasks', { ...auth(), origin });
      expect(answer.status, origin).toBe(200);
    }
    const mcp = await send(
      t.server.url,
      'POST',
      '/mcp',
      { ...auth(), origin: `http://127.0.0.1:${port}` },
      initialize,
    );
    expect(mcp.status).toBe(200);
  });

  it('refuses a Host header that is not a loopback name (DNS rebinding)', async () => {
    for (const host of [`evil.example:${port}`, 'evil.example', `127.0.0.1:${port + 1}`]) {
      const answer = await send(t.server.url, 'GET', '/health', { host });
      expect(answer.status, host).toBe(403);
      expect(String(answer.body['detail'])).toContain('DNS rebinding');
    }
    // The rebinding page is "same origin" for the browser: Origin and Host agree, and it is still refused.
    const rebound = await send(t.server.url, 'GET', '/api/v1/tasks', {
      ...auth(),
      host: `evil.example:${port}`,
      origin: `http://evil.example:${port}`,
    });
    expect(rebound.status).toBe(403);
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]) {
      expect((await send(t.server.url, 'GET', '/health', { host })).status, host).toBe(200);
    }
  });
});

describe('/openapi.json', () => {
  it('needs the token, unless openapi_public is set', async () => {
    const closed = await startTestServer();
    try {
      const without = await send(closed.server.url, 'GET', '/openapi.json', {});
      expect(without.status).toBe(401);
      const withToken = await send(closed.server.url, 'GET', '/openapi.json', {
        authorization: `Bearer ${closed.server.token}`,
      });
      expect(withToken.status).toBe(200);
      expect(withToken.body['openapi']).toBe('3.1.0');
      expect((await send(closed.server.url, 'GET', '/health', {})).status).toBe(200);
    } finally {
      await closed.close();
    }
    const open = await startTestServer({ openapi_public: true });
    try {
      expect((await send(open.server.url, 'GET', '/openapi.json', {})).status).toBe(200);
      expect((await send(open.server.url, 'GET', '/api/v1/tasks', {})).status).toBe(401);
    } finally {
      await open.close();
    }
  });
});

describe('the home folder', () => {
  it('is 0700 with its files 0600 after a task ran', async () => {
    const t = await startTestServer();
    try {
      const task = await t.client.createTask({ execution_prompt: 'Private', working_directory: t.workdir });
      const done = await waitForStatus(t.client, task.id, ['completed', 'failed']);
      const mode = (path: string) => statSync(path).mode & 0o777;
      // The task's files and the lifecycle log are written just after the outcome commits.
      const files = ['logs/claude-worker.log', 'claude-worker.db-wal', 'claude-worker.db-shm']
        .map((f) => join(t.home, f))
        .concat(done.log_path!, done.transcript_path!);
      await waitFor(() => files.every((f) => existsSync(f)), 'the task files to be written');
      expect(mode(t.home)).toBe(0o700);
      expect(mode(join(t.home, 'logs'))).toBe(0o700);
      expect(mode(join(t.home, 'logs', 'tasks'))).toBe(0o700);
      for (const file of [
        'claude-worker.db',
        'claude-worker.db-wal',
        'claude-worker.db-shm',
        'server.json',
        'token',
        'logs/server.log',
        'logs/claude-worker.log',
      ]) {
        expect(mode(join(t.home, file)), file).toBe(0o600);
      }
      expect(mode(done.log_path!)).toBe(0o600);
      expect(mode(done.transcript_path!)).toBe(0o600);
    } finally {
      await t.close();
    }
  });
});
