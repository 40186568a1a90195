/**
 * The built CLI end to end, as a user runs it: auto-start, run, watch, logs, status, list, cancel, retry, and bad
 * input — against a real server and the Claude Code stand-in driven by the real Agent SDK.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAlive } from '../../src/cli/server-info.js';
import { CliHarness, taskIdOf } from './cli-harness.js';

let cli: CliHarness;

beforeAll(() => {
  cli = new CliHarness('tasks');
});
afterAll(async () => {
  await cli.cleanup();
});

describe('claude-worker run and watch', () => {
  it('starts the server by itself, prints the id at once, and watch follows the task to completed', async () => {
    expect(cli.serverInfo()).toBeNull();
    const started = await cli.run(['run', 'Say hello to the team', '--dir', cli.work]);
    expect(started.code).toBe(0);
    expect(started.stdout).toMatch(
      new RegExp(`^Task \\d+ queued \\(sonnet, ${cli.work}\\)\\. Follow it: claude-worker watch \\d+\\n$`),
    );
    expect(started.stderr).toContain('Started the claude-worker server at http://127.0.0.1:');
    const info = cli.serverInfo();
    expect(info && isAlive(info.pid)).toBe(true);

    const id = taskIdOf(started.stdout);
    const watched = await cli.run(['watch', String(id)]);
    expect(watched.code).toBe(0);
    expect(watched.stdout).toContain(`Task ${id} completed`);
    expect(watched.stdout).toContain('done: Say hello to the team');

    // A second command finds the same server again instead of starting another.
    const listed = await cli.run(['list']);
    expect(listed.stderr).not.toContain('Started');
    expect(cli.serverInfo()?.pid).toBe(info?.pid);
  });

  it('exits 1 from watch for a failed task and shows the error with its suggestion', async () => {
    const id = taskIdOf(await cli.ok(['run', '[fake:not_logged_in] Fix the build']));
    const watched = await cli.run(['watch', String(id)]);
    expect(watched.code).toBe(1);
    expect(watched.stdout).toContain(`Task ${id} failed`);
    expect(watched.stdout).toMatch(/error \(auth\)/);
    expect(watched.stdout).toMatch(/suggestion: .*\/login/);
  });

  it('run --watch waits for the end and exits like watch', async () => {
    const ok = await cli.run(['run', 'Quick job', '--watch']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('done: Quick job');
    const failed = await cli.run(['run', '[fake:max_turns] Too long', '--watch', '--max-turns', '1']);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain('error (max_turns)');
  });

  it('appends piped stdin to the prompt', async () => {
    const diff = 'diff --git a/x b/x\n+added line\n';
    const created = JSON.parse(await cli.ok(['run', 'Review these changes', '--json'], { input: diff })) as {
      id: number;
    };
    const task = await cli.task(created.id);
    expect(task.execution_prompt).toBe(`Review these changes\n\n${diff}`);
  });

  it('takes stdin alone as the prompt', async () => {
    const created = JSON.parse(await cli.ok(['run', '--json'], { input: 'Prompt from a pipe' })) as {
      id: number;
    };
    expect((await cli.task(created.id)).execution_prompt).toBe('Prompt from a pipe');
  });

  it('reads the prompt from a file named as the argument', async () => {
    writeFileSync(join(cli.work, 'instructions.md'), '# Task\nRename the helper.\n');
    const id = taskIdOf(await cli.ok(['run', 'instructions.md']));
    expect((await cli.task(id)).execution_prompt).toBe('# Task\nRename the helper.\n');
  });

  it('passes options through and resolves a relative --dir', async () => {
    const created = JSON.parse(
      await cli.ok([
        'run',
        'Options',
        '--dir',
        '.',
        '--model',
        'haiku',
        '--tag',
        'e2e',
        '--tag',
        'nightly',
        '--priority',
        '5',
        '--max-attempts',
        '2',
        '--timeout',
        '10m',
        '--env',
        'FOO=bar=baz',
        '--allowed-tools',
        'Bash(git diff:*),Read',
        '--json',
      ]),
    ) as { id: number };
    const task = await cli.task(created.id);
    expect(task).toMatchObject({
      working_directory: cli.work,
      model: 'haiku',
      tags: ['e2e', 'nightly'],
      priority: 5,
      max_attempts: 2,
      timeout_seconds: 600,
      env: { FOO: 'bar=baz' },
      allowed_tools: ['Bash(git diff:*)', 'Read'],
    });
  });
});

describe('claude-worker read commands', () => {
  it('list --json and status --json print the REST objects', async () => {
    const id = taskIdOf(await cli.ok(['run', 'For the record', '--tag', 'listed']));
    await cli.waitFor(id, (task) => task.status === 'completed');
    const page = JSON.parse(await cli.ok(['list', '--json', '--tag', 'listed'])) as {
      tasks: Array<{ id: number }>;
      next_cursor: unknown;
    };
    expect(Object.keys(page).sort()).toEqual(['next_cursor', 'tasks']);
    expect(page.tasks.map((task) => task.id)).toEqual([id]);
    const task = await cli.task(id);
    expect(task).toMatchObject({
      id,
      status: 'completed',
      result: 'done: For the record',
      num_turns: 2,
      cost_usd: 0.0123,
    });
    expect(task.attempts).toHaveLength(1);
    expect(task.attempts[0]).toMatchObject({ number: 1, status: 'succeeded' });
    const human = await cli.ok(['status', String(id)]);
    expect(human).toContain(`Task ${id} · completed`);
    expect(human).toContain('done: For the record');
    const table = await cli.ok(['list', '--status', 'completed', '--tag', 'listed']);
    expect(table.split('\n')[0]).toMatch(/^ID\s+STATUS\s+MODEL/);
    expect(table).toMatch(new RegExp(`^${id}\\s+completed\\s+sonnet`, 'm'));
  });

  it('logs shows the human log with the tool line, --raw the JSONL transcript, -f follows to the end', async () => {
    const id = taskIdOf(await cli.ok(['run', '[fake:slow steps=3 delay_ms=150] Step through']));
    const followed = await cli.run(['logs', String(id), '-f']);
    expect(followed.code).toBe(0);
    expect(followed.stdout).toContain('[tool:Bash]');
    expect(followed.stdout).toMatch(/completed/);
    expect((await cli.task(id)).status).toBe('completed');
    const human = await cli.ok(['logs', String(id)]);
    expect(human).toContain('[tool:Bash]');
    const raw = await cli.ok(['logs', String(id), '--raw']);
    const messages = raw
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string });
    expect(messages.map((m) => m.type)).toContain('result');
  });
});

describe('claude-worker cancel and retry', () => {
  it('cancels a running task within 5 s and its Claude Code process is gone', async () => {
    const id = taskIdOf(await cli.ok(['run', '[fake:slow steps=100 delay_ms=200] Long job']));
    await cli.waitFor(id, (task) => task.status === 'running' && task.last_action !== null);
    const start = cli.starts().find((s) => s.prompt.includes('Long job'));
    expect(start && isAlive(start.pid)).toBe(true);
    const requested = Date.now();
    const cancelled = await cli.run(['cancel', String(id)]);
    expect(cancelled.code).toBe(0);
    expect(cancelled.stdout).toMatch(new RegExp(`Task ${id}(: cancel requested| cancelled)`));
    const task = await cli.waitFor(id, (t) => t.status === 'cancelled', 5000);
    expect(Date.now() - requested).toBeLessThan(15_000);
    expect(task.attempts.at(-1)?.status).toBe('cancelled');
    const deadline = Date.now() + 5000;
    while (start && isAlive(start.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(start && isAlive(start.pid)).toBe(false);

    const again = await cli.run(['cancel', String(id)]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^error: .*already/m);
  });

  it('retries a failed task and refuses to retry a completed one', async () => {
    const id = taskIdOf(await cli.ok(['run', '[fake:execution_error] Break']));
    await cli.waitFor(id, (task) => task.status === 'failed');
    const retried = await cli.run(['retry', String(id)]);
    expect(retried.code).toBe(0);
    expect(retried.stdout).toContain(`Task ${id} queued again`);
    await cli.waitFor(id, (task) => task.status === 'failed' && task.attempt_count === 2);

    const done = taskIdOf(await cli.ok(['run', 'Fine']));
    await cli.waitFor(done, (task) => task.status === 'completed');
    const refused = await cli.run(['retry', String(done)]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^error: /);
  });

  it('exits 2 for an unknown task id', async () => {
    const missing = await cli.run(['status', '999999']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('Task 999999 does not exist');
    const malformed = await cli.run(['cancel', 'abc']);
    expect(malformed.code).toBe(2);
  });
});

describe('bad input', () => {
  it('exits 2 with a message naming the problem and creates nothing', async () => {
    const before = (await cli.tasks()).length;

    const missingDir = await cli.run(['run', 'Do it', '--dir', 'no-such-dir']);
    expect(missingDir.code, missingDir.stderr).toBe(2);
    expect(missingDir.stderr).toContain(
      `working_directory: "${join(cli.work, 'no-such-dir')}" does not exist`,
    );

    const badModel = await cli.run(['run', 'Do it', '--model', 'gpt-4', '--permission-mode', 'yolo']);
    expect(badModel.code, badModel.stderr).toBe(2);
    expect(badModel.stderr).toContain('model: unknown model "gpt-4"');
    expect(badModel.stderr).toContain('permission_mode');

    const empty = await cli.run(['run', '']);
    expect(empty.code, empty.stderr).toBe(2);
    expect(empty.stderr).toMatch(/^error: The prompt is empty\. Give it as an argument/);

    const emptyStdin = await cli.run(['run'], { input: '  \n' });
    expect(emptyStdin.code, emptyStdin.stderr).toBe(2);

    const badFlag = await cli.run(['run', 'Do it', '--max-turns', 'many']);
    expect(badFlag.code, badFlag.stderr).toBe(2);
    expect(badFlag.stderr).toContain("error: option '--max-turns <n>' argument 'many' is invalid");

    const unknownFlag = await cli.run(['list', '--colour']);
    expect(unknownFlag.code, unknownFlag.stderr).toBe(2);

    expect(await cli.tasks()).toHaveLength(before);
    for (const result of [missingDir, badModel, empty, badFlag])
      expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
