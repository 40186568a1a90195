/**
 * The allowed roots are checked again when an attempt starts: a task submitted under a root whose link is changed to
 * point outside before it runs fails at once, for good (one attempt, not retried), saying why and what to do.
 */
import { mkdirSync, rmSync, symlinkSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openTestApp, tempDir, waitForStatus, type TestApp } from '../helpers/harness.js';

let harness: TestApp | null = null;
let base: string | null = null;
afterEach(async () => {
  await harness?.close();
  if (base) rmSync(base, { recursive: true, force: true });
  harness = null;
  base = null;
});

describe('allowed roots at attempt start', () => {
  it('fails the task for good when its directory was re-pointed outside the roots after submit', async () => {
    base = tempDir('cw-roots-start-');
    const root = join(base, 'root');
    const outside = join(base, 'outside');
    mkdirSync(join(root, 'inside'), { recursive: true });
    mkdirSync(outside);
    const link = join(root, 'link');
    symlinkSync(join(root, 'inside'), link);

    harness = await openTestApp({ allowed_roots: [root], max_attempts: 3 }, { start: false });
    const { app } = harness;
    const task = await app.tasks.createTask(
      { execution_prompt: 'Work in the link', working_directory: link },
      { actor: 'test' },
    );
    unlinkSync(link);
    symlinkSync(outside, link);
    await app.start();

    const failed = await waitForStatus(app, task.id, ['failed', 'completed']);
    expect(failed.status).toBe('failed');
    expect(failed.attempt_count).toBe(1);
    expect(failed.error?.code).toBe('invalid_request');
    expect(failed.error?.retryable).toBe(false);
    expect(failed.error?.message).toContain('Claude Code was not started');
    expect(failed.error?.message).toContain(`real path, after following links, is "${outside}"`);
  });
});
