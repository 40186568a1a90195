/**
 * The dashboard in a real browser, orchestrations side: the graph (one node per task, one edge per dependency,
 * click a node to open its task, Retry a failed task from its node), the workflow editor (a problem shown at its
 * line, submit), the visual builder (two tasks, a dependency drawn by clicking, run), the System view's charts,
 * and axe-core on each.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../api/test-server.js';
import { screenshot, seriousViolations, startDashboard, type Dashboard } from './browser-harness.js';

let dash: Dashboard;

beforeAll(async () => {
  dash = await startDashboard();
}, 60_000);

afterAll(async () => {
  await dash?.close();
});

async function orchestrationFinished(id: number): Promise<void> {
  await waitFor(
    async () => {
      const o = await dash.client.getOrchestration(id);
      return ['completed', 'failed', 'cancelled'].includes(o.status) ? o : undefined;
    },
    `orchestration ${id} to finish`,
    60_000,
  );
}

describe('dashboard: orchestrations', { timeout: 120_000 }, () => {
  it('draws one node per task and one edge per dependency; a node opens its task; a failed node has Retry', async () => {
    const created = await dash.client.createOrchestration({
      name: 'diamond',
      tasks: [
        { identifier: 'plan', execution_prompt: 'Plan', working_directory: dash.workdir },
        {
          identifier: 'left',
          execution_prompt: 'Left',
          working_directory: dash.workdir,
          depends_on: ['plan'],
        },
        {
          identifier: 'right',
          execution_prompt: 'Right [fake:execution_error]',
          working_directory: dash.workdir,
          depends_on: ['plan'],
          max_attempts: 1,
        },
        {
          identifier: 'join',
          execution_prompt: 'Join',
          working_directory: dash.workdir,
          depends_on: ['left', 'right'],
          trigger_rule: 'all_done',
        },
      ],
    });
    await orchestrationFinished(created.id);
    const { context, page } = await dash.signedIn();
    await page.getByRole('link', { name: 'Orchestrations' }).click();
    await page.locator(`[data-orchestration-id="${created.id}"] progress`).waitFor();
    await screenshot(page, 'orchestrations');
    await page.getByRole('link', { name: new RegExp(`#${created.id} diamond`) }).click();

    const nodes = page.locator('[data-task-identifier]');
    await expect.poll(() => nodes.count()).toBe(4);
    for (const id of ['plan', 'left', 'right', 'join']) {
      expect(await page.locator(`[data-task-identifier="${id}"]`).count()).toBe(1);
    }
    const edges = await page
      .locator('[data-edge]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-edge')));
    expect(edges.sort()).toEqual(['left->join', 'plan->left', 'plan->right', 'right->join']);
    await expect(page.locator('[data-task-identifier="right"]').getAttribute('data-status')).resolves.toBe(
      'failed',
    );
    await page.locator('[data-task-identifier="join"]').getByText('all_done').waitFor();
    await screenshot(page, 'orchestration-graph');
    expect(await seriousViolations(page)).toEqual([]);

    // Zoom changes the drawing's scale; the graph still answers clicks.
    const transform = () => page.locator('.graph-svg > g').getAttribute('transform');
    const before = await transform();
    await page.getByRole('button', { name: 'Zoom in' }).click();
    await expect.poll(transform).not.toBe(before);

    // Retry the failed task from its node: it runs again (a second attempt).
    const right = created.tasks.find((t) => t.identifier === 'right')!;
    await page.locator('[data-retry-identifier="right"]').getByText('Retry').click();
    await expect
      .poll(async () => (await dash.client.getTask(right.id)).attempt_count, { timeout: 30_000 })
      .toBe(2);

    await page.locator('[data-task-identifier="left"]').click();
    await page.getByRole('heading', { name: /Task #\d+/ }).waitFor();
    const left = created.tasks.find((t) => t.identifier === 'left')!;
    expect(page.url()).toContain(`/tasks/${left.id}`);
    await context.close();
  });

  it('a large graph (240 tasks) is laid out in the layout worker and draws every node and edge', async () => {
    // One root that waits, so the other 239 stay put while the page draws them.
    const tasks = Array.from({ length: 240 }, (_, i) => ({
      identifier: `t${i}`,
      execution_prompt: i === 0 ? 'Wait [fake:hang]' : `Step ${i}`,
      working_directory: dash.workdir,
      depends_on:
        i === 0
          ? []
          : [...new Set([`t${Math.floor((i - 1) / 2)}`, `t${Math.floor(i / 3)}`])].filter(
              (d) => d !== `t${i}`,
            ),
    }));
    const edges = tasks.flatMap((t) => t.depends_on.map((from) => `${from}->${t.identifier}`));
    const created = await dash.client.createOrchestration({ name: 'large', tasks });
    const { context, page } = await dash.signedIn();
    const refused: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy|Refused/i.test(message.text())) refused.push(message.text());
    });
    await page.goto(`${dash.url}/orchestrations/${created.id}`);
    await page.locator('[data-task-identifier="t239"]').waitFor({ timeout: 100_000 });
    expect(await page.locator('[data-task-identifier]').count()).toBe(240);
    const drawn = await page
      .locator('[data-edge]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-edge')));
    expect(drawn.sort()).toEqual([...edges].sort());
    expect(refused).toEqual([]);

    // Cancel from the page: asked first, then the whole graph stops.
    try {
      await page.getByRole('button', { name: 'Cancel', exact: true }).click();
      await page
        .getByRole('group', {
          name: `Cancel orchestration #${created.id}? Its running tasks stop now and the rest will not run.`,
        })
        .waitFor();
      await page.getByRole('button', { name: 'Cancel the orchestration', exact: true }).click();
      await page.locator('h1 .status', { hasText: 'cancelled' }).waitFor({ timeout: 30_000 });
      expect((await dash.client.getOrchestration(created.id)).status).toBe('cancelled');
    } finally {
      // Never leave the hanging task running for the tests after this one.
      await dash.client.cancelOrchestration(created.id).catch(() => undefined);
    }
    await context.close();
  });

  it('the editor shows a problem at its line, then submits the fixed workflow', async () => {
    const { context, page } = await dash.signedIn();
    await page.getByRole('link', { name: 'Workflows' }).click();
    const editor = page.getByLabel('Workflow document');
    const text = [
      'name: from-the-editor',
      'tasks:',
      '  - identifier: one',
      '    execution_prompt: First',
      `    working_directory: ${dash.workdir}`,
      '  - identifier: two',
      '    execution_prompt: Second',
      `    working_directory: ${dash.workdir}`,
      '    depends_on: [missing]',
    ].join('\n');
    await editor.fill(text);
    const problem = page.locator('[data-problem-line="9"]');
    await problem.waitFor({ timeout: 20_000 });
    await expect(problem.textContent()).resolves.toContain('missing');
    await expect(page.locator('.gutter .has-problem').textContent()).resolves.toBe('9');
    await screenshot(page, 'workflow-editor');
    expect(await seriousViolations(page)).toEqual([]);

    await editor.fill(text.replace('[missing]', '[one]'));
    await page.getByRole('status').filter({ hasText: 'Valid' }).waitFor({ timeout: 20_000 });
    await expect.poll(() => page.locator('[data-edge="one->two"]').count()).toBe(1);
    await page.getByRole('button', { name: 'Dry run' }).click();
    await page.locator('.plan').waitFor();
    await page.getByRole('button', { name: 'Submit' }).click();
    await page.getByRole('heading', { name: /Orchestration #\d+ from-the-editor/ }).waitFor();
    await expect.poll(() => page.locator('[data-task-identifier]').count()).toBe(2);
    await page.locator('[data-edge="one->two"]').waitFor({ state: 'attached' });
    const id = Number(/\/orchestrations\/(\d+)/.exec(page.url())?.[1]);
    await orchestrationFinished(id);
    expect((await dash.client.getOrchestration(id)).status).toBe('completed');
    await context.close();
  });

  it('the visual builder makes a two-task graph by clicking, writes the document, and runs it', async () => {
    const { context, page } = await dash.signedIn();
    await page.getByRole('link', { name: 'Workflows' }).click();
    await page.getByLabel('Workflow document').fill('name: built\ntasks: []\n');
    await page.getByRole('tab', { name: 'Visual builder' }).click();
    await page.getByRole('button', { name: 'Add task' }).click();
    await page.getByRole('button', { name: 'Add task' }).click();
    const first = page.locator('[data-builder-task="0"]');
    const second = page.locator('[data-builder-task="1"]');
    await first.getByLabel('Identifier').fill('fetch');
    await first.getByLabel('Prompt').fill('Fetch the data');
    await first.getByLabel('Working directory').fill(dash.workdir);
    await second.getByLabel('Identifier').fill('report');
    await second.getByLabel('Prompt').fill('Report on it');
    await second.getByLabel('Working directory').fill(dash.workdir);
    await second.getByLabel('Model').fill('haiku');
    // Draw the dependency: click the task, then the one that depends on it.
    await page.locator('[data-task-identifier="fetch"]').click();
    await page.locator('[data-task-identifier="report"]').click();
    await page.locator('[data-edge="fetch->report"]').waitFor({ state: 'attached' });
    await expect(second.getByRole('checkbox', { name: 'fetch' }).isChecked()).resolves.toBe(true);
    await screenshot(page, 'visual-builder');
    expect(await seriousViolations(page)).toEqual([]);
    // The builder wrote the same document the text editor shows.
    await page.getByRole('tab', { name: 'Text' }).click();
    const written = await page.getByLabel('Workflow document').inputValue();
    expect(written).toMatch(/identifier: report[\s\S]*depends_on:\s*\n\s*- fetch/);
    await page.getByRole('status').filter({ hasText: 'Valid' }).waitFor({ timeout: 20_000 });
    await page.getByRole('button', { name: 'Submit' }).click();
    await page.getByRole('heading', { name: /Orchestration #\d+ built/ }).waitFor();
    const id = Number(/\/orchestrations\/(\d+)/.exec(page.url())?.[1]);
    await orchestrationFinished(id);
    const detail = await dash.client.getOrchestration(id);
    expect(detail.status).toBe('completed');
    expect(detail.tasks.find((t) => t.identifier === 'report')?.depends_on).toEqual(['fetch']);
    await page
      .locator('[data-task-identifier="report"][data-status="completed"]')
      .waitFor({ timeout: 20_000 });
    await context.close();
  });

  it('the System view shows health, workers, failure classes and charts per day', async () => {
    const { context, page } = await dash.signedIn();
    await page.getByRole('link', { name: 'System' }).click();
    await page.getByRole('heading', { name: 'Health' }).waitFor();
    await page.getByText(/slots busy/).waitFor();
    await page.getByRole('heading', { name: 'Failure classes' }).waitFor();
    await expect.poll(() => page.locator('.chart canvas').count()).toBe(4);
    await page.getByRole('img', { name: /Tasks per day\. Totals: .*completed: [1-9]/ }).waitFor();
    await screenshot(page, 'system');
    expect(await seriousViolations(page)).toEqual([]);
    await context.close();
  });
});
