/**
 * The dashboard in a real browser, tasks side: sign-in (one-time link, used link, pasted token, nothing secret left
 * in the URL or history), the live task table, a task's log and transcript, Cancel and Retry, the new-task form's
 * messages at their field, the phone width, and axe-core.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitForStatus } from '../api/test-server.js';
import { screenshot, seriousViolations, startDashboard, type Dashboard } from './browser-harness.js';

let dash: Dashboard;

beforeAll(async () => {
  dash = await startDashboard();
}, 60_000);

afterAll(async () => {
  await dash?.close();
});

describe('dashboard: signing in', { timeout: 120_000 }, () => {
  it('a one-time link signs in once and leaves no code in the address bar or history; used again, it says so', async () => {
    const link = await dash.link();
    const code = /#code=(.+)$/.exec(link)?.[1];
    expect(code).toBeTruthy();
    const context = await dash.browser.newContext();
    const page = await context.newPage();
    await page.goto(link);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Tasks' }).waitFor();
    await page.getByRole('link', { name: 'Orchestrations' }).waitFor();
    expect(page.url()).not.toContain(code!);
    const html = await page.content();
    expect(html).not.toContain(code!);
    expect(html).not.toContain(dash.server.token);
    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name === 'claude_worker_session');
    expect(session?.httpOnly).toBe(true);
    expect(session?.sameSite).toBe('Strict');
    // Back does not lead to the link with its code.
    expect(await page.evaluate<number>('history.length')).toBeLessThanOrEqual(2);
    await context.close();

    // The same link in another browser: refused, and the page says why, with the sign-in form.
    const other = await dash.browser.newContext();
    const again = await other.newPage();
    await again.goto(link);
    await again
      .getByRole('alert')
      .filter({ hasText: /link cannot be used/ })
      .waitFor();
    await again.getByLabel('API token').waitFor();
    await screenshot(again, 'sign-in');
    expect(again.url()).not.toContain(code!);
    await other.close();
  });

  it('a signed-out visit shows the sign-in form; a pasted token signs in; Sign out ends the session', async () => {
    const context = await dash.browser.newContext();
    const page = await context.newPage();
    await page.goto(dash.url);
    await page.getByLabel('API token').fill('not-the-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').waitFor();
    await page.getByLabel('API token').fill(dash.server.token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: 'Orchestrations' }).waitFor();
    expect(await page.content()).not.toContain(dash.server.token);
    expect(page.url()).not.toContain(dash.server.token);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API token').waitFor();
    await page.reload();
    await page.getByLabel('API token').waitFor();
    await context.close();
  });
});

describe('dashboard: tasks', { timeout: 120_000 }, () => {
  it('a new task appears in the table and turns completed without a reload; its log and transcript read', async () => {
    const { context, page } = await dash.signedIn();
    await page.getByRole('heading', { name: 'Tasks' }).waitFor();
    const task = await dash.client.createTask({
      execution_prompt: 'Summarise the web test [fake:slow steps=4 delay_ms=400]',
      working_directory: dash.workdir,
    });
    const row = page.locator(`[data-task-id="${task.id}"]`);
    await row.waitFor();
    await expect.poll(() => row.locator('.status').textContent(), { timeout: 30_000 }).toBe('completed');
    await expect(row.textContent()).resolves.toContain('Summarise the web test');
    await screenshot(page, 'tasks');

    await row.getByRole('link', { name: `#${task.id}` }).click();
    await page.getByRole('heading', { name: `Task #${task.id}` }).waitFor();
    await page.getByRole('heading', { name: 'Result' }).waitFor();
    await expect.poll(() => page.getByTestId('task-log').textContent()).toContain('step 4');
    await page.getByRole('tab', { name: 'Transcript' }).click();
    const tool = page.locator('.transcript details').first();
    await tool.locator('summary').click();
    await expect(tool.textContent()).resolves.toContain('step 1 ok');
    await screenshot(page, 'task');
    expect(await seriousViolations(page)).toEqual([]);
    await context.close();
  });

  it('Cancel asks first, then stops a running task; Retry runs a failed one again', async () => {
    const { context, page } = await dash.signedIn();
    const cancels: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST' && request.url().endsWith('/cancel')) cancels.push(request.url());
    });
    const running = await dash.client.createTask({
      execution_prompt: 'Wait [fake:hang]',
      working_directory: dash.workdir,
    });
    await waitForStatus(dash.client, running.id, ['running'], 30_000);
    await page.goto(`${dash.url}/tasks/${running.id}`);
    await page.locator('.status', { hasText: 'running' }).first().waitFor();

    // The first click only asks, with the safe choice focused: Enter or Escape keeps the task running.
    const cancel = page.getByRole('button', { name: 'Cancel', exact: true });
    await cancel.click();
    const question = page.getByRole('group', {
      name: `Cancel task #${running.id}? Claude Code stops now; Retry can run it again later.`,
    });
    await question.waitFor();
    await screenshot(page, 'task-cancel-question');
    expect(await seriousViolations(page)).toEqual([]);
    await expect
      .poll(() => page.evaluate<string | undefined>('document.activeElement?.textContent'))
      .toBe('Keep it running');
    await page.keyboard.press('Enter');
    await question.waitFor({ state: 'detached' });
    await cancel.click();
    await question.waitFor();
    await page.keyboard.press('Escape');
    await question.waitFor({ state: 'detached' });
    await expect
      .poll(() => page.evaluate<string | undefined>('document.activeElement?.textContent'))
      .toBe('Cancel');
    expect(cancels).toEqual([]);
    expect((await dash.client.getTask(running.id)).status).toBe('running');

    await cancel.click();
    await page.getByRole('button', { name: 'Cancel the task', exact: true }).click();
    await page.locator('h1 .status', { hasText: 'cancelled' }).waitFor({ timeout: 30_000 });
    // The keyboard's place is kept on the task's heading, not lost with the button.
    expect(await page.evaluate<string | undefined>('document.activeElement?.id')).toBe('task-title');
    expect(cancels).toHaveLength(1);
    expect((await dash.client.getTask(running.id)).status).toBe('cancelled');

    const failing = await dash.client.createTask({
      execution_prompt: 'Break [fake:execution_error]',
      working_directory: dash.workdir,
      max_attempts: 1,
    });
    await waitForStatus(dash.client, failing.id, ['failed'], 30_000);
    await page.goto(`${dash.url}/tasks/${failing.id}`);
    await page.getByRole('heading', { name: /Failure/ }).waitFor();
    await page.getByRole('button', { name: 'Retry' }).click();
    await expect
      .poll(async () => (await dash.client.getTask(failing.id)).attempt_count, { timeout: 30_000 })
      .toBe(2);
    await page.getByText('Attempt 2').first().waitFor({ timeout: 30_000 });
    await context.close();
  });

  it('filters the table by status and by prompt text', async () => {
    const marker = `needle-${Date.now()}`;
    const task = await dash.client.createTask({
      execution_prompt: `Find the ${marker}`,
      working_directory: dash.workdir,
    });
    await waitForStatus(dash.client, task.id, ['completed'], 30_000);
    const { context, page } = await dash.signedIn();
    await page.getByLabel('Prompt contains').fill(marker);
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.locator(`[data-task-id="${task.id}"]`).waitFor();
    await expect.poll(() => page.locator('[data-task-id]').count()).toBe(1);
    expect(page.url()).toContain(`q=${marker}`);
    await context.close();
  });

  it('the new-task form shows the server’s message at its field, then runs the task', async () => {
    const { context, page } = await dash.signedIn();
    await page.getByRole('link', { name: 'New', exact: true }).click();
    await page.getByLabel('Prompt', { exact: true }).fill('Form task');
    await page.getByLabel('Working directory').fill('relative/dir');
    await page.getByLabel('Max turns').fill('0');
    await page.getByLabel('Notify').fill('failed, slack=loud');
    await page.getByRole('button', { name: 'Run' }).click();
    const turns = page.locator('#f-max_turns-problem');
    await expect
      .poll(() => page.locator('#f-notify-problem').textContent())
      .toContain('notify.slack is on or off, not text "loud"');
    await expect.poll(() => turns.textContent()).toContain('max_turns must be at least 1');
    await expect(page.locator('#f-working_directory-problem').textContent()).resolves.toContain(
      'absolute path',
    );
    await screenshot(page, 'new-task');
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByLabel('Working directory').fill(dash.workdir);
    await page.getByLabel('Max turns').fill('5');
    await page.getByLabel('Tags').fill('web, form');
    await page.getByLabel('Notify').fill('failed, slack=off');
    await page.getByRole('button', { name: 'Run' }).click();
    await page.getByRole('heading', { name: /Task #\d+/ }).waitFor();
    const id = Number(/\/tasks\/(\d+)/.exec(page.url())?.[1]);
    const created = await dash.client.getTask(id);
    expect(created.max_turns).toBe(5);
    expect(created.tags).toEqual(['web', 'form']);
    expect(created.notify).toEqual({ on: ['failed'], slack: 'off' });
    await context.close();
  });

  it('works at phone width (390 px): navigation, table and a task without sideways scrolling', async () => {
    const { context, page } = await dash.signedIn({ width: 390, height: 844 });
    await page.locator('[data-task-id]').first().waitFor();
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow).toBeLessThanOrEqual(1);
    await screenshot(page, 'phone-tasks');
    await page.getByRole('link', { name: 'Orchestrations' }).click();
    await page.getByRole('heading', { name: 'Orchestrations' }).waitFor();
    await page.getByRole('link', { name: 'Tasks' }).click();
    await page.locator('[data-task-id] a').first().click();
    await page.getByRole('heading', { name: /Task #\d+/ }).waitFor();
    expect(
      await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth'),
    ).toBeLessThanOrEqual(1);
    expect(await seriousViolations(page)).toEqual([]);
    await context.close();
  });

  it('is keyboard navigable: Tab reaches the navigation and Enter follows it', async () => {
    const { context, page } = await dash.signedIn();
    await page.keyboard.press('Tab'); // the skip link
    await page.keyboard.press('Tab');
    const focused = await page.evaluate<string | undefined>('document.activeElement?.textContent');
    expect(focused).toBe('Tasks');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Orchestrations' }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await context.close();
  });
});
