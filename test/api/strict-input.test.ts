/**
 * Strict input at every edge of the server (issue 9, items 7–10): unknown keys are refused with the key named and a
 * suggestion; ids and numbers are decimal, positive and within the safe range, never coerced; errors raised before a
 * route (bad URL encoding, over-long segments, oversized request lines, malformed HTTP) are problem+json like all
 * others. Every refusal changes nothing.
 */
import { connect } from 'node:net';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callTool, httpClient } from '../mcp/mcp-harness.js';
import { startTestServer, waitForStatus, type TestServer } from './test-server.js';

let t: TestServer;
let mcp: Client;
beforeAll(async () => {
  t = await startTestServer();
  mcp = await httpClient(t.server.url, t.server.token);
});
afterAll(async () => {
  await mcp?.close();
  await t?.close();
});

interface Answer {
  status: number;
  type: string | null;
  body: Record<string, unknown>;
}

async function raw(path: string, init: RequestInit = {}): Promise<Answer> {
  const headers = new Headers(init.headers);
  headers.set('authorization', `Bearer ${t.server.token}`);
  if (init.body !== undefined) headers.set('content-type', 'application/json');
  const response = await fetch(`${t.server.url}${path}`, { ...init, headers });
  const text = await response.text();
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    body = { unparsed: text };
  }
  return { status: response.status, type: response.headers.get('content-type'), body };
}

/** Sends bytes on a raw socket and returns the whole answer (status line, headers, body). */
function rawHttp(bytes: string): Promise<{ status: number; head: string; body: string }> {
  const url = new URL(t.server.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname);
    let received = '';
    socket.on('data', (chunk) => (received += chunk.toString('utf8')));
    socket.on('error', reject);
    socket.on('close', () => {
      const [head = '', body = ''] = received.split('\r\n\r\n');
      resolve({ status: Number(head.split(' ')[1]), head, body });
    });
    socket.end(bytes);
  });
}

function expectProblem(answer: Answer, status: number, detail: RegExp): void {
  expect(answer.status, JSON.stringify(answer.body)).toBe(status);
  expect(answer.type).toContain('application/problem+json');
  expect(answer.body['status']).toBe(status);
  expect(String(answer.body['detail'])).toMatch(detail);
}

async function counts(): Promise<string> {
  const tasks = await t.client.listTasks({ limit: 500 });
  const orchestrations = await t.client.listOrchestrations({ limit: 500 });
  return JSON.stringify([
    tasks.tasks.map((x) => [x.id, x.status]),
    orchestrations.orchestrations.map((o) => [o.id, o.task_count]),
  ]);
}

let orchestrationId = 0;
let taskId = 0;
beforeAll(async () => {
  const detail = await t.client.createOrchestration({
    tasks: [{ identifier: 'a', execution_prompt: '[fake:hang] wait', working_directory: t.workdir }],
  });
  orchestrationId = detail.id;
  taskId = detail.tasks[0]!.id;
  await waitForStatus(t.client, taskId, ['running', 'queued']);
});

describe('unknown keys are refused, named, with a suggestion (REST)', () => {
  const cases = [
    {
      what: 'add tasks with an orchestration field',
      path: () => `/api/v1/orchestrations/${orchestrationId}/tasks`,
      body: () => ({
        name: 'renamed',
        tasks: [{ identifier: 'b', execution_prompt: 'x', working_directory: t.workdir }],
      }),
      says: /name: cannot be set when adding tasks/,
    },
    {
      what: 'add tasks with a misspelt key',
      path: () => `/api/v1/orchestrations/${orchestrationId}/tasks`,
      body: () => ({
        tasks: [{ identifier: 'b', execution_prompt: 'x', working_directory: t.workdir }],
        defualts: {},
      }),
      says: /unknown field "defualts"; did you mean "defaults"\?/,
    },
    {
      what: 'a task with a misspelt key',
      path: () => '/api/v1/tasks',
      body: () => ({ execution_prompt: 'x', working_directory: t.workdir, max_turn: 3 }),
      says: /max_turn.*did you mean "max_turns"\?/,
    },
    {
      what: 'a document with a misspelt key',
      path: () => '/api/v1/orchestrations',
      body: () => ({
        tasks: [{ identifier: 'b', execution_prompt: 'x', working_directory: t.workdir, dependson: [] }],
      }),
      says: /tasks\[0\]: unknown field "dependson"; did you mean "depends_on"\?/,
    },
  ];
  it.each(cases)('$what', async ({ path, body, says }) => {
    const before = await counts();
    expectProblem(await raw(path(), { method: 'POST', body: JSON.stringify(body()) }), 400, says);
    expect(await counts()).toBe(before);
  });

  it('a route that takes no body refuses one instead of ignoring it', async () => {
    const before = await counts();
    expectProblem(
      await raw(`/api/v1/tasks/${taskId}/cancel`, { method: 'POST', body: JSON.stringify({ reason: 'x' }) }),
      400,
      /unknown field "reason"; this request takes no body/,
    );
    expect(await counts()).toBe(before);
  });

  it.each([
    ['/api/v1/tasks?limt=5', /unknown field "limt"; did you mean "limit"\?/],
    ['/api/v1/orchestrations?stauts=running', /unknown field "stauts"; did you mean "status"\?/],
    ['/api/v1/events?taskid=1', /did you mean "task_id"\?/],
    ['/api/v1/tasks/1?verbose=1', /unknown field "verbose"; this request takes no query parameters/],
    ['/health/detailed?x=1', /unknown field "x"/],
    ['/api/v1/tasks?limit=5&limit=6', /limit: is given 2 times; give it once/],
  ])('query %s', async (path, says) => {
    expectProblem(await raw(path), 400, says);
  });
});

describe('numbers are decimal and ids are safe positive integers, never coerced (REST)', () => {
  it.each([
    ['/api/v1/tasks?limit=0x10', /limit is a whole number from 1 to 500 \(decimal digits\), got "0x10"/],
    ['/api/v1/tasks?limit=1e1', /got "1e1"/],
    ['/api/v1/tasks?limit=%2010', /got " 10"/],
    ['/api/v1/tasks?limit=', /got ""/],
    ['/api/v1/tasks?orchestration_id=0x1', /orchestration_id is a positive whole number/],
    ['/api/v1/events?after_id=-1', /after_id/],
    ['/api/v1/tasks/0x1', /a task id is a positive whole number such as 12, got "0x1"/],
    ['/api/v1/tasks/1.0', /got "1.0"/],
    ['/api/v1/tasks/0', /got "0"/],
    ['/api/v1/tasks/9007199254740993', /too large: ids are at most 9007199254740991/],
    ['/api/v1/orchestrations/9007199254740993', /too large/],
    ['/api/v1/tasks/99999999999999999999/cancel', /too large/],
  ])('%s is refused', async (path, says) => {
    const before = await counts();
    const method = path.endsWith('/cancel') ? 'POST' : 'GET';
    expectProblem(await raw(path, { method }), 400, says);
    expect(await counts()).toBe(before);
  });

  it('a safe id that does not exist is a 404, not a neighbour', async () => {
    expectProblem(await raw('/api/v1/tasks/9007199254740991'), 404, /does not exist/);
  });
});

describe('validation messages are in our words (REST)', () => {
  it('an unknown status names the closest one', async () => {
    const answer = await raw('/api/v1/tasks?status=queued,runing');
    expectProblem(answer, 400, /unknown status "runing"; did you mean "running"\? \(one of "waiting"/);
    expect(String(answer.body['detail'])).not.toMatch(/Invalid option|expected one of/);
  });

  it('a prompt that is a number', async () => {
    const answer = await raw('/api/v1/tasks', {
      method: 'POST',
      body: JSON.stringify({ execution_prompt: 42, working_directory: t.workdir }),
    });
    expectProblem(answer, 400, /execution_prompt: must be text \(the prompt\), not 42/);
    expect(String(answer.body['detail'])).not.toMatch(/expected string|received/);
  });

  it('a timeout in a document takes the CLI duration forms', async () => {
    const answer = await raw('/api/v1/orchestrations/validate', {
      method: 'POST',
      body: JSON.stringify({
        tasks: [{ identifier: 'a', execution_prompt: 'x', working_directory: t.workdir, timeout: '30m' }],
      }),
    });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    const plan = answer.body['plan'] as { tasks: { task: Record<string, unknown> }[] };
    expect(plan.tasks[0]?.task['timeout_seconds']).toBe(1800);
  });
});

describe('errors before a route are problem+json too', () => {
  it('a URL that is not valid percent-encoding', async () => {
    expectProblem(await raw('/api/v1/tasks/%FF'), 400, /not valid percent-encoding/);
  });

  it('a 1,000-digit id', async () => {
    expectProblem(await raw(`/api/v1/tasks/${'9'.repeat(1000)}`), 414, /longer than 100 characters/);
  });

  it('a 20 KB query string (431)', async () => {
    const answer = await rawHttp(
      `GET /api/v1/tasks?tag=${'a'.repeat(20_000)} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${t.server.token}\r\n\r\n`,
    );
    expect(answer.status).toBe(431);
    expect(answer.head.toLowerCase()).toContain('content-type: application/problem+json');
    expect(JSON.parse(answer.body)).toMatchObject({ status: 431, code: 'validation' });
    expect(JSON.parse(answer.body).detail).toMatch(/query string/);
  });

  it('malformed HTTP', async () => {
    const answer = await rawHttp('GET /api/v1/tasks HTTP/1.1\r\nHost 127.0.0.1\r\n\r\n');
    expect(answer.status).toBe(400);
    expect(answer.head.toLowerCase()).toContain('content-type: application/problem+json');
    expect(JSON.parse(answer.body)).toMatchObject({ status: 400, code: 'validation' });
  });
});

describe('MCP tool input is strict', () => {
  it.each([
    [{ task_id: true }, /task_id is a positive whole number such as 12/],
    [{ task_id: [16] }, /task_id is a positive whole number/],
    [{ task_id: '0x1' }, /task_id is a positive whole number/],
    [{ task_id: 1.5 }, /task_id is a positive whole number/],
    [{ task_id: 0 }, /task_id is a positive whole number/],
    [{ task_id: Number.MAX_SAFE_INTEGER + 2 }, /too large/],
    [{ task_id: 1, force: true }, /unknown field "force"/],
    [{ taskid: 1 }, /unknown field "taskid"; did you mean "task_id"\?/],
  ])('cancel_task %j is refused and cancels nothing', async (args, says) => {
    const before = await counts();
    const answer = await callTool(mcp, 'cancel_task', args);
    expect(answer.isError, answer.text).toBe(true);
    expect(answer.text).toMatch(says);
    expect(answer.text).not.toMatch(/expected|received|Invalid input|MCP error|Invalid arguments/);
    expect(answer.text).toMatch(/^The cancel_task call (is invalid|has \d problems)/);
    expect(await counts()).toBe(before);
  });

  it('the listed input schemas stay strict for clients', async () => {
    const { tools } = await mcp.listTools();
    const cancel = tools.find((tool) => tool.name === 'cancel_task');
    expect(cancel?.inputSchema).toMatchObject({
      type: 'object',
      required: ['task_id'],
      additionalProperties: false,
      properties: { task_id: { type: ['number', 'string'] } },
    });
  });

  it('list_tasks with a misspelt status suggests the right one', async () => {
    const answer = await callTool(mcp, 'list_tasks', { status: ['runing'] });
    expect(answer.isError).toBe(true);
    expect(answer.text).toMatch(/unknown status "runing"; did you mean "running"\?/);
  });

  it('create_task with a prompt that is a number says so in our words', async () => {
    const answer = await callTool(mcp, 'create_task', { execution_prompt: 42, working_directory: t.workdir });
    expect(answer.isError).toBe(true);
    expect(answer.text).toMatch(/execution_prompt must be text/);
    expect(answer.text).not.toMatch(/expected|received/);
  });

  it('create_task refuses a self-dependent task when it is staged, not only at submit', async () => {
    const answer = await callTool(mcp, 'create_task', {
      execution_prompt: 'x',
      working_directory: t.workdir,
      orchestration_group: 'selfish',
      task_identifier: 'loop',
      depends_on: ['other', 'loop'],
    });
    expect(answer.isError, answer.text).toBe(true);
    expect(answer.text).toMatch(/depends_on\[1\]: "loop" depends on itself/);
    const submitted = await callTool(mcp, 'submit_orchestration', { orchestration_group: 'selfish' });
    expect(submitted.isError).toBe(true);
    expect(submitted.text).toMatch(/nothing is staged/);
  });

  it('a decimal id written as text is still read (models quote numbers)', async () => {
    const answer = await callTool(mcp, 'get_task_status', { task_id: String(taskId) });
    expect(answer.isError, answer.text).toBe(false);
  });
});
