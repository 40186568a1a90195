/**
 * Staged groups as a server use case over REST (what the MCP proxy now calls instead of opening the store): stage
 * tasks one by one, read the group, submit it once as an orchestration that runs; strict bodies and group names are
 * refused in our words, changing nothing; the routes are in /openapi.json.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorOf, startTestServer, waitFor, type TestServer } from './test-server.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t?.close());

async function raw(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const response = await fetch(`${t.server.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${t.server.token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, json: await response.json() };
}

describe('staged groups over REST', () => {
  it('stages tasks, shows the group, submits it once, and the orchestration runs', async () => {
    const first = await t.client.stageTask('release', {
      identifier: 'build',
      execution_prompt: 'Build it',
      working_directory: t.workdir,
    });
    expect(first.tasks.map((s) => s.identifier)).toEqual(['build']);
    const second = await t.client.stageTask('release', {
      identifier: 'ship',
      execution_prompt: 'Ship {{ tasks.build.result }}',
      working_directory: t.workdir,
      depends_on: ['build'],
    });
    expect(second.tasks.map((s) => s.identifier)).toEqual(['build', 'ship']);

    const group = await t.client.getStagedGroup('release');
    expect(group).toMatchObject({ group: 'release', orchestration_id: null, submitted_at: null });
    expect(group.tasks).toHaveLength(2);

    const detail = await t.client.submitStagedGroup('release', { max_parallel: 1 });
    expect(detail).toMatchObject({ name: 'release', max_parallel: 1, task_count: 2 });
    const done = await waitFor(async () => {
      const o = await t.client.getOrchestration(detail.id);
      return o.status === 'completed' ? o : undefined;
    }, 'the submitted group to complete');
    expect(done.tasks.find((x) => x.identifier === 'ship')?.execution_prompt).toContain('done: Build it');

    expect((await t.client.getStagedGroup('release')).orchestration_id).toBe(detail.id);
    const again = await errorOf(() => t.client.submitStagedGroup('release', {}));
    expect(again).toMatchObject({ code: 'conflict' });
    expect(again.message).toContain(`already submitted as orchestration ${detail.id}`);
    const late = await errorOf(() =>
      t.client.stageTask('release', {
        identifier: 'more',
        execution_prompt: 'x',
        working_directory: t.workdir,
      }),
    );
    expect(late).toMatchObject({ code: 'conflict' });
  });

  it('refuses an unknown field, a bad group name, a relative directory and an unknown group, in our words', async () => {
    const unknownField = await raw('POST', '/api/v1/staged-groups/g1/tasks', {
      identifier: 'a',
      execution_prompt: 'A',
      working_directory: t.workdir,
      dependson: ['b'],
    });
    expect(unknownField.status).toBe(400);
    expect(JSON.stringify(unknownField.json)).toContain('dependson');

    const badName = await raw('POST', '/api/v1/staged-groups/bad%20name/tasks', {
      identifier: 'a',
      execution_prompt: 'A',
      working_directory: t.workdir,
    });
    expect(badName.status).toBe(400);
    expect(JSON.stringify(badName.json)).toContain('orchestration_group');

    const relative = await errorOf(() =>
      t.client.stageTask('g1', { identifier: 'a', execution_prompt: 'A', working_directory: 'src' }),
    );
    expect(relative).toMatchObject({ code: 'validation' });
    expect(relative.message).toContain('absolute');

    const extraSetting = await raw('POST', '/api/v1/staged-groups/g1/submit', { parallel: 2 });
    expect(extraSetting.status).toBe(400);

    const unknown = await errorOf(() => t.client.getStagedGroup('never-staged'));
    expect(unknown).toMatchObject({ code: 'not_found' });
    expect(unknown.message).toContain('nothing is staged in "never-staged"');
    // Nothing was staged by the refused calls.
    expect((await errorOf(() => t.client.getStagedGroup('g1'))).code).toBe('not_found');
  });

  it('documents the routes in /openapi.json', async () => {
    const doc = (await raw('GET', '/openapi.json')).json as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/staged-groups/{group}/tasks',
        '/api/v1/staged-groups/{group}',
        '/api/v1/staged-groups/{group}/submit',
      ]),
    );
  });
});
