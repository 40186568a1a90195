/**
 * Bad requests: each gets a problem+json answer that names the field and the fix, with the right status, and
 * creates or changes nothing (the task count is the same before and after).
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClaudeWorkerClient } from '../../src/client/http-client.js';
import { errorOf, startTestServer, type TestServer } from './test-server.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t?.close());

async function taskCount(): Promise<number> {
  return (await t.client.listTasks({ limit: 500 })).tasks.length;
}

async function raw(
  path: string,
  init: RequestInit & { token?: string | null } = {},
): Promise<{ status: number; type: string | null; body: Record<string, unknown> }> {
  const headers = new Headers(init.headers);
  if (init.token !== null) headers.set('authorization', `Bearer ${init.token ?? t.server.token}`);
  const response = await fetch(`${t.server.url}${path}`, { ...init, headers });
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    body: (await response.json()) as Record<string, unknown>,
  };
}

describe('bad input creates nothing and says what to fix', () => {
  it('rejects an empty prompt, a relative or missing directory and an unknown model, naming the field', async () => {
    const before = await taskCount();
    const cases = [
      {
        input: { execution_prompt: '   ', working_directory: t.workdir },
        path: 'execution_prompt',
        says: 'must not be empty',
      },
      {
        input: { execution_prompt: 'x', working_directory: 'proj/src' },
        path: 'working_directory',
        says: 'absolute path',
      },
      {
        input: { execution_prompt: 'x', working_directory: join(t.workdir, 'missing') },
        path: 'working_directory',
        says: 'does not exist',
      },
      {
        input: { execution_prompt: 'x', working_directory: t.workdir, model: 'gpt-4' },
        path: 'model',
        says: 'sonnet, opus, haiku',
      },
      {
        input: { execution_prompt: 'x', working_directory: t.workdir, colour: 'red' },
        path: '',
        says: 'unknown field "colour"',
      },
    ];
    for (const c of cases) {
      const err = await errorOf(() => t.client.createTask(c.input as never));
      expect(err.code, JSON.stringify(c.input)).toBe('validation');
      expect(err.data?.['status']).toBe(400);
      expect(err.message).toContain(c.says);
      const issues = err.data?.['issues'] as Array<{ path: string; message: string }>;
      expect(issues.map((i) => i.path)).toContain(c.path);
    }
    expect(await taskCount()).toBe(before);
  });

  it('reports every problem of a body at once', async () => {
    const err = await errorOf(() =>
      t.client.createTask({ execution_prompt: '', working_directory: 'rel', model: 'gpt' }),
    );
    const issues = err.data?.['issues'] as Array<{ path: string }>;
    expect(issues.map((i) => i.path).sort()).toEqual(['execution_prompt', 'model', 'working_directory']);
  });

  it("answers malformed JSON with 400 and the parser's reason", async () => {
    const before = await taskCount();
    const answer = await raw('/api/v1/tasks', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"execution_prompt": "x",',
    });
    expect(answer.status).toBe(400);
    expect(answer.type).toContain('application/problem+json');
    expect(answer.body).toMatchObject({ code: 'validation', status: 400 });
    expect(answer.body['detail']).toMatch(/^The request body is not valid JSON: /);
    expect(await taskCount()).toBe(before);
  });

  it('answers a body over the limit with 413 naming the limit', async () => {
    const before = await taskCount();
    const body = JSON.stringify({
      execution_prompt: 'x'.repeat(t.config.body_limit_bytes + 10),
      working_directory: t.workdir,
    });
    const answer = await raw('/api/v1/tasks', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(answer.status).toBe(413);
    expect(answer.body['code']).toBe('payload_too_large');
    expect(answer.body['detail']).toContain(`limit of ${t.config.body_limit_bytes} bytes`);
    expect(await taskCount()).toBe(before);
  });

  it('answers a body that is not JSON with 415', async () => {
    const answer = await raw('/api/v1/tasks', {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'run this',
    });
    expect(answer.status).toBe(415);
    expect(answer.body['detail']).toContain('application/json');
  });

  it('answers a missing or wrong token with 401 and says where the token is', async () => {
    const before = await taskCount();
    const missing = await raw('/api/v1/tasks', {
      token: null,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ execution_prompt: 'x', working_directory: t.workdir }),
    });
    expect(missing.status).toBe(401);
    expect(missing.body['code']).toBe('unauthorized');
    expect(missing.body['detail']).toContain(join(t.home, 'token'));

    const wrong = new ClaudeWorkerClient({ url: t.server.url, token: 'not-the-token-at-all' });
    for (const call of [
      () => wrong.createTask({ execution_prompt: 'x', working_directory: t.workdir }),
      () => wrong.listTasks(),
      () => wrong.healthDetailed(),
    ]) {
      const err = await errorOf(call);
      expect(err.code).toBe('unauthorized');
      expect(err.message).toContain('wrong');
    }
    expect(await taskCount()).toBe(before);
  });

  it('answers bad query values and ids with 400, unknown routes with 404', async () => {
    expect((await errorOf(() => t.client.listTasks({ status: 'sleeping' as never }))).code).toBe(
      'validation',
    );
    expect((await errorOf(() => t.client.listTasks({ limit: 100_000 }))).code).toBe('validation');
    expect((await raw('/api/v1/tasks/abc')).status).toBe(400);
    expect((await raw('/api/v1/tasks?bogus=1')).body['detail']).toContain('"bogus"');
    const unknown = await raw('/api/v1/nothing');
    expect(unknown.status).toBe(404);
    expect(unknown.body['detail']).toContain('/openapi.json');
  });
});
