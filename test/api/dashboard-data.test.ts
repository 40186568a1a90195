/**
 * The data the dashboard reads, on a real server (either store): the task list's filters (model, tag,
 * orchestration, text in the prompt) with cursor paging and our words for bad values; tasks, cost and failure
 * classes per UTC day, checked against the tasks themselves; the workflow editor's check, each problem at its line;
 * and the System view's state in one call.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Task } from '../../src/domain/vocabulary.js';
import { errorOf, startTestServer, waitForStatus, type TestServer } from './test-server.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t.close();
});

async function get(path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const answer = await fetch(`${t.server.url}${path}`, {
    headers: { authorization: `Bearer ${t.server.token}` },
  });
  return { status: answer.status, body: (await answer.json()) as Record<string, unknown> };
}

async function allPages(query: Record<string, string>, limit: number): Promise<Task[]> {
  const seen: Task[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 100; page++) {
    const params = new URLSearchParams({ ...query, limit: String(limit), ...(cursor ? { cursor } : {}) });
    const { status, body } = await get(`/api/v1/tasks?${params}`);
    expect(status).toBe(200);
    const tasks = body['tasks'] as Task[];
    expect(tasks.length).toBeLessThanOrEqual(limit);
    seen.push(...tasks);
    cursor = (body['next_cursor'] as string | null) ?? undefined;
    if (!cursor) return seen;
  }
  throw new Error('paging did not end');
}

describe('task list filters', () => {
  it('filters by model, tag, orchestration and prompt text, newest first, page by page', async () => {
    const make = (execution_prompt: string, extra: Record<string, unknown> = {}) =>
      t.client.createTask({ execution_prompt, working_directory: t.workdir, ...extra });
    const a = await make('Find the NEEDLE in src', { model: 'haiku', tags: ['web'] });
    const b = await make('a needle again', { model: 'sonnet' });
    const c = await make('nothing to see', { model: 'haiku' });
    const d = await make('100% literal_percent', { model: 'sonnet', tags: ['web'] });
    const e = await make('Needle number three', { model: 'haiku' });
    const orchestration = await t.client.createOrchestration({
      defaults: { model: 'opus' },
      tasks: [
        { identifier: 'one', execution_prompt: 'orchestrated needle', working_directory: t.workdir },
        { identifier: 'two', execution_prompt: 'second', working_directory: t.workdir, depends_on: ['one'] },
      ],
    });
    const ids = (tasks: Task[]) => tasks.map((x) => x.id);
    const orchestrated = orchestration.tasks.map((x) => x.id).sort((x, y) => y - x);
    const oneId = orchestration.tasks.find((x) => x.identifier === 'one')!.id;

    expect(ids(await allPages({ model: 'haiku' }, 2))).toEqual([e.id, c.id, a.id]);
    expect(ids(await allPages({ tag: 'web' }, 1))).toEqual([d.id, a.id]);
    expect(ids(await allPages({ q: 'needle' }, 2))).toEqual([oneId, e.id, b.id, a.id]);
    expect(ids(await allPages({ q: 'needle', model: 'haiku' }, 5))).toEqual([e.id, a.id]);
    expect(ids(await allPages({ q: '%' }, 5))).toEqual([d.id]);
    expect(ids(await allPages({ q: '_percent' }, 5))).toEqual([d.id]);
    expect(ids(await allPages({ q: 'e_p' }, 5))).toEqual([]); // _ is a letter here, not a wildcard
    expect(ids(await allPages({ orchestration: String(orchestration.id) }, 1))).toEqual(orchestrated);
    expect(ids(await allPages({ orchestration_id: String(orchestration.id), q: 'needle' }, 1))).toEqual([
      oneId,
    ]);
    expect(ids((await t.client.listTasks({ model: 'sonnet', q: 'NEEDLE' })).tasks)).toEqual([b.id]);
  });

  it('refuses bad filter values in our words', async () => {
    const cases: [string, RegExp][] = [
      ['model=not%20a%20model!', /model is a model name/],
      [`q=${'x'.repeat(201)}`, /q is at most 200 characters/],
      ['q=', /q is the text to find in prompts/],
      ['orchestration=abc', /orchestration is a positive whole number/],
      ['orchestration=1&orchestration_id=2', /name different orchestrations/],
      ['tag=has%20space', /a tag is 1–64 letters/],
    ];
    for (const [query, says] of cases) {
      const { status, body } = await get(`/api/v1/tasks?${query}`);
      expect(status, query).toBe(400);
      expect(String(body['detail']), query).toMatch(says);
    }
    const err = await errorOf(() => t.client.listTasks({ model: 'bad model' }));
    expect(err.code).toBe('validation');
  });
});

describe('GET /api/v1/stats/daily', () => {
  it('counts the tasks that finished today by status and model, with their cost and failure classes', async () => {
    const ok = await t.client.createTask({
      execution_prompt: 'fine',
      working_directory: t.workdir,
      model: 'opus',
    });
    const bad = await t.client.createTask({
      execution_prompt: '[fake:auth_failed] x',
      working_directory: t.workdir,
      model: 'haiku',
    });
    const hung = await t.client.createTask({
      execution_prompt: '[fake:hang] x',
      working_directory: t.workdir,
    });
    await waitForStatus(t.client, ok.id, ['completed']);
    await waitForStatus(t.client, bad.id, ['failed']);
    await waitForStatus(t.client, hung.id, ['running']);
    await t.client.cancelTask(hung.id);
    await waitForStatus(t.client, hung.id, ['cancelled']);
    // Everything else this file created must have finished too, so the day's figures are final.
    const everything = await allPages({}, 500);
    for (const task of everything) {
      if (!['completed', 'failed', 'cancelled', 'skipped'].includes(task.status)) {
        await waitForStatus(t.client, task.id, ['completed', 'failed', 'cancelled', 'skipped'], 60_000);
      }
    }
    const finished = await allPages({}, 500);
    const today = new Date().toISOString().slice(0, 10);
    const expected = { completed: 0, failed: 0, cancelled: 0, skipped: 0 } as Record<string, number>;
    const byModel: Record<string, { tasks: number; cost_usd: number }> = {};
    let cost = 0;
    for (const task of finished) {
      if (task.finished_at?.slice(0, 10) !== today) continue;
      expected[task.status] = (expected[task.status] ?? 0) + 1;
      const m = (byModel[task.model] ??= { tasks: 0, cost_usd: 0 });
      m.tasks += 1;
      m.cost_usd += task.cost_usd ?? 0;
      cost += task.cost_usd ?? 0;
    }
    expect(expected['completed']).toBeGreaterThan(0);
    expect(expected['failed']).toBeGreaterThanOrEqual(1);
    expect(expected['cancelled']).toBeGreaterThanOrEqual(1);

    const stats = await t.client.dailyStats(3);
    expect(stats.days.map((d) => d.date)).toHaveLength(3);
    const day = stats.days[2]!;
    expect(day.date).toBe(today);
    expect(day.tasks).toEqual(expected);
    expect(day.cost_usd).toBeCloseTo(cost, 6);
    expect(Object.keys(day.by_model).sort()).toEqual(Object.keys(byModel).sort());
    for (const [model, figures] of Object.entries(byModel)) {
      expect(day.by_model[model]?.tasks, model).toBe(figures.tasks);
      expect(day.by_model[model]?.cost_usd, model).toBeCloseTo(figures.cost_usd, 6);
    }
    expect(day.failure_classes['auth']).toBe(1);
    expect(day.failure_classes).not.toHaveProperty('cancelled'); // a cancel is asked for, not a failure
    expect(stats.days[0]!.tasks).toEqual({ completed: 0, failed: 0, cancelled: 0, skipped: 0 });

    expect((await t.client.dailyStats()).days).toHaveLength(30);
    for (const query of ['days=0', 'days=366', 'days=x']) {
      const { status, body } = await get(`/api/v1/stats/daily?${query}`);
      expect(status, query).toBe(400);
      expect(String(body['detail'])).toMatch(/days is a whole number from 1 to 365/);
    }
  });
});

describe('POST /api/v1/orchestrations/validate-document', () => {
  const validate = (document: string, format?: 'yaml' | 'json') =>
    t.client.validateDocument({ document, ...(format ? { format } : {}) });

  it('a valid document: no problems, the graph with its edges, trigger rules and delays', async () => {
    const yaml = [
      'name: release',
      'defaults:',
      `  working_directory: ${t.workdir}`,
      'tasks:',
      '  - identifier: build',
      '    execution_prompt: |',
      '      Build it',
      '      carefully',
      '  - identifier: test',
      '    execution_prompt: Test it',
      '    depends_on: [build]',
      '    initial_delay: 30',
      '    trigger_rule: all_done',
    ].join('\n');
    const result = await validate(yaml);
    expect(result).toEqual({
      valid: true,
      problems: [],
      graph: {
        tasks: [
          expect.objectContaining({
            identifier: 'build',
            prompt_first_line: 'Build it',
            depends_on: [],
            line: 5,
          }),
          expect.objectContaining({
            identifier: 'test',
            depends_on: ['build'],
            trigger_rule: 'all_done',
            delay_seconds: 30,
            line: 9,
          }),
        ],
        edges: [{ from: 'build', to: 'test' }],
      },
    });
  });

  it('puts each problem at its line and column: unknown dependency, misspelt field, missing prompt, bad value', async () => {
    const yaml = [
      'defualts:', //                                      1: unknown top-level field
      '  model: opus',
      'tasks:',
      '  - identifier: build', //                          4
      `    working_directory: ${t.workdir}`,
      '  - identifier: test', //                           6
      '    execution_prompt: Test it',
      `    working_directory: ${t.workdir}`,
      '    depends_on: [buidl]', //                        9: unknown identifier
      '    trigger_rule: sometimes', //                    10: bad value
    ].join('\n');
    const result = await validate(yaml, 'yaml');
    expect(result.valid).toBe(false);
    const at = (pattern: RegExp) => result.problems.find((p) => pattern.test(p.message));
    expect(at(/unknown field "defualts"; did you mean "defaults"/)).toMatchObject({ line: 1, column: 1 });
    expect(at(/unknown identifier "buidl"; did you mean "build"/)).toMatchObject({
      line: 9,
      column: 18,
      path: 'tasks[1].depends_on[0]',
    });
    expect(at(/execution_prompt/)).toMatchObject({ line: 4, path: expect.stringMatching(/^tasks\[0\]/) });
    expect(at(/trigger_rule|sometimes/)).toMatchObject({ line: 10 });
    // The graph is still drawn from what could be read.
    expect(result.graph.tasks.map((x) => x.identifier)).toEqual(['build', 'test']);
    expect(result.graph.edges).toEqual([]);

    // The same messages as submitting the document.
    const submitted = await errorOf(() =>
      t.client.createOrchestration({
        defualts: { model: 'opus' },
        tasks: [
          { identifier: 'build', working_directory: t.workdir },
          {
            identifier: 'test',
            execution_prompt: 'Test it',
            working_directory: t.workdir,
            depends_on: ['buidl'],
            trigger_rule: 'sometimes',
          },
        ],
      }),
    );
    const issues = (submitted.data?.['issues'] as { message: string }[]).map((i) => i.message).sort();
    expect(result.problems.map((p) => p.message).sort()).toEqual(issues);
  });

  it('JSON: a dependency loop at its tasks, and a syntax error at its line', async () => {
    const json = JSON.stringify(
      {
        tasks: [
          { identifier: 'a', execution_prompt: 'A', working_directory: t.workdir, depends_on: ['b'] },
          { identifier: 'b', execution_prompt: 'B', working_directory: t.workdir, depends_on: ['a'] },
        ],
      },
      null,
      2,
    );
    const loop = await validate(json);
    expect(loop.valid).toBe(false);
    const problem = loop.problems.find((p) => /loop|cycle/i.test(p.message));
    expect(problem).toBeDefined();
    const line = json.split('\n')[problem!.line - 1] ?? '';
    expect(problem!.line).toBeGreaterThan(2);
    expect(line).toMatch(/"identifier"|\{|"depends_on"|"a"|"b"/);
    expect(loop.graph.edges).toEqual([
      { from: 'b', to: 'a' },
      { from: 'a', to: 'b' },
    ]);

    const broken = '{\n  "tasks": [\n    {"identifier": "a",}\n  ]\n}';
    const syntax = await validate(broken, 'json');
    expect(syntax.valid).toBe(false);
    expect(syntax.problems[0]).toMatchObject({ line: 3 });
    expect(syntax.problems[0]!.message).toMatch(/not valid JSON at line 3/);

    const yamlBroken = await validate('tasks:\n  - identifier: a\n\t execution_prompt: x\n');
    expect(yamlBroken.problems[0]).toMatchObject({ line: 3 });
  });

  it('refuses an alias bomb as a problem, without expanding it', async () => {
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 10; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      lines.push(`${name}: &${name} [${Array(10).fill(`*${prev}`).join(',')}]`);
    }
    lines.push('tasks: *j');
    const result = await validate(lines.join('\n'), 'yaml');
    expect(result.valid).toBe(false);
    expect(result.problems[0]!.message).toMatch(/alias expansion bomb/);
    expect(result.problems[0]!.line).toBe(2);
  });

  it('a request without document text is a 400', async () => {
    const err = await errorOf(() => t.client.validateDocument({ format: 'yaml' } as never));
    expect(err.code).toBe('validation');
    expect(err.message).toMatch(/document is the workflow text/);
  });
});

describe('GET /api/v1/system', () => {
  it('has health (worker, concurrency, admission, gates), workers and every failure class with its suggestion', async () => {
    const system = await t.client.system();
    const health = system.health as { worker: { concurrency: number }; admission: object; models: unknown[] };
    expect(health.worker.concurrency).toBe(t.config.concurrency);
    expect(health.admission).toHaveProperty('blocked');
    expect(Array.isArray(health.models)).toBe(true);
    expect(system.workers.length).toBeGreaterThanOrEqual(1);
    const rateLimit = system.failure_classes.find((c) => c.code === 'rate_limit');
    expect(rateLimit).toMatchObject({ retryable: true, suggestion: expect.stringMatching(/cool-down/) });
  });
});
