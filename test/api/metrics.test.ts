/**
 * `GET /metrics` read by a Prometheus-format parser after a run of mixed outcomes (completed, failed with several
 * classes, cancelled), checked against the store; the token rule (401 without it, unless metrics_public); and, on
 * PostgreSQL (CLAUDE_WORKER_TEST_STORE=postgres), a second node serving the same shared figures.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATTEMPT_DURATION_BUCKETS, QUEUE_WAIT_BUCKETS } from '../../src/domain/metric-buckets.js';
import type { Attempt, Task } from '../../src/domain/vocabulary.js';
import { METRIC_NAMES } from '../../src/observability/metrics.js';
import { APP_STORE_IS_POSTGRES, freshDatabase } from '../helpers/postgres.js';
import { familyNames, parsePrometheusText, sampleOf, type Exposition } from '../helpers/prom-text.js';
import { startTestServer, waitFor, waitForStatus, type TestServer } from './test-server.js';

let t: TestServer;
let database: { url: string; drop: () => Promise<void> } | null = null;

beforeAll(async () => {
  database = APP_STORE_IS_POSTGRES ? await freshDatabase() : null;
  t = await startTestServer({
    breaker_threshold: 1,
    breaker_cool_seconds: 600,
    ...(database ? { database_url: database.url } : {}),
  });
}, 60_000);
afterAll(async () => {
  await t?.close();
  await database?.drop();
});

async function scrape(server: TestServer, token: string | null = server.server.token): Promise<Response> {
  return fetch(`${server.server.url}/metrics`, {
    headers: token === null ? {} : { authorization: `Bearer ${token}` },
  });
}

async function readMetrics(server: TestServer): Promise<Exposition> {
  const response = await scrape(server);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parsePrometheusText(await response.text());
}

const outcomeOf = (a: Attempt) => (a.status === 'succeeded' ? 'succeeded' : (a.error?.code ?? a.status));

describe('GET /metrics', () => {
  it('serves the figures of the store after completed, failed and cancelled tasks', async () => {
    const wd = t.workdir;
    const make = (execution_prompt: string, extra: Record<string, unknown> = {}) =>
      t.client.createTask({ execution_prompt, working_directory: wd, ...extra });
    const ok1 = await make('fine one');
    const ok2 = await make('fine two', { model: 'opus' });
    const auth = await make('[fake:auth_failed] x');
    const crashed = await make('[fake:execution_error] x', { model: 'opus' });
    const busy = await make('[fake:overloaded] x', { model: 'haiku', max_attempts: 1 });
    const hung = await make('[fake:hang] x');
    await waitFor(async () => (await t.client.getTask(hung.id)).status === 'running', 'the hung task to run');
    await t.client.cancelTask(hung.id);
    const finished = [ok1, ok2, auth, crashed, busy, hung];
    for (const task of finished)
      await waitForStatus(t.client, task.id, ['completed', 'failed', 'cancelled'], 30_000);
    // A task that stays queued: its model's breaker is open.
    const gated = await make('held back', { model: 'haiku' });

    const metrics = await readMetrics(t);
    const store = t.server.app.store;

    // Every promised family is served, with its type; the default process metrics too.
    const families = familyNames(metrics);
    for (const name of METRIC_NAMES) expect(families, name).toContain(name);
    expect(metrics.types.get('claude_worker_attempt_duration_seconds')).toBe('histogram');
    expect(metrics.types.get('claude_worker_tasks')).toBe('gauge');
    expect(metrics.types.get('claude_worker_attempts_total')).toBe('counter');
    expect(families).toContain('process_cpu_user_seconds_total');
    expect(families).toContain('nodejs_eventloop_lag_seconds');

    // Tasks by status = the store's counts (the gated task waits in the queue).
    const counts = await store.countByStatus();
    for (const [status, n] of Object.entries(counts)) {
      expect(sampleOf(metrics, 'claude_worker_tasks', { status }), status).toBe(n);
    }
    expect(counts.queued).toBeGreaterThanOrEqual(1);
    expect((await store.getTask(gated.id))?.status).toBe('queued');

    // Attempts, costs, durations from the store's attempt rows.
    const attempts: Attempt[] = [];
    const tasks: Task[] = [];
    for (const task of finished) {
      attempts.push(...(await store.listAttempts(task.id)));
      tasks.push((await store.getTask(task.id))!);
    }
    const done = attempts.filter((a) => a.finished_at !== null);
    const modelOf = new Map(tasks.map((task) => [task.id, task.model]));
    const byKey = new Map<string, number>();
    for (const a of done) {
      const key = `${modelOf.get(a.task_id)}|${outcomeOf(a)}`;
      byKey.set(key, (byKey.get(key) ?? 0) + 1);
    }
    expect([...byKey.keys()].map((k) => k.split('|')[1])).toEqual(
      expect.arrayContaining(['succeeded', 'auth', 'execution_error', 'overloaded', 'cancelled']),
    );
    const served = metrics.samples.filter((s) => s.name === 'claude_worker_attempts_total');
    expect(served).toHaveLength(byKey.size);
    for (const [key, n] of byKey) {
      const [model, outcome] = key.split('|') as [string, string];
      expect(sampleOf(metrics, 'claude_worker_attempts_total', { model, outcome }), key).toBe(n);
    }
    for (const model of new Set(modelOf.values())) {
      const mine = done.filter((a) => modelOf.get(a.task_id) === model);
      const cost = mine.reduce((sum, a) => sum + (a.cost_usd ?? 0), 0);
      expect(sampleOf(metrics, 'claude_worker_cost_usd_total', { model })).toBeCloseTo(cost, 9);
      // Histogram: +Inf and _count are the attempts, each bucket counts those at most its bound, _sum their time.
      const name = 'claude_worker_attempt_duration_seconds';
      expect(sampleOf(metrics, `${name}_count`, { model })).toBe(mine.length);
      expect(sampleOf(metrics, `${name}_bucket`, { model, le: '+Inf' })).toBe(mine.length);
      for (const bound of ATTEMPT_DURATION_BUCKETS) {
        const within = mine.filter((a) => (a.duration_ms ?? 0) <= bound * 1000).length;
        expect(sampleOf(metrics, `${name}_bucket`, { model, le: String(bound) }), `le=${bound}`).toBe(within);
      }
      const seconds = mine.reduce((sum, a) => sum + (a.duration_ms ?? 0), 0) / 1000;
      expect(sampleOf(metrics, `${name}_sum`, { model })).toBeCloseTo(seconds, 6);
    }
    // The successes reported usage (the stand-in's result: 120 in, 340 out), one attempt each.
    const sonnetOk = tasks.filter((task) => task.model === 'sonnet' && task.status === 'completed');
    expect(sonnetOk.length).toBeGreaterThan(0);
    expect(
      sampleOf(metrics, 'claude_worker_tokens_total', { model: 'sonnet', kind: 'output' }),
    ).toBeGreaterThanOrEqual(
      sonnetOk.reduce((sum, task) => sum + Number(task.usage?.['output_tokens'] ?? 0), 0),
    );
    expect(sampleOf(metrics, 'claude_worker_tokens_total', { model: 'opus', kind: 'input' })).toBe(
      tasks
        .filter((task) => task.model === 'opus')
        .reduce((sum, task) => sum + Number(task.usage?.['input_tokens'] ?? 0), 0),
    );

    // Every claimed attempt waited in the queue once; buckets never decrease.
    const waits = QUEUE_WAIT_BUCKETS.map((le) =>
      sampleOf(metrics, 'claude_worker_queue_wait_seconds_bucket', { le: String(le) }),
    );
    expect(sampleOf(metrics, 'claude_worker_queue_wait_seconds_count')).toBe(attempts.length);
    for (let i = 1; i < waits.length; i++) expect(waits[i]!).toBeGreaterThanOrEqual(waits[i - 1]!);

    // The overloaded haiku attempt opened its breaker; no cool-down holds.
    expect(sampleOf(metrics, 'claude_worker_model_gate', { model: 'haiku', kind: 'breaker' })).toBe(1);
    expect(sampleOf(metrics, 'claude_worker_model_gate', { model: 'haiku', kind: 'cooldown' })).toBe(0);
    expect(sampleOf(metrics, 'claude_worker_workers')).toBe(1);
  }, 90_000);

  it('refuses a scrape without the token (401), and serves it when metrics_public is set', async () => {
    const refused = await scrape(t, null);
    expect(refused.status).toBe(401);
    expect(await refused.text()).toMatch(/Authorization: Bearer/);
    expect((await scrape(t, 'wrong')).status).toBe(401);

    const open = await startTestServer({ metrics_public: true });
    try {
      const response = await scrape(open, null);
      expect(response.status).toBe(200);
      expect(
        sampleOf(parsePrometheusText(await response.text()), 'claude_worker_tasks', { status: 'queued' }),
      ).toBe(0);
      // The rest of the API still needs the token.
      expect((await fetch(`${open.server.url}/api/v1/tasks`)).status).toBe(401);
    } finally {
      await open.close();
    }
  }, 60_000);

  it.runIf(APP_STORE_IS_POSTGRES)(
    'serves the same shared figures on every node of one PostgreSQL',
    async () => {
      const other = await startTestServer({ database_url: database!.url });
      try {
        const shared = (e: Exposition) =>
          e.samples
            .filter((s) => s.name.startsWith('claude_worker_') && !s.name.startsWith('claude_worker_workers'))
            .map((s) => `${s.name}${JSON.stringify(s.labels)} ${s.value}`)
            .sort();
        // Both nodes' workers are alive; both nodes count both.
        await waitFor(
          async () => sampleOf(await readMetrics(t), 'claude_worker_workers') === 2,
          'two workers',
        );
        const [a, b] = [await readMetrics(t), await readMetrics(other)];
        expect(shared(b)).toEqual(shared(a));
        expect(sampleOf(b, 'claude_worker_workers')).toBe(2);
      } finally {
        await other.close();
      }
    },
    60_000,
  );
});
