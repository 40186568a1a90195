/**
 * `claude-worker retry` with overrides, through the built CLI: as root (the stand-in refuses bypassPermissions like
 * Claude Code does), the default mode fails every task; the failure's last line names the command that works,
 * `claude-worker retry <id> --permission-mode acceptEdits`, and that command runs the task to completed, with the
 * change recorded in the `task_retried` event. Bad overrides are refused and change nothing.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaskEvent } from '../../src/domain/vocabulary.js';
import { CliHarness } from './cli-harness.js';

let cli: CliHarness;
beforeAll(() => {
  cli = new CliHarness('retry', { FAKE_CLAUDE_AS_ROOT: '1' });
});
afterAll(async () => {
  await cli.cleanup();
});

async function events(id: number): Promise<TaskEvent[]> {
  const info = cli.serverInfo()!;
  const token = readFileSync(join(cli.home, 'token'), 'utf8').trim();
  const response = await fetch(`${info.url}/api/v1/tasks/${id}/events`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return ((await response.json()) as { events: TaskEvent[] }).events;
}

describe('retry with overrides', () => {
  it('as root: the failure names `retry <id> --permission-mode acceptEdits`, and that command completes the task', async () => {
    const { id } = JSON.parse(await cli.ok(['run', 'Tidy the imports', '--json'])) as { id: number };
    const watched = await cli.run(['watch', String(id)]);
    expect(watched.code).toBe(1);
    const command = `claude-worker retry ${id} --permission-mode acceptEdits`;
    expect(watched.stdout).toContain(`suggestion: Claude Code refuses permission mode bypassPermissions`);
    expect(watched.stdout).toContain(`\`${command}\``);
    const lastLine = watched.stdout.trim().split('\n').at(-1);
    expect(lastLine).toBe(`Run it again: ${command}`);

    // Run exactly what the last line says.
    const retried = await cli.run(command.split(' ').slice(1));
    expect(retried.code).toBe(0);
    expect(retried.stdout).toContain(`Task ${id} queued again (attempt 2 of`);
    expect(retried.stdout).toContain('now with permission mode acceptEdits');
    const done = await cli.waitFor(id, (t) => t.status === 'completed' || t.status === 'failed', 30_000);
    expect(done.status).toBe('completed');
    expect(done.permission_mode).toBe('acceptEdits');
    expect(done.attempts.map((a) => a.status)).toEqual(['failed', 'succeeded']);
    const start = cli.starts().find((s) => s.prompt.includes('Tidy the imports'));
    expect((start as unknown as { argv: string[] }).argv.join(' ')).toContain('acceptEdits');

    const retryEvent = (await events(id)).find((e) => e.type === 'task_retried');
    expect(retryEvent?.data).toMatchObject({
      changes: { permission_mode: { from: 'bypassPermissions', to: 'acceptEdits' } },
    });
  }, 90_000);

  it('--model and --timeout change the next attempt; the event records both', async () => {
    const { id } = JSON.parse(
      await cli.ok(['run', '[fake:max_turns] Out of turns', '--permission-mode', 'acceptEdits', '--json']),
    ) as { id: number };
    await cli.waitFor(id, (t) => t.status === 'failed', 30_000);
    const retried = JSON.parse(
      await cli.ok(['retry', String(id), '--model', 'opus', '--timeout', '30m', '--json']),
    ) as { model: string; timeout_seconds: number };
    expect(retried).toMatchObject({ model: 'opus', timeout_seconds: 1800 });
    await cli.waitFor(id, (t) => t.status === 'failed' && t.attempts.length === 2, 30_000);
    const second = cli.starts().filter((s) => s.prompt.includes('Out of turns'))[1] as unknown as {
      model: string;
    };
    expect(second.model).toBe('opus');
    const retryEvent = (await events(id)).find((e) => e.type === 'task_retried');
    expect(retryEvent?.data).toMatchObject({
      changes: { model: { from: 'sonnet', to: 'opus' }, timeout_seconds: { from: null, to: 1800 } },
    });
  }, 90_000);

  it('refuses a bad override with the field and the fix, and leaves the task as it was', async () => {
    const { id } = JSON.parse(
      await cli.ok(['run', '[fake:max_turns] Stays failed', '--permission-mode', 'plan', '--json']),
    ) as { id: number };
    await cli.waitFor(id, (t) => t.status === 'failed', 30_000);

    const badMode = await cli.run(['retry', String(id), '--permission-mode', 'yolo']);
    expect(badMode.code).toBe(2);
    expect(badMode.stderr).toContain('permission_mode: unknown permission_mode "yolo"');
    const badModel = await cli.run(['retry', String(id), '--model', 'gpt-4']);
    expect(badModel.code).toBe(2);
    expect(badModel.stderr).toContain('unknown model "gpt-4"');
    const badTimeout = await cli.run(['retry', String(id), '--timeout', 'soon']);
    expect(badTimeout.code).toBe(2);

    const task = await cli.task(id);
    expect(task).toMatchObject({ status: 'failed', permission_mode: 'plan', model: 'sonnet' });
    expect((await events(id)).map((e) => e.type)).not.toContain('task_retried');
  }, 90_000);
});
