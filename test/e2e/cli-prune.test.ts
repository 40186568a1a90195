/**
 * `claude-worker prune` end to end through the built CLI: a dry run counts and deletes nothing, a real run deletes
 * finished tasks with their log files and leaves unfinished ones, and a bad age is a usage error.
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliHarness, taskIdOf } from './cli-harness.js';

let cli: CliHarness;

beforeAll(() => {
  cli = new CliHarness('prune');
});
afterAll(async () => {
  await cli.cleanup();
});

describe('claude-worker prune', () => {
  it('counts with --dry-run, then deletes finished tasks and their logs, keeping unfinished work', async () => {
    const done = taskIdOf(await cli.ok(['run', 'Finish quickly', '--watch']));
    const finished = await cli.task(done);
    expect(finished.status).toBe('completed');
    expect(finished.log_path && existsSync(finished.log_path)).toBe(true);
    const slow = taskIdOf(await cli.ok(['run', '[fake:hang] Keep running']));
    await cli.waitFor(slow, (t) => t.status === 'running');
    await new Promise((resolve) => setTimeout(resolve, 1_200));

    const dry = await cli.run(['prune', '--older-than', '1s', '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(
      /^Would delete 1 task, 1 attempt, \d+ events and 0 orchestrations finished before .* \(older than 1s\)\. Nothing was deleted \(--dry-run\)\.$/m,
    );
    expect((await cli.task(done)).status).toBe('completed');

    const real = JSON.parse(await cli.ok(['prune', '--older-than', '1s', '--json'])) as Record<
      string,
      unknown
    >;
    expect(real).toMatchObject({
      dry_run: false,
      tasks: 1,
      attempts: 1,
      orchestrations: 0,
      files_removed: 2,
    });
    const gone = await cli.run(['status', String(done)]);
    expect(gone.code).toBe(2);
    expect(existsSync(finished.log_path!)).toBe(false);
    expect((await cli.task(slow)).status).toBe('running');
    await cli.ok(['cancel', String(slow), '--wait']);
  });

  it('refuses an age it cannot read, and a missing one, with exit 2', async () => {
    const bad = await cli.run(['prune', '--older-than', '30x']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/duration such as 90s, 30m, 2h/);
    const missing = await cli.run(['prune']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--older-than');
  });
});
