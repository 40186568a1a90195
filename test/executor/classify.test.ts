import { describe, expect, it } from 'vitest';
import { FAILURE_CLASSES } from '../../src/domain/failure-codes.js';
import type { FailureCode } from '../../src/domain/vocabulary.js';
import { classifyFailure, type FailureEvidence } from '../../src/executor/classify.js';

/** Evidence of an attempt that failed with nothing to show, overridden per case. */
function evidence(over: Partial<FailureEvidence>): FailureEvidence {
  return {
    result: null,
    assistantErrors: [],
    thrown: undefined,
    aborted: false,
    stderr: '',
    messageCount: 5,
    ...over,
  };
}

/** What the SDK throws: a plain Error with `errorClass` and friends attached. */
function sdkError(message: string, fields: Record<string, unknown>): Error {
  return Object.assign(new Error(message), fields);
}

const apiResult = (status: number | null, text: string) => ({
  subtype: 'success',
  is_error: true,
  api_error_status: status,
  result: text,
});

const cases: Array<{ name: string; ev: Partial<FailureEvidence>; code: FailureCode; includes: string }> = [
  {
    name: '429 result',
    ev: {
      result: apiResult(429, 'API Error: Request rejected (429) · rate limit'),
      assistantErrors: [{ error: 'rate_limit', text: 'x' }],
    },
    code: 'rate_limit',
    includes: 'Request rejected (429)',
  },
  {
    name: '529 result, although the frame says server_error',
    ev: {
      result: apiResult(529, 'API Error: 529 Overloaded'),
      assistantErrors: [{ error: 'server_error', text: 'API Error: 529 Overloaded' }],
    },
    code: 'overloaded',
    includes: '529 Overloaded',
  },
  {
    name: 'overloaded text only',
    ev: { result: apiResult(null, 'Overloaded') },
    code: 'overloaded',
    includes: 'Overloaded',
  },
  {
    name: '500 result',
    ev: { result: apiResult(500, 'API Error: 500 Internal server error') },
    code: 'server_error',
    includes: '500',
  },
  {
    name: '503 by frame error',
    ev: { assistantErrors: [{ error: 'server_error', text: 'API Error: 503' }] },
    code: 'server_error',
    includes: '503',
  },
  {
    name: '401 result',
    ev: { result: apiResult(401, 'API Error: 401 invalid x-api-key · Please run /login') },
    code: 'auth',
    includes: 'invalid x-api-key',
  },
  {
    name: 'authentication_failed frame',
    ev: { assistantErrors: [{ error: 'authentication_failed', text: 'OAuth token expired' }] },
    code: 'auth',
    includes: 'OAuth token expired',
  },
  {
    name: 'not logged in',
    ev: { result: apiResult(null, 'Not logged in · Please run /login') },
    code: 'auth',
    includes: 'Not logged in',
  },
  {
    name: 'credit balance arrives as a 400',
    ev: {
      result: apiResult(400, 'API Error: 400 Your credit balance is too low to access the Anthropic API'),
    },
    code: 'billing',
    includes: 'credit balance',
  },
  {
    name: 'billing_error frame',
    ev: { assistantErrors: [{ error: 'billing_error', text: 'Payment required' }] },
    code: 'billing',
    includes: 'Payment',
  },
  {
    name: '400 result',
    ev: { result: apiResult(400, 'API Error: 400 invalid_request_error: bad model') },
    code: 'invalid_request',
    includes: '400',
  },
  {
    name: 'model_not_found frame',
    ev: { assistantErrors: [{ error: 'model_not_found', text: 'model claude-x not found' }] },
    code: 'invalid_request',
    includes: 'claude-x',
  },
  {
    name: 'network error in stderr of a non-zero exit',
    ev: {
      thrown: sdkError('Claude Code process exited with code 1. stderr: x', {
        errorClass: 'process_exited_nonzero',
        exitCode: 1,
      }),
      stderr: 'TypeError: fetch failed ECONNREFUSED 127.0.0.1:443',
    },
    code: 'network',
    includes: 'ECONNREFUSED',
  },
  {
    name: 'ENOTFOUND in a result',
    ev: { result: apiResult(null, 'API Error: Connection error. getaddrinfo ENOTFOUND api.anthropic.com') },
    code: 'network',
    includes: 'ENOTFOUND',
  },
  {
    name: 'max turns',
    ev: {
      result: { subtype: 'error_max_turns', is_error: true, errors: ['Reached maximum number of turns (3)'] },
    },
    code: 'max_turns',
    includes: 'maximum number of turns',
  },
  {
    name: 'budget',
    ev: {
      result: { subtype: 'error_max_budget_usd', is_error: true, errors: ['Reached maximum budget ($0.5)'] },
    },
    code: 'budget',
    includes: '$0.5',
  },
  {
    name: 'error during execution',
    ev: { result: { subtype: 'error_during_execution', is_error: true, errors: ['Tool crashed'] } },
    code: 'execution_error',
    includes: 'Tool crashed',
  },
  {
    name: 'refused to start: bypass as root',
    ev: {
      result: {
        subtype: 'error_during_execution',
        is_error: true,
        errors: ['--dangerously-skip-permissions cannot be used with root'],
        startup_failure_reason: 'bypass_root',
      },
    },
    code: 'invalid_request',
    includes: 'bypass_root',
  },
  {
    name: 'abort: cancelled',
    ev: { aborted: true, abortReason: 'cancelled', thrown: sdkError('aborted', { errorClass: 'aborted' }) },
    code: 'cancelled',
    includes: 'Cancelled',
  },
  {
    name: 'abort: timeout',
    ev: { aborted: true, abortReason: 'timeout', timeoutSeconds: 90 },
    code: 'timeout',
    includes: '90 s',
  },
  {
    name: 'abort: shutdown',
    ev: { aborted: true, abortReason: 'shutdown' },
    code: 'interrupted',
    includes: 'shut down',
  },
  {
    name: 'abort: lease lost',
    ev: { aborted: true, abortReason: 'lease_lost' },
    code: 'interrupted',
    includes: 'lease',
  },
  {
    name: 'abort wins over an error result that raced it',
    ev: { aborted: true, abortReason: 'cancelled', result: apiResult(429, 'API Error: 429') },
    code: 'cancelled',
    includes: 'Cancelled',
  },
  {
    name: 'killed by SIGKILL',
    ev: {
      thrown: sdkError('Claude Code process terminated by signal SIGKILL', {
        errorClass: 'process_killed_by_signal',
        signal: 'SIGKILL',
      }),
    },
    code: 'process_crashed',
    includes: 'SIGKILL',
  },
  {
    name: 'exit 137',
    ev: {
      thrown: sdkError('Claude Code process exited with code 137', {
        errorClass: 'process_exited_nonzero',
        exitCode: 137,
      }),
      stderr: 'rate limit mentioned in a stack trace',
    },
    code: 'process_crashed',
    includes: 'out of memory',
  },
  {
    name: 'exit 3 with stderr',
    ev: {
      thrown: sdkError('Claude Code process exited with code 3. stderr: boom', {
        errorClass: 'process_exited_nonzero',
        exitCode: 3,
      }),
      stderr: 'boom\n',
    },
    code: 'process_crashed',
    includes: 'exited with code 3: boom',
  },
  {
    name: 'exit 127',
    ev: {
      thrown: sdkError('Claude Code process exited with code 127', {
        errorClass: 'process_exited_nonzero',
        exitCode: 127,
      }),
      stderr: 'claude: not found',
    },
    code: 'cli_not_found',
    includes: 'command not found',
  },
  {
    name: 'executable not found',
    ev: {
      thrown: sdkError('Claude Code native binary not found at /x/claude.', {
        errorClass: 'executable_not_found',
        code: 'ENOENT',
      }),
      messageCount: 0,
    },
    code: 'cli_not_found',
    includes: '/x/claude',
  },
  {
    name: 'spawn ENOENT',
    ev: { thrown: sdkError('spawn /opt/claude ENOENT', { code: 'ENOENT' }), messageCount: 0 },
    code: 'cli_not_found',
    includes: 'spawn /opt/claude ENOENT',
  },
  {
    name: 'bundled binary missing',
    ev: { thrown: new Error('Native CLI binary for linux-x64 not found. Reinstall …'), messageCount: 0 },
    code: 'cli_not_found',
    includes: 'Native CLI binary',
  },
  { name: 'no messages at all', ev: { messageCount: 0 }, code: 'no_result', includes: 'without any output' },
  {
    name: 'messages but no result',
    ev: { messageCount: 3, stderr: 'last words' },
    code: 'no_result',
    includes: 'last words',
  },
];

describe('classifyFailure', () => {
  it.each(cases)('$name → $code', ({ ev, code, includes }) => {
    const failure = classifyFailure(evidence(ev));
    expect(failure.code).toBe(code);
    expect(failure.message).toContain(includes);
    expect(failure.retryable).toBe(FAILURE_CLASSES[code].retryable);
    expect(failure.suggestion).toBe(FAILURE_CLASSES[code].suggestion);
  });

  it('gives the meaning of the exit code and keeps the code', () => {
    const failure = classifyFailure(
      evidence({ thrown: sdkError('exited', { errorClass: 'process_exited_nonzero', exitCode: 143 }) }),
    );
    expect(failure).toMatchObject({
      code: 'process_crashed',
      exit_code: 143,
      exit_meaning: 'terminated (SIGTERM)',
    });
  });

  it('says which signal killed the process', () => {
    const failure = classifyFailure(
      evidence({
        thrown: sdkError('terminated', { errorClass: 'process_killed_by_signal', signal: 'SIGSEGV' }),
      }),
    );
    expect(failure.exit_code).toBeNull();
    expect(failure.exit_meaning).toBe('terminated by signal SIGSEGV');
  });

  it.each([
    ['retry after 30 seconds', 30_000],
    ['Retry-After: 12', 12_000],
    ['please try again in 2 minutes', 120_000],
    ['rate limited, no hint', null],
  ])('reads the wait from "%s"', (hint, ms) => {
    const failure = classifyFailure(evidence({ result: apiResult(429, `API Error: 429 · ${hint}`) }));
    expect(failure.code).toBe('rate_limit');
    expect(failure.retry_after_ms).toBe(ms);
  });

  it('reads a subscription usage limit reset time', () => {
    const now = 1_700_000_000_000;
    const failure = classifyFailure(
      evidence({ result: apiResult(null, 'Claude AI usage limit reached|1700000600'), now }),
    );
    expect(failure).toMatchObject({ code: 'rate_limit', retry_after_ms: 600_000 });
  });

  it('does not give a retry-after to a failure that is not retried', () => {
    const failure = classifyFailure(
      evidence({ result: apiResult(401, 'API Error: 401 · retry after 5 seconds') }),
    );
    expect(failure).toMatchObject({ code: 'auth', retry_after_ms: null });
  });
});

describe('Claude Code refusing bypassPermissions as root', () => {
  it('is not retried, and says how to run instead', () => {
    const failure = classifyFailure({
      result: null,
      assistantErrors: [],
      thrown: sdkError('Claude Code process exited with code 1', {
        errorClass: 'process_exited_nonzero',
        exitCode: 1,
      }),
      aborted: false,
      abortReason: undefined,
      stderr:
        '--dangerously-skip-permissions cannot be used with root/sudo privileges for security reasons\n',
      messageCount: 0,
      timeoutSeconds: null,
    });
    expect(failure.retryable).toBe(false);
    expect(failure.suggestion).toMatch(/normal user/);
    expect(failure.suggestion).toMatch(/--permission-mode acceptEdits/);
    expect(failure.suggestion).toMatch(/IS_SANDBOX=1/);
  });
});
