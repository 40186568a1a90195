/**
 * ClaudeExecutor through the real Agent SDK against the Claude Code stand-in: what a task asks for reaches Claude
 * Code, and what Claude Code says comes back in order.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeClaudeHarness } from './fake-claude-harness.js';

let h: FakeClaudeHarness;
beforeEach(() => {
  h = new FakeClaudeHarness();
});
afterEach(() => h.cleanup());

describe('ClaudeExecutor, successful runs', () => {
  it('returns the result text, cost, turns and session id, and delivers every message in order', async () => {
    const { outcome, messages, lines, records } = await h.run(
      h.task({ execution_prompt: 'Add input validation to src/api/users.ts' }),
    );

    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.result).toMatchObject({
      text: 'done: Add input validation to src/api/users.ts',
      cost_usd: 0.0123,
      num_turns: 2,
    });
    expect(outcome.result.usage).toMatchObject({ input_tokens: 120, output_tokens: 340 });
    expect(outcome.result.session_id).toMatch(/^[0-9a-f-]{36}$/);

    expect(lines).toEqual([
      `[init] model sonnet, cwd ${h.dir}`,
      '[text] Working on: Add input validation to src/api/users.ts',
      '[tool:Bash] echo hello',
      '[tool_result] ok: hello',
      expect.stringMatching(/^\[result\] success, 2 turns, \$0\.0123, \d+\.\d s$/),
    ]);
    // Every raw message is handed over, noise included, for the transcript.
    const types = messages.map((m) => (m.raw as { type: string; subtype?: string }).type);
    expect(types).toEqual(['system', 'system', 'assistant', 'assistant', 'user', 'result', 'system']);
    expect(messages.at(-1)?.session_id).toBe(outcome.result.session_id);
    expect(messages.find((m) => m.line?.startsWith('[result]'))?.cost_usd).toBe(0.0123);

    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      cwd: h.dir,
      model: 'sonnet',
      resume: null,
      prompt: 'Add input validation to src/api/users.ts',
    });
  });

  it('reports progress while a slow run works, with a turn count before the result', async () => {
    const progress: Array<{ line: string | null; turns: number | null; at: number }> = [];
    const { outcome, lines } = await h.run(
      h.task({ execution_prompt: 'Refactor [fake:slow steps=3 delay_ms=150]' }),
      {
        onMessage: (m) => progress.push({ line: m.line, turns: m.num_turns, at: Date.now() }),
      },
    );

    expect(outcome.ok).toBe(true);
    expect(lines.filter((l) => l.startsWith('[tool:Bash]'))).toEqual([
      '[tool:Bash] step 1',
      '[tool:Bash] step 2',
      '[tool:Bash] step 3',
    ]);
    const toolCalls = progress.filter((p) => p.line?.startsWith('[tool:Bash]'));
    expect(toolCalls.map((p) => p.turns)).toEqual([1, 2, 3]);
    // Lines arrive as Claude Code works, not all at the end.
    expect(toolCalls[2]!.at - toolCalls[0]!.at).toBeGreaterThanOrEqual(250);
  });

  it('tolerates a line that is not JSON', async () => {
    const { outcome } = await h.run(h.task({ execution_prompt: 'Tidy up [fake:garbage]' }));
    expect(outcome).toMatchObject({ ok: true, result: { text: 'done: Tidy up' } });
  });
});

describe('ClaudeExecutor, what reaches Claude Code', () => {
  it('uses Claude Code’s own system prompt by default and loads the user’s and project’s settings', async () => {
    const { records } = await h.run(h.task());
    const argv = records[0]!.argv;
    expect(records[0]!.system_prompt).toBeNull(); // the preset: nothing replaces Claude Code's prompt
    expect(argv).toContain('--setting-sources=user,project,local');
    expect(argv).toContain('--permission-mode=bypassPermissions');
    expect(argv).toContain('--allow-dangerously-skip-permissions');
  });

  it('passes a custom system prompt and the task options', async () => {
    const { records } = await h.run(
      h.task({
        system_prompt: 'You are a careful release engineer.',
        model: 'claude-opus-5-5',
        permission_mode: 'acceptEdits',
        allowed_tools: ['Read', 'Bash(git *)'],
        disallowed_tools: ['WebFetch'],
        max_turns: 7,
        max_budget_usd: 0.5,
      }),
    );
    const { argv, system_prompt, model } = records[0]!;
    expect(system_prompt).toEqual(['You are a careful release engineer.']);
    expect(model).toBe('claude-opus-5-5');
    expect(argv).toEqual(
      expect.arrayContaining([
        '--permission-mode=acceptEdits',
        '--allowedTools=Read,Bash(git *)',
        '--disallowedTools=WebFetch',
        '--max-turns=7',
        '--max-budget-usd=0.5',
      ]),
    );
    expect(argv).not.toContain('--allow-dangerously-skip-permissions');
  });

  it('resumes the given session', async () => {
    const sessionId = randomUUID();
    const { outcome, records } = await h.run(h.task(), { resume_session_id: sessionId });
    expect(records[0]!.argv).toContain(`--resume=${sessionId}`);
    expect(outcome).toMatchObject({ ok: true, result: { session_id: sessionId } });
  });

  it('gives the child the task’s env and the quiet default, but none of claude-worker’s own variables', async () => {
    const added = ['CLAUDE_WORKER_TOKEN', 'CLAUDE_WORKER_HOME', 'TEST_SERVER_VAR'];
    process.env['CLAUDE_WORKER_TOKEN'] = 'secret-token-that-must-not-leak';
    process.env['CLAUDE_WORKER_HOME'] = join(h.dir, 'home');
    process.env['TEST_SERVER_VAR'] = 'from-server';
    try {
      const { records } = await h.run(
        h.task({ env: { TEST_TASK_VAR: 'from-task', TEST_SERVER_VAR: 'task-wins' } }),
      );
      const { env, env_keys } = records[0]!;
      expect(env['TEST_TASK_VAR']).toBe('from-task');
      expect(env['TEST_SERVER_VAR']).toBe('task-wins');
      expect(env['CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC']).toBe('1');
      expect(env['FAKE_CLAUDE_RECORD']).toBe(h.recordPath); // the executor's overrides
      expect(env_keys.filter((k) => k.startsWith('CLAUDE_WORKER_'))).toEqual([]);
    } finally {
      for (const key of added) delete process.env[key];
    }
  });
});

describe('ClaudeExecutor, cannot start', () => {
  it('says cli_not_found for a missing executable', async () => {
    const missing = join(h.dir, 'no-such-claude');
    const { outcome } = await h.run(h.task(), { claudePath: missing });
    expect(outcome).toMatchObject({
      ok: false,
      result: null,
      failure: { code: 'cli_not_found', retryable: false },
    });
    if (!outcome.ok) expect(outcome.failure.message).toContain(missing);
  });

  it('says the working directory is gone instead of blaming the executable', async () => {
    const { outcome, records } = await h.run(h.task({ working_directory: join(h.dir, 'deleted') }));
    expect(outcome).toMatchObject({ ok: false, failure: { code: 'invalid_request' } });
    if (!outcome.ok) expect(outcome.failure.message).toContain(join(h.dir, 'deleted'));
    expect(records).toEqual([]);
  });
});
