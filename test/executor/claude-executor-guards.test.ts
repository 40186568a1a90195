/**
 * What the executor refuses before Claude Code runs, through the real Agent SDK and the stand-in: a working
 * directory that leaves the allowed roots through a link (checked again at the start of every attempt, since a link
 * can change after submit), an environment too large for the operating system to start a process with (E2BIG), and
 * reserved variables stored on an old task. Each is a permanent, clearly worded failure; none starts the stand-in.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ClaudeExecutor } from '../../src/executor/claude-executor.js';
import { FAKE_CLAUDE, FakeClaudeHarness } from './fake-claude-harness.js';

let h: FakeClaudeHarness;
let outside: string;
beforeEach(() => {
  h = new FakeClaudeHarness();
  outside = mkdtempSync(join(tmpdir(), 'cw-outside-'));
});
afterEach(() => {
  h.cleanup();
  rmSync(outside, { recursive: true, force: true });
});

function guarded(roots: string[]): ClaudeExecutor {
  return new ClaudeExecutor({
    claudePath: FAKE_CLAUDE,
    childEnvOverrides: { FAKE_CLAUDE_RECORD: h.recordPath },
    allowedRoots: roots,
  });
}

const run = (executor: ClaudeExecutor, workingDirectory: string, env: Record<string, string> = {}) =>
  executor.execute({
    task: h.task({ working_directory: workingDirectory, env }),
    attempt: 1,
    resume_session_id: null,
    signal: new AbortController().signal,
    onMessage: () => {},
  });

describe('ClaudeExecutor guards', () => {
  it('refuses, for good, a working directory that a link leads outside the allowed roots', async () => {
    const root = join(h.dir, 'root');
    mkdirSync(join(root, 'inside'), { recursive: true });
    symlinkSync(outside, join(root, 'link'));
    symlinkSync('..', join(root, 'up'));
    const executor = guarded([root]);

    for (const dir of [
      join(root, 'link'),
      `${join(root, 'link')}/`,
      join(root, 'up'),
      `${join(root, 'up')}/`,
    ]) {
      const outcome = await run(executor, dir);
      expect(outcome.ok, dir).toBe(false);
      if (outcome.ok) continue;
      expect(outcome.failure.code).toBe('invalid_request');
      expect(outcome.failure.retryable).toBe(false);
      expect(outcome.failure.message).toContain('outside the allowed roots');
      expect(outcome.failure.message).toContain('real path');
      expect(outcome.failure.suggestion).toContain('link');
    }
    expect(h.records()).toHaveLength(0);

    const fine = await run(executor, join(root, 'inside'));
    expect(fine.ok).toBe(true);
    expect(h.records()).toHaveLength(1);
  });

  it('says E2BIG plainly and does not retry it when the environment is too large to start a process', async () => {
    // Linux refuses one variable over 128 KiB; submit refuses this, but the task row here skips validation.
    const outcome = await run(guarded([]), h.dir, { HUGE: 'x'.repeat(200 * 1024) });
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.failure.code).toBe('invalid_request');
    expect(outcome.failure.retryable).toBe(false);
    expect(outcome.failure.message).toContain('E2BIG');
    expect(outcome.failure.message).toContain('too large');
    expect(outcome.failure.suggestion).toContain("task's env smaller");
  });

  it('never passes reserved variables stored on a task to Claude Code', async () => {
    const outcome = await run(guarded([]), h.dir, {
      CLAUDE_WORKER_URL: 'http://evil.example',
      CLAUDE_CODE_MAX_RETRIES: '99',
      TEST_KEPT: 'yes',
    });
    expect(outcome.ok).toBe(true);
    const [record] = h.records();
    expect(record?.env_keys).toContain('TEST_KEPT');
    expect(record?.env_keys).not.toContain('CLAUDE_WORKER_URL');
    expect(record?.env['CLAUDE_CODE_MAX_RETRIES']).not.toBe('99');
  });
});
