/**
 * The MCP test suite every transport and mode runs: what a lead agent does (stage a graph a → b → c, submit it,
 * wait for c with progress, read results and logs) and what it gets wrong (each bad input returns a tool error that
 * names the field and the fix). `context()` gives the connected client and a project folder for tasks.
 */
import { it, expect } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { callTool } from './mcp-harness.js';

export interface FlowContext {
  client: Client;
  work: string;
}

const TOOLS = [
  'cancel_task',
  'create_task',
  'get_orchestration_status',
  'get_task_logs',
  'get_task_result',
  'get_task_status',
  'list_orchestrations',
  'list_tasks',
  'submit_orchestration',
  'wait_for_task',
];

export function defineMcpSuite(context: () => FlowContext): void {
  it('lists the tools, with their input and output schemas', async () => {
    const { tools } = await context().client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(TOOLS);
    const create = tools.find((t) => t.name === 'create_task');
    expect(create?.inputSchema.required).toEqual(
      expect.arrayContaining(['execution_prompt', 'working_directory']),
    );
    expect(Object.keys(create?.inputSchema.properties ?? {})).toEqual(
      expect.arrayContaining([
        'orchestration_group',
        'task_identifier',
        'depends_on',
        'wait_after_dependencies',
        'runs_on',
      ]),
    );
    expect(create?.outputSchema).toBeDefined();
    expect(create?.description).toMatch(/STAGED/);
  });

  it('stages a → b → c, submits it once, waits for c and reads results and logs', async () => {
    const { client, work } = context();
    const group = `graph-${Date.now()}`;
    const stage = (id: string, deps: string[]) =>
      callTool(client, 'create_task', {
        execution_prompt: `Step ${id} of the release`,
        working_directory: work,
        orchestration_group: group,
        task_identifier: id,
        ...(deps.length > 0 ? { depends_on: deps } : {}),
      });
    const a = await stage('a', []);
    expect(a.isError).toBe(false);
    expect(a.data).toMatchObject({ staged: true, task: null, orchestration_group: group });
    expect(a.text).toContain('submit_orchestration');
    await stage('b', ['a']);
    const c = await stage('c', ['b']);
    expect(c.data.staged_tasks).toEqual([
      { identifier: 'a', depends_on: [] },
      { identifier: 'b', depends_on: ['a'] },
      { identifier: 'c', depends_on: ['b'] },
    ]);
    const listedBefore = await callTool(client, 'list_tasks', {});
    expect(listedBefore.data.tasks.some((t: { identifier: string | null }) => t.identifier === 'c')).toBe(
      false,
    );

    const submitted = await callTool(client, 'submit_orchestration', { orchestration_group: group });
    expect(submitted.isError, submitted.text).toBe(false);
    const orchestrationId: number = submitted.data.orchestration.id;
    const ids: Record<string, number> = submitted.data.task_ids;
    expect(Object.keys(ids).sort()).toEqual(['a', 'b', 'c']);
    expect(submitted.data.orchestration.name).toBe(group);

    const again = await callTool(client, 'submit_orchestration', { orchestration_group: group });
    expect(again.isError).toBe(true);
    expect(again.text).toContain(`already submitted as orchestration ${orchestrationId}`);

    const progress: number[] = [];
    const waited = await callTool(
      client,
      'wait_for_task',
      { task_id: ids['c'], timeout_seconds: 40 },
      { onprogress: (p) => progress.push(p.progress), timeoutMs: 60_000 },
    );
    expect(waited.isError, waited.text).toBe(false);
    expect(waited.data).toMatchObject({
      finished: true,
      timed_out: false,
      result: 'done: Step c of the release',
    });
    expect(waited.data.task.status).toBe('completed');
    expect(progress.length).toBeGreaterThan(0);

    const result = await callTool(client, 'get_task_result', { task_id: ids['a'] });
    expect(result.data).toMatchObject({
      finished: true,
      status: 'completed',
      result: 'done: Step a of the release',
    });

    const logs = await callTool(client, 'get_task_logs', { task_id: ids['b'], max_bytes: 2048 });
    expect(logs.isError, logs.text).toBe(false);
    expect(logs.data.text.length).toBeGreaterThan(0);
    expect(Buffer.byteLength(logs.data.text)).toBeLessThanOrEqual(2048);

    const status = await callTool(client, 'get_orchestration_status', { orchestration_id: orchestrationId });
    expect(status.data.orchestration.status).toBe('completed');
    const tasks: Array<{ identifier: string; started_at: string; finished_at: string }> =
      status.data.orchestration.tasks;
    const byId = Object.fromEntries(tasks.map((t) => [t.identifier, t]));
    // Each started only after the one it depends on had finished.
    expect(Date.parse(byId['b']!.started_at)).toBeGreaterThanOrEqual(Date.parse(byId['a']!.finished_at));
    expect(Date.parse(byId['c']!.started_at)).toBeGreaterThanOrEqual(Date.parse(byId['b']!.finished_at));

    const listed = await callTool(client, 'list_orchestrations', {});
    expect(listed.data.orchestrations.map((o: { id: number }) => o.id)).toContain(orchestrationId);
  });

  it('takes runs_on: the task waits for a worker with that label and says so', async () => {
    const { client, work } = context();
    const created = await callTool(client, 'create_task', {
      execution_prompt: 'Only on the GPU box',
      working_directory: work,
      runs_on: ['gpu-box'],
    });
    expect(created.isError, created.text).toBe(false);
    expect(created.data.task.runs_on).toEqual(['gpu-box']);
    const status = await callTool(client, 'get_task_status', { task_id: created.data.task.id });
    expect(status.text + JSON.stringify(status.data)).toContain('waiting for a worker with label gpu-box');
    await callTool(client, 'cancel_task', { task_id: created.data.task.id });

    // Staged: a labelled task's folder lives on the labelled machine, so it need not exist here.
    const group = `labels-${Date.now()}`;
    const staged = await callTool(client, 'create_task', {
      execution_prompt: 'Train on the GPU box',
      working_directory: `${work}/only-on-the-gpu-box`,
      runs_on: ['gpu-box'],
      orchestration_group: group,
      task_identifier: 'train',
    });
    expect(staged.isError, staged.text).toBe(false);
    const submitted = await callTool(client, 'submit_orchestration', { orchestration_group: group });
    expect(submitted.isError, submitted.text).toBe(false);
    const train = await callTool(client, 'get_task_status', { task_id: submitted.data.task_ids.train });
    expect(train.text + JSON.stringify(train.data)).toContain('waiting for a worker with label gpu-box');
    const cancelled = await callTool(client, 'cancel_task', { task_id: submitted.data.task_ids.train });
    expect(cancelled.isError, cancelled.text).toBe(false);
  });

  it('runs a task at once without orchestration_group, and cancels a queued one', async () => {
    const { client, work } = context();
    const created = await callTool(client, 'create_task', {
      execution_prompt: 'Summarise the README',
      working_directory: work,
      model: 'haiku',
    });
    expect(created.isError, created.text).toBe(false);
    expect(created.data.staged).toBe(false);
    expect(created.data.task.model).toBe('haiku');
    const waited = await callTool(client, 'wait_for_task', {
      task_id: created.data.task.id,
      timeout_seconds: 30,
    });
    expect(waited.data.result).toBe('done: Summarise the README');

    const hanging = await callTool(client, 'create_task', {
      execution_prompt: '[fake:hang] wait forever',
      working_directory: work,
    });
    const cancelled = await callTool(client, 'cancel_task', { task_id: hanging.data.task.id });
    expect(cancelled.isError, cancelled.text).toBe(false);
    const ended = await callTool(client, 'wait_for_task', {
      task_id: hanging.data.task.id,
      timeout_seconds: 30,
    });
    expect(ended.data.task.status).toBe('cancelled');
    const cancelAgain = await callTool(client, 'cancel_task', { task_id: hanging.data.task.id });
    expect(cancelAgain.isError).toBe(true);
  });

  it('answers bad calls with a tool error that names the field and the fix', async () => {
    const { client, work } = context();
    const create = (args: Record<string, unknown>) => callTool(client, 'create_task', args);

    const relative = await create({ execution_prompt: 'x', working_directory: 'src/app' });
    expect(relative.isError).toBe(true);
    expect(relative.text).toMatch(/working_directory must be an absolute path, got "src\/app"/);

    const missing = await create({ execution_prompt: 'x' });
    expect(missing.isError).toBe(true);
    expect(missing.text).toMatch(/working_directory is missing; pass the absolute path/);

    const nowhere = await create({ execution_prompt: 'x', working_directory: `${work}/does-not-exist` });
    expect(nowhere.isError).toBe(true);
    expect(nowhere.text).toMatch(/working_directory: .*does not exist/);

    const model = await create({ execution_prompt: 'x', working_directory: work, model: 'gpt-4' });
    expect(model.isError).toBe(true);
    expect(model.text).toMatch(/unknown model "gpt-4". Use one of sonnet, opus, haiku/);

    const group = `bad-${Date.now()}`;
    const first = await create({
      execution_prompt: 'x',
      working_directory: work,
      orchestration_group: group,
      task_identifier: 'dup',
    });
    expect(first.isError, first.text).toBe(false);
    const twice = await create({
      execution_prompt: 'y',
      working_directory: work,
      orchestration_group: group,
      task_identifier: 'dup',
    });
    expect(twice.isError).toBe(true);
    expect(twice.text).toMatch(/task_identifier: .*"dup" is already staged in group/);

    const noId = await create({ execution_prompt: 'x', working_directory: work, orchestration_group: group });
    expect(noId.isError).toBe(true);
    expect(noId.text).toMatch(/task_identifier: is required with orchestration_group/);

    const depsAlone = await create({ execution_prompt: 'x', working_directory: work, depends_on: ['dup'] });
    expect(depsAlone.isError).toBe(true);
    expect(depsAlone.text).toMatch(/depends_on: only applies to a staged task/);

    await create({
      execution_prompt: 'x',
      working_directory: work,
      orchestration_group: group,
      task_identifier: 'needs',
      depends_on: ['duq', 'ghost'],
    });
    const unknownDep = await callTool(client, 'submit_orchestration', { orchestration_group: group });
    expect(unknownDep.isError).toBe(true);
    expect(unknownDep.text).toContain(
      'task "needs" depends_on[0]: unknown identifier "duq"; did you mean "dup"?',
    );
    expect(unknownDep.text).toContain('task "needs" depends_on[1]: unknown identifier "ghost"');
    expect(unknownDep.text).toContain('Nothing was submitted');

    const loop = `loop-${Date.now()}`;
    for (const [id, dep] of [
      ['p', 'q'],
      ['q', 'r'],
      ['r', 'p'],
    ] as const) {
      await create({
        execution_prompt: 'x',
        working_directory: work,
        orchestration_group: loop,
        task_identifier: id,
        depends_on: [dep],
      });
    }
    const cycle = await callTool(client, 'submit_orchestration', { orchestration_group: loop });
    expect(cycle.isError).toBe(true);
    expect(cycle.text).toMatch(/dependency cycle: ([pqr]) → [pqr] → [pqr] → \1/);

    const empty = await callTool(client, 'submit_orchestration', { orchestration_group: 'never-staged' });
    expect(empty.isError).toBe(true);
    expect(empty.text).toMatch(/nothing is staged in "never-staged"/);

    const neither = await callTool(client, 'submit_orchestration', {});
    expect(neither.isError).toBe(true);
    expect(neither.text).toMatch(/either orchestration_group .* or workflow/);

    const unknownTask = await callTool(client, 'get_task_status', { task_id: 987654 });
    expect(unknownTask.isError).toBe(true);
    expect(unknownTask.text).toMatch(/Task 987654 does not exist. list_tasks/);

    const unknownWait = await callTool(client, 'wait_for_task', { task_id: 987654, timeout_seconds: 1 });
    expect(unknownWait.isError).toBe(true);
    expect(unknownWait.text).toMatch(/Task 987654 does not exist/);

    const typo = await create({ execution_prompt: 'x', working_directory: work, prompt: 'y' });
    expect(typo.isError).toBe(true);
    expect(typo.text).toMatch(/"prompt"/);
  });

  it('submits a whole workflow document at once, and refuses a bad one listing every problem', async () => {
    const { client, work } = context();
    const ok = await callTool(client, 'submit_orchestration', {
      workflow: {
        name: 'inline',
        tasks: [
          { identifier: 'one', execution_prompt: 'First', working_directory: work },
          {
            identifier: 'two',
            execution_prompt: 'Use {{ tasks.one.result }}',
            working_directory: work,
            depends_on: ['one'],
          },
        ],
      },
    });
    expect(ok.isError, ok.text).toBe(false);
    const waited = await callTool(client, 'wait_for_task', {
      task_id: ok.data.task_ids.two,
      timeout_seconds: 40,
    });
    expect(waited.data.result).toBe('done: Use done: First');

    const bad = await callTool(client, 'submit_orchestration', {
      workflow: {
        tasks: [{ identifier: 'x', execution_prompt: 'y', working_directory: 'rel', depends_on: ['x'] }],
      },
    });
    expect(bad.isError).toBe(true);
    expect(bad.text).toMatch(/tasks\[0\]\.working_directory/);
    expect(bad.text).toMatch(/depends on itself/);
  });
}
