/**
 * The orchestration routes through the typed client, against a real server running the Claude Code stand-in:
 * a diamond with a failing branch, validation (every problem at once, nothing created), result passing, adding
 * tasks to a running orchestration, cancelling one, listing by status, and the routes in /openapi.json.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClaudeWorkerClient } from '../../src/client/http-client.js';
import type {
  OrchestrationDetail,
  OrchestrationStatus,
  OrchestrationTask,
} from '../../src/domain/vocabulary.js';
import { errorOf, startTestServer, waitFor, waitForStatus, type TestServer } from './test-server.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t?.close());

type TaskDoc = Record<string, unknown>;

function task(identifier: string, prompt: string, extra: TaskDoc = {}): TaskDoc {
  return { identifier, execution_prompt: prompt, working_directory: t.workdir, ...extra };
}

function byIdentifier(detail: OrchestrationDetail, identifier: string): OrchestrationTask {
  const found = detail.tasks.find((x) => x.identifier === identifier);
  if (!found) throw new Error(`no task "${identifier}" in orchestration ${detail.id}`);
  return found;
}

const FINISHED: OrchestrationStatus[] = ['completed', 'failed', 'cancelled'];

function waitForOrchestration(
  client: ClaudeWorkerClient,
  id: number,
  statuses: OrchestrationStatus[] = FINISHED,
  timeoutMs = 25_000,
): Promise<OrchestrationDetail> {
  return waitFor(
    async () => {
      const detail = await client.getOrchestration(id);
      return statuses.includes(detail.status) ? detail : undefined;
    },
    `orchestration ${id} to be ${statuses.join(' or ')}`,
    timeoutMs,
  );
}

/** How many orchestrations and tasks exist (to show that a refused document created nothing). */
async function stored(): Promise<{ orchestrations: number; tasks: number }> {
  const orchestrations = (await t.client.listOrchestrations({ limit: 500 })).orchestrations.length;
  const tasks = (await t.client.listTasks({ limit: 500 })).tasks.length;
  return { orchestrations, tasks };
}

function startedAfterFinish(later: OrchestrationTask, earlier: OrchestrationTask): boolean {
  return (
    later.started_at !== null &&
    earlier.finished_at !== null &&
    Date.parse(later.started_at) >= Date.parse(earlier.finished_at)
  );
}

describe('orchestrations over REST', () => {
  it('runs a diamond with a failing branch: the join is skipped naming the failed task, the orchestration fails', async () => {
    const created = await t.client.createOrchestration({
      name: 'diamond',
      tasks: [
        task('a', 'Plan the work'),
        task('b', 'Left branch', { depends_on: ['a'] }),
        task('c', '[fake:exit code=1] Right branch', { depends_on: ['a'], max_attempts: 1 }),
        task('d', 'Join both branches', { depends_on: ['b', 'c'] }),
      ],
    });
    expect(created).toMatchObject({ name: 'diamond', task_count: 4 });
    expect(byIdentifier(created, 'a').status).toBe('queued');
    for (const id of ['b', 'c', 'd']) expect(byIdentifier(created, id).status).toBe('waiting');
    expect(byIdentifier(created, 'd').depends_on).toEqual(['b', 'c']);

    const done = await waitForOrchestration(t.client, created.id);
    expect(done.status).toBe('failed');
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((id) => byIdentifier(done, id)) as OrchestrationTask[];
    expect([a?.status, b?.status, c?.status, d?.status]).toEqual([
      'completed',
      'completed',
      'failed',
      'skipped',
    ]);
    expect(d?.status_reason).toMatch(/"c"/);
    expect(d?.status_reason).toMatch(/fail/);
    expect(d?.started_at).toBeNull();
    expect(startedAfterFinish(b!, a!)).toBe(true);
    expect(startedAfterFinish(c!, a!)).toBe(true);
    expect(done.counts).toEqual({
      waiting: 0,
      queued: 0,
      running: 0,
      completed: 2,
      failed: 1,
      cancelled: 0,
      skipped: 1,
    });
    // a and b each report $0.0123; c died before a result, so it recorded no cost.
    expect(done.cost_usd).toBeCloseTo(0.0246, 6);
    expect(done.finished_at).not.toBeNull();

    const listed = await t.client.listTasks({ orchestration_id: created.id });
    expect(listed.tasks.map((x) => x.id).sort()).toEqual(done.tasks.map((x) => x.id).sort());
  });

  it('refuses an invalid document with every problem listed (400), and creates nothing', async () => {
    const before = await stored();
    const document = {
      max_parallel: 0,
      tasks: [
        task('build', 'Build it'),
        task('lint', 'Lint it'),
        task('lint', 'Lint again'),
        task('test', 'Test it', { depends_on: ['buidl'] }),
        task('x', 'X', { depends_on: ['y'] }),
        task('y', 'Y', { depends_on: ['x'] }),
        task('self', 'Me', { depends_on: ['self'] }),
        task('bad id!', 'Badly named'),
        task('notes', 'Notes from {{ tasks.build.result }}'),
        task('relative', 'Here', { working_directory: 'src' }),
        task('gone', 'There', { working_directory: `${t.workdir}/does-not-exist` }),
        task('late', 'Later', { initial_delay: 5000 }),
      ],
    };
    for (const call of [
      () => t.client.createOrchestration(document),
      () => t.client.validateOrchestration(document),
    ]) {
      const err = await errorOf(call);
      expect(err.code).toBe('validation');
      expect(err.data?.['status']).toBe(400);
      const issues = (err.data?.['issues'] ?? []) as Array<{ path: string; message: string }>;
      const lines = issues.map((i) => `${i.path}: ${i.message}`);
      const expected: Array<[string, RegExp]> = [
        ['max_parallel', /at least 1/],
        ['tasks[2].identifier', /"lint" is used twice/],
        ['tasks[3].depends_on[0]', /unknown identifier "buidl"; did you mean "build"\?/],
        ['tasks[4].depends_on[0]', /dependency cycle: x → y → x/],
        ['tasks[6].depends_on[0]', /depends on itself/],
        ['tasks[7].identifier', /not a valid identifier/],
        ['tasks[8].execution_prompt', /"build", which is not a dependency/],
        ['tasks[9].working_directory', /must be an absolute path/],
        ['tasks[10].working_directory', /does not exist/],
        ['tasks[11].initial_delay', /at most 3600/],
      ];
      for (const [path, message] of expected) {
        expect(
          issues.some((i) => i.path === path && message.test(i.message)),
          `${path} ${message} in:\n${lines.join('\n')}`,
        ).toBe(true);
      }
      expect(issues).toHaveLength(expected.length);
      expect(err.message).toContain(`has ${expected.length} problems`);
    }
    expect(await stored()).toEqual(before);
  });

  it('answers problem+json: 400 for a body that is not an orchestration, 415 for YAML', async () => {
    const post = (body: string, contentType: string) =>
      fetch(`${t.server.url}/api/v1/orchestrations`, {
        method: 'POST',
        headers: { authorization: `Bearer ${t.server.token}`, 'content-type': contentType },
        body,
      });
    const notObject = await post('[1, 2]', 'application/json');
    expect(notObject.status).toBe(400);
    expect(notObject.headers.get('content-type')).toContain('application/problem+json');
    const problem = (await notObject.json()) as { code: string; issues: Array<{ message: string }> };
    expect(problem.code).toBe('validation');
    expect(problem.issues[0]?.message).toMatch(/must be an object with a "tasks" list/);

    const yaml = await post('tasks:\n  - identifier: a\n', 'application/yaml');
    expect(yaml.status).toBe(415);
  });

  it('dry run: returns the plan as data and text, and creates nothing', async () => {
    const before = await stored();
    const validation = await t.client.validateOrchestration({
      name: 'plan-only',
      tasks: [
        task('build', 'Build'),
        task('lint', 'Lint'),
        task('test', 'Test {{ tasks.build.result }}', { depends_on: ['build'], initial_delay: 2 }),
      ],
    });
    expect(validation.valid).toBe(true);
    expect(validation.plan.levels).toEqual([['build', 'lint'], ['test']]);
    expect(validation.plan.total_delay_seconds).toBe(2);
    expect(validation.text).toContain('Plan for "plan-only": 3 tasks in 2 levels');
    expect(validation.text).toContain('Level 1 · 2 tasks, in parallel');
    expect(await stored()).toEqual(before);
  });

  it('passes a dependency result into the prompt of the task that uses it', async () => {
    const created = await t.client.createOrchestration({
      tasks: [
        task('a', 'Summarize the repository'),
        task('b', 'use {{ tasks.a.result }}', { depends_on: ['a'] }),
      ],
    });
    const done = await waitForOrchestration(t.client, created.id);
    expect(done.status).toBe('completed');
    const a = byIdentifier(done, 'a');
    const b = byIdentifier(done, 'b');
    expect(a.result).toBe('done: Summarize the repository');
    expect(b.execution_prompt).toBe('use done: Summarize the repository');
    expect(b.result).toBe('done: use done: Summarize the repository');
  });

  it('adds tasks to a running orchestration, checked against its graph, and to a finished one', async () => {
    const created = await t.client.createOrchestration({
      tasks: [task('slow', '[fake:slow steps=8 delay_ms=250] Long job')],
    });
    const slowId = byIdentifier(created, 'slow').id;
    await waitForStatus(t.client, slowId, ['running']);

    const before = await stored();
    const refused = await errorOf(() =>
      t.client.addOrchestrationTasks(created.id, {
        tasks: [task('slow', 'Again'), task('next', 'Next', { depends_on: ['slwo'] })],
      }),
    );
    expect(refused.code).toBe('validation');
    const issues = (refused.data?.['issues'] ?? []) as Array<{ path: string; message: string }>;
    expect(issues.map((i) => i.path)).toEqual(['tasks[0].identifier', 'tasks[1].depends_on[0]']);
    expect(issues[1]?.message).toMatch(/did you mean "slow"/);
    expect(await stored()).toEqual(before);

    const added = await t.client.addOrchestrationTasks(created.id, {
      defaults: { working_directory: t.workdir },
      tasks: [
        { identifier: 'after', execution_prompt: 'After the slow one', depends_on: ['slow'] },
        { identifier: 'alone', execution_prompt: 'Independent' },
      ],
    });
    expect(added.task_count).toBe(3);
    expect(byIdentifier(added, 'after').status).toBe('waiting');
    expect(byIdentifier(added, 'after').depends_on).toEqual(['slow']);
    expect(['queued', 'running', 'completed']).toContain(byIdentifier(added, 'alone').status);

    const done = await waitForOrchestration(t.client, created.id);
    expect(done.status).toBe('completed');
    expect(startedAfterFinish(byIdentifier(done, 'after'), byIdentifier(done, 'slow'))).toBe(true);
    // The independent one did not wait for the slow task.
    expect(Date.parse(byIdentifier(done, 'alone').started_at ?? '')).toBeLessThan(
      Date.parse(byIdentifier(done, 'slow').finished_at ?? ''),
    );

    // A finished dependency satisfies a new task at once; the orchestration runs again, then completes.
    const late = await t.client.addOrchestrationTasks(created.id, {
      tasks: [task('late', 'Uses {{ tasks.slow.result }}', { depends_on: ['slow'] })],
    });
    expect(['queued', 'running', 'completed']).toContain(byIdentifier(late, 'late').status);
    const again = await waitForOrchestration(t.client, created.id);
    expect(again.status).toBe('completed');
    expect(again.task_count).toBe(4);
    expect(byIdentifier(again, 'late').execution_prompt).toBe('Uses done: Long job');
  });

  it('cancels an orchestration: the running task is stopped, waiting ones are cancelled, a second cancel is 409', async () => {
    const created = await t.client.createOrchestration({
      name: 'to-cancel',
      tasks: [
        task('slow', '[fake:slow steps=100 delay_ms=100] Very long job'),
        task('next', 'Next', { depends_on: ['slow'] }),
        task('last', 'Last', { depends_on: ['next'] }),
      ],
    });
    const slowId = byIdentifier(created, 'slow').id;
    await waitForStatus(t.client, slowId, ['running']);

    const requested = await t.client.cancelOrchestration(created.id);
    expect(requested.cancel_requested).toBe(true);
    expect(byIdentifier(requested, 'next').status).toBe('cancelled');
    expect(byIdentifier(requested, 'last').status).toBe('cancelled');
    expect(['running', 'cancelled']).toContain(byIdentifier(requested, 'slow').status);

    const done = await waitForOrchestration(t.client, created.id, FINISHED, 15_000);
    expect(done.status).toBe('cancelled');
    expect(done.counts.cancelled).toBe(3);
    const slow = await t.client.getTask(slowId);
    expect(slow.status).toBe('cancelled');
    expect(slow.result).toBeNull();

    const again = await errorOf(() => t.client.cancelOrchestration(created.id));
    expect(again.code).toBe('conflict');
    expect(again.data?.['status']).toBe(409);
    const missing = await errorOf(() => t.client.cancelOrchestration(999_999));
    expect(missing.code).toBe('not_found');
  });

  it('lists orchestrations newest first, filtered by status, page by page', async () => {
    const ok = await t.client.createOrchestration({ name: 'list-ok', tasks: [task('only', 'Fine')] });
    const bad = await t.client.createOrchestration({
      name: 'list-bad',
      tasks: [task('only', '[fake:execution_error] Broken', { max_attempts: 1 })],
    });
    await waitForOrchestration(t.client, ok.id);
    await waitForOrchestration(t.client, bad.id);

    const failed = await t.client.listOrchestrations({ status: 'failed' });
    expect(failed.orchestrations.map((o) => o.id)).toContain(bad.id);
    expect(failed.orchestrations.map((o) => o.id)).not.toContain(ok.id);
    expect(failed.orchestrations.every((o) => o.status === 'failed')).toBe(true);

    const both = await t.client.listOrchestrations({ status: ['completed', 'failed'] });
    const ids = both.orchestrations.map((o) => o.id);
    expect(ids).toContain(ok.id);
    expect(ids).toContain(bad.id);
    expect(ids.indexOf(bad.id)).toBeLessThan(ids.indexOf(ok.id));
    expect((await t.client.listOrchestrations({ status: 'running' })).orchestrations).toEqual([]);

    const first = await t.client.listOrchestrations({ limit: 1 });
    expect(first.orchestrations.map((o) => o.id)).toEqual([bad.id]);
    expect(first.next_cursor).not.toBeNull();
    const second = await t.client.listOrchestrations({ limit: 1, cursor: first.next_cursor ?? undefined });
    expect(second.orchestrations.map((o) => o.id)).toEqual([ok.id]);

    const wrong = await errorOf(() => t.client.listOrchestrations({ status: 'done' as OrchestrationStatus }));
    expect(wrong.code).toBe('validation');
    expect(wrong.message).toMatch(/unknown orchestration status "done"/);
    const unknown = await errorOf(() => t.client.getOrchestration(999_999));
    expect(unknown.code).toBe('not_found');
  });

  it('documents the orchestration routes in /openapi.json', async () => {
    const response = await fetch(`${t.server.url}/openapi.json`, {
      headers: { authorization: `Bearer ${t.server.token}` },
    });
    const doc = (await response.json()) as {
      paths: Record<
        string,
        Record<
          string,
          {
            requestBody?: { content: Record<string, { schema: Record<string, unknown> }> };
            responses: Record<string, unknown>;
          }
        >
      >;
    };
    const operations = Object.entries(doc.paths)
      .filter(([path]) => path.startsWith('/api/v1/orchestrations'))
      .flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`));
    expect(operations.sort()).toEqual(
      [
        'POST /api/v1/orchestrations',
        'GET /api/v1/orchestrations',
        'POST /api/v1/orchestrations/validate',
        'POST /api/v1/orchestrations/validate-document',
        'GET /api/v1/orchestrations/{id}',
        'POST /api/v1/orchestrations/{id}/cancel',
        'POST /api/v1/orchestrations/{id}/tasks',
      ].sort(),
    );
    const create = doc.paths['/api/v1/orchestrations']?.['post'];
    const body = create?.requestBody?.content['application/json']?.schema as {
      properties: Record<string, unknown>;
    };
    expect(Object.keys(body.properties).sort()).toEqual([
      'budget_usd',
      'defaults',
      'max_parallel',
      'name',
      'notify',
      'tasks',
    ]);
    expect(Object.keys(create?.responses ?? {})).toEqual(expect.arrayContaining(['201', '400']));
  });
});
