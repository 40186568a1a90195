/**
 * How attempts fail, through the real Agent SDK and the Claude Code stand-in: each failure the stand-in can act out
 * comes back classified with the code, retry decision, suggestion and exit meaning a person would act on; cancel
 * and timeout stop the child process.
 */
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FAILURE_CLASSES } from '../../src/domain/failure-codes.js';
import type { Failure, FailureCode } from '../../src/domain/vocabulary.js';
import { FakeClaudeHarness, isAlive, waitFor } from './fake-claude-harness.js';

let h: FakeClaudeHarness;
beforeEach(() => {
  h = new FakeClaudeHarness();
});
afterEach(() => h.cleanup());

async function failureOf(
  directive: string,
): Promise<{ failure: Failure; sessionId: string | null | undefined }> {
  const { outcome } = await h.run(h.task({ execution_prompt: `Fix the build ${directive}` }));
  if (outcome.ok) throw new Error(`expected ${directive} to fail, but it succeeded`);
  return { failure: outcome.failure, sessionId: outcome.result?.session_id };
}

const cases: Array<{
  directive: string;
  code: FailureCode;
  includes: string;
  exit?: [number | null, string | null];
}> = [
  {
    directive: '[fake:exit code=3 stderr="disk quota exceeded"]',
    code: 'process_crashed',
    includes: 'disk quota exceeded',
    exit: [3, 'exit code 3'],
  },
  {
    directive: '[fake:exit code=137]',
    code: 'process_crashed',
    includes: 'code 137',
    exit: [137, 'killed (SIGKILL, often out of memory)'],
  },
  {
    directive: '[fake:signal sig=SIGKILL]',
    code: 'process_crashed',
    includes: 'SIGKILL',
    exit: [null, 'terminated by signal SIGKILL (killed, often out of memory)'],
  },
  {
    directive: '[fake:signal sig=SIGSEGV]',
    code: 'process_crashed',
    includes: 'SIGSEGV',
    exit: [null, 'terminated by signal SIGSEGV'],
  },
  { directive: '[fake:rate_limit]', code: 'rate_limit', includes: 'Request rejected (429)' },
  { directive: '[fake:overloaded]', code: 'overloaded', includes: '529 Overloaded' },
  { directive: '[fake:auth_failed]', code: 'auth', includes: 'invalid x-api-key' },
  { directive: '[fake:not_logged_in]', code: 'auth', includes: 'Not logged in' },
  { directive: '[fake:max_turns]', code: 'max_turns', includes: 'maximum number of turns' },
  { directive: '[fake:budget]', code: 'budget', includes: 'maximum budget' },
  { directive: '[fake:execution_error]', code: 'execution_error', includes: 'disk is on fire' },
  { directive: '[fake:no_output]', code: 'no_result', includes: 'without any output' },
];

describe('ClaudeExecutor failures', () => {
  it.each(cases)('$directive → $code', async ({ directive, code, includes, exit }) => {
    const { failure } = await failureOf(directive);
    expect(failure.code).toBe(code);
    expect(failure.message).toContain(includes);
    expect(failure.retryable).toBe(FAILURE_CLASSES[code].retryable);
    expect(failure.suggestion).toBe(FAILURE_CLASSES[code].suggestion);
    if (exit) expect([failure.exit_code, failure.exit_meaning]).toEqual(exit);
  });

  it('keeps the session id of a failed attempt, so a retry can resume it', async () => {
    const { sessionId } = await failureOf('[fake:overloaded]');
    expect(sessionId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('reads the wait a rate limit asks for', async () => {
    const { failure } = await failureOf('[fake:rate_limit retry_after_s=30]');
    expect(failure).toMatchObject({ code: 'rate_limit', retryable: true, retry_after_ms: 30_000 });
  });

  it('fails the first attempts and then succeeds with fail_first', async () => {
    const state = join(h.dir, 'fail-first.state');
    const task = h.task({
      execution_prompt: `Ship it [fake:fail_first n=1 fail_as=rate_limit state="${state}"]`,
    });
    const first = await h.run(task);
    const second = await h.run(task);
    expect(first.outcome).toMatchObject({ ok: false, failure: { code: 'rate_limit' } });
    expect(second.outcome).toMatchObject({ ok: true, result: { text: 'done: Ship it' } });
  });

  it('rethrows an error of its own onMessage callback and leaves no process behind', async () => {
    const task = h.task({ execution_prompt: 'Work [fake:slow steps=50 delay_ms=100]' });
    const run = h.run(task, {
      onMessage: (m) => {
        if (m.line?.startsWith('[tool:Bash]')) throw new Error('the engine broke');
      },
    });
    await expect(run).rejects.toThrow('the engine broke');
    const pid = h.records()[0]!.pid;
    expect(await waitFor(() => !isAlive(pid), 5_000)).toBe(true);
  });
});

describe('ClaudeExecutor abort', () => {
  it('cancels a running attempt and its Claude Code process is gone within 5 s', async () => {
    const controller = new AbortController();
    let abortedAt = 0;
    const { outcome, records } = await h.run(
      h.task({ execution_prompt: 'Work [fake:slow steps=100 delay_ms=100]' }),
      {
        signal: controller.signal,
        onMessage: (m) => {
          if (m.line?.startsWith('[tool:Bash] step 2') && !controller.signal.aborted) {
            abortedAt = Date.now();
            controller.abort('cancelled');
          }
        },
      },
    );
    expect(outcome).toMatchObject({ ok: false, failure: { code: 'cancelled', retryable: false } });
    const pid = records[0]!.pid;
    expect(await waitFor(() => !isAlive(pid), 5_000 - (Date.now() - abortedAt))).toBe(true);
  });

  it('stops a hanging Claude Code on timeout', async () => {
    const controller = new AbortController();
    const task = h.task({ execution_prompt: 'Think [fake:hang]', timeout_seconds: 1 });
    const run = h.run(task, {
      signal: controller.signal,
      onMessage: (m) => {
        if (m.line?.startsWith('[init]')) setTimeout(() => controller.abort('timeout'), 200);
      },
    });
    const { outcome, records } = await run;
    expect(outcome).toMatchObject({ ok: false, failure: { code: 'timeout', retryable: true } });
    if (!outcome.ok) expect(outcome.failure.message).toContain('(1 s)');
    expect(await waitFor(() => !isAlive(records[0]!.pid), 5_000)).toBe(true);
  });

  it.each([
    ['shutdown', 'interrupted'],
    ['lease_lost', 'interrupted'],
    ['cancelled', 'cancelled'],
  ] as const)('does not start Claude Code when already aborted (%s)', async (reason, code) => {
    const controller = new AbortController();
    controller.abort(reason);
    const { outcome, records } = await h.run(h.task(), { signal: controller.signal });
    expect(outcome).toMatchObject({ ok: false, result: null, failure: { code } });
    expect(records).toEqual([]);
  });
});
