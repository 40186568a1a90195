/**
 * OpenTelemetry end to end: a local OTLP/HTTP receiver (http/json, the exporter's protocol) gets the spans of a real
 * server driving the Claude Code stand-in: the REST request as a child of the caller's `traceparent`, the attempt as
 * its child (task id, model, cost, tokens, turns, failure class, exit code), each tool call as the attempt's child;
 * a retry joins the same trace (the context is stored on the task); the stand-in sees TRACEPARENT naming its
 * attempt's span; the server's log lines carry trace_id and task_id.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_STORE_IS_POSTGRES, freshDatabase } from '../helpers/postgres.js';
import { startTestServer, waitFor, waitForStatus, type TestServer } from './test-server.js';
import { tempDir } from './test-config.js';

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: { key: string; value: Record<string, unknown> }[];
  status?: { code?: number };
}

const received: { contentType: string | undefined; body: unknown }[] = [];
let receiver: Server;
let t: TestServer;
let database: { url: string; drop: () => Promise<void> } | null = null;
const recordDir = tempDir('cw-trace-record-');
const record = join(recordDir, 'starts.jsonl');

const CALLER_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN = '00f067aa0ba902b7';

function spans(): { resource: Record<string, unknown>; span: OtlpSpan }[] {
  const out: { resource: Record<string, unknown>; span: OtlpSpan }[] = [];
  for (const { body } of received) {
    const doc = body as {
      resourceSpans: {
        resource: { attributes: { key: string; value: Record<string, unknown> }[] };
        scopeSpans: { spans: OtlpSpan[] }[];
      }[];
    };
    for (const rs of doc.resourceSpans) {
      const resource = Object.fromEntries(
        rs.resource.attributes.map((a) => [a.key, Object.values(a.value)[0]]),
      );
      for (const ss of rs.scopeSpans) for (const span of ss.spans) out.push({ resource, span });
    }
  }
  return out;
}

const attr = (span: OtlpSpan, key: string): unknown => {
  const value = span.attributes.find((a) => a.key === key)?.value;
  if (!value) return undefined;
  const raw = Object.values(value)[0];
  return 'intValue' in value ? Number(raw) : raw;
};

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method === 'POST' && req.url === '/v1/traces') {
        received.push({
          contentType: req.headers['content-type'],
          body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
        });
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((done) => receiver.listen(0, '127.0.0.1', done));
  const { port } = receiver.address() as AddressInfo;
  // The standard variables, as a user sets them; the stand-in inherits the server's environment.
  process.env['OTEL_EXPORTER_OTLP_ENDPOINT'] = `http://127.0.0.1:${port}`;
  process.env['OTEL_SERVICE_NAME'] = 'claude-worker-under-test';
  process.env['OTEL_BSP_SCHEDULE_DELAY'] = '200';
  process.env['FAKE_CLAUDE_RECORD'] = record;
  database = APP_STORE_IS_POSTGRES ? await freshDatabase() : null;
  t = await startTestServer({ log_level: 'info', ...(database ? { database_url: database.url } : {}) });
}, 60_000);

afterAll(async () => {
  await t?.close();
  await database?.drop();
  await new Promise((done) => receiver?.close(done));
  for (const name of [
    'OTEL_EXPORTER_OTLP_ENDPOINT',
    'OTEL_SERVICE_NAME',
    'OTEL_BSP_SCHEDULE_DELAY',
    'FAKE_CLAUDE_RECORD',
  ]) {
    delete process.env[name];
  }
});

async function post(body: unknown, traceparent?: string): Promise<{ id: number }> {
  const response = await fetch(`${t.server.url}/api/v1/tasks`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${t.server.token}`,
      'content-type': 'application/json',
      ...(traceparent ? { traceparent } : {}),
    },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(201);
  return (await response.json()) as { id: number };
}

describe('OpenTelemetry traces', () => {
  it('exports request, attempt and tool spans in the caller trace, and Claude Code gets TRACEPARENT', async () => {
    const ok = await post(
      { execution_prompt: 'traced work', working_directory: t.workdir },
      `00-${CALLER_TRACE}-${CALLER_SPAN}-01`,
    );
    const bad = await post({
      execution_prompt: '[fake:exit code=3] x',
      working_directory: t.workdir,
      max_attempts: 1,
    });
    await waitForStatus(t.client, ok.id, ['completed']);
    await waitForStatus(t.client, bad.id, ['failed']);
    // A retry runs in the trace stored on the task, not a new one.
    await t.client.retryTask(bad.id);
    await waitFor(
      async () =>
        (await t.client.getTask(bad.id)).attempts.length === 2 &&
        (await t.client.getTask(bad.id)).status === 'failed',
      'the retry to fail',
    );

    const attemptOf = (taskId: number, n: number) =>
      spans().find(
        ({ span }) =>
          span.name === 'claude_worker.attempt' &&
          attr(span, 'claude_worker.task.id') === taskId &&
          attr(span, 'claude_worker.attempt') === n,
      )?.span;
    await waitFor(
      () =>
        attemptOf(ok.id, 1) &&
        attemptOf(bad.id, 2) &&
        spans().some(({ span }) => span.name.startsWith('tool ')),
      'the spans to arrive',
      20_000,
    );
    expect(received.every((r) => r.contentType?.startsWith('application/json'))).toBe(true);

    // The request joined the caller's trace; the attempt is the request span's child.
    const request = spans().find(
      ({ span }) => span.name === 'POST /api/v1/tasks' && span.traceId === CALLER_TRACE,
    );
    expect(request?.resource['service.name']).toBe('claude-worker-under-test');
    expect(request?.span.parentSpanId).toBe(CALLER_SPAN);
    expect(request?.span.kind).toBe(2); // SERVER
    const attempt = attemptOf(ok.id, 1)!;
    expect(attempt.traceId).toBe(CALLER_TRACE);
    expect(attempt.parentSpanId).toBe(request!.span.spanId);
    const task = await t.client.getTask(ok.id);
    expect(attr(attempt, 'claude_worker.model')).toBe(task.model);
    expect(attr(attempt, 'claude_worker.outcome')).toBe('succeeded');
    expect(attr(attempt, 'claude_worker.cost_usd')).toBe(task.cost_usd);
    expect(attr(attempt, 'claude_worker.turns')).toBe(task.num_turns);
    expect(attr(attempt, 'gen_ai.usage.output_tokens')).toBe(task.usage?.['output_tokens']);

    // The stand-in's Bash call is a child span of the attempt.
    const tool = spans().find(
      ({ span }) => span.name === 'tool Bash' && span.parentSpanId === attempt.spanId,
    );
    expect(tool?.span.traceId).toBe(CALLER_TRACE);
    expect(attr(tool!.span, 'claude_worker.tool.name')).toBe('Bash');

    // The failing task: its own trace (its request had no traceparent), failure class and exit code on the span;
    // both its attempts share the trace and the parent.
    const first = attemptOf(bad.id, 1)!;
    const second = attemptOf(bad.id, 2)!;
    const failed = await t.client.getTask(bad.id);
    expect(attr(first, 'claude_worker.failure_class')).toBe(failed.attempts[0]!.error?.code);
    expect(attr(first, 'claude_worker.exit_code')).toBe(3);
    expect(first.status?.code).toBe(2); // ERROR
    expect(first.traceId).not.toBe(CALLER_TRACE);
    expect(second.traceId).toBe(first.traceId);
    expect(second.parentSpanId).toBe(first.parentSpanId);

    // Claude Code ran inside its attempt's span.
    const starts = readFileSync(record, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { prompt: string; env: Record<string, string> });
    const okStart = starts.find((s) => s.prompt.includes('traced work'));
    expect(okStart?.env['TRACEPARENT']).toBe(`00-${CALLER_TRACE}-${attempt.spanId}-01`);
    const badStarts = starts.filter((s) => s.prompt.includes('exit code=3'));
    expect(badStarts.map((s) => s.env['TRACEPARENT'])).toEqual([
      `00-${first.traceId}-${first.spanId}-01`,
      `00-${second.traceId}-${second.spanId}-01`,
    ]);

    // Log lines carry the trace id and the task id.
    const log = readFileSync(join(t.home, 'logs', 'server.log'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(log.some((l) => l['task_id'] === ok.id && l['trace_id'] === CALLER_TRACE)).toBe(true);
    expect(log.some((l) => l['trace_id'] === CALLER_TRACE && l['msg'] === 'request completed')).toBe(true);
  }, 90_000);
});
