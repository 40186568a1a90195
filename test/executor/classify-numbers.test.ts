/**
 * Status codes are read only where they are status codes. A crash whose stderr holds 401, 429, 500 or 529 as a
 * line or column of a stack frame, a folder in a path, part of a timestamp or a duration must come out as a crash
 * (retried), not as `auth` (never retried) or a rate limit; the API's own ways of saying a status still classify.
 */
import { describe, expect, it } from 'vitest';
import type { FailureCode } from '../../src/domain/vocabulary.js';
import { classifyFailure } from '../../src/executor/classify.js';
import { codeForText } from '../../src/executor/classify-text.js';

/** Claude Code exited with code 1 and this on stderr (how a Node crash of the CLI reaches us). */
function crashWith(stderr: string) {
  return classifyFailure({
    result: null,
    assistantErrors: [],
    thrown: Object.assign(new Error('Claude Code process exited with code 1'), {
      errorClass: 'process_exited_nonzero',
      exitCode: 1,
    }),
    aborted: false,
    stderr,
    messageCount: 3,
  });
}

const nodeCrash = (line: number, column: number, dir = '/usr/lib/node_modules/@anthropic-ai/claude-code') =>
  [
    `file://${dir}/cli.js:${line}`,
    '    throw new TypeError("Cannot read properties of undefined (reading \'content\')");',
    '    ^',
    '',
    "TypeError: Cannot read properties of undefined (reading 'content')",
    `    at readFrame (file://${dir}/cli.js:${line}:${column})`,
    `    at Socket.<anonymous> (file://${dir}/cli.js:${line + 7}:3)`,
    '    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)',
    '',
    'Node.js v20.11.1',
  ].join('\n');

const strayNumbers: Array<[string, string]> = [
  ['401 as the line of a stack frame', nodeCrash(401, 12)],
  ['429 as the line of a stack frame', nodeCrash(429, 7)],
  ['529 as the line of a stack frame', nodeCrash(529, 30)],
  ['500 as the line of a stack frame', nodeCrash(500, 1)],
  ['401 as a column', nodeCrash(12, 401)],
  ['429 as a column', nodeCrash(88, 429)],
  ['401 in a path', nodeCrash(17, 5, '/home/dev/builds/401/node_modules/claude-code')],
  ['429 in a path', nodeCrash(17, 5, '/tmp/job-429/claude')],
  ['529 in a path', nodeCrash(17, 5, '/srv/529/claude')],
  ['503 in a path', nodeCrash(17, 5, '/srv/releases/503/claude')],
  [
    'numbers in timestamps',
    '[2026-12-01T04:29:01.401Z] fatal: worker thread exited\n[2026-12-01T05:29:00.529Z] giving up after 3 tries',
  ],
  ['durations and counts', 'flushed 401 entries in 529 ms; 429 files left; pid 500 exited'],
  [
    'a bare line number in an assertion',
    'AssertionError [ERR_ASSERTION]: expected frame at 401\n    at check (/app/dist/proto.js:401:11)',
  ],
  ['a port and an address', 'listening on 127.0.0.1:4290 failed, retrying on :529'],
];

describe('numbers that are not status codes', () => {
  it.each(strayNumbers)('a crash with %s is a crash, retried', (_name, stderr) => {
    const failure = crashWith(stderr);
    expect(failure.code).toBe('process_crashed');
    expect(failure.retryable).toBe(true);
  });

  it.each(strayNumbers)('words with %s point to no class', (_name, text) => {
    expect(codeForText(text)).toBeNull();
  });

  it('an error result whose text holds a stack frame at line 401 is not an auth failure', () => {
    const failure = classifyFailure({
      result: {
        subtype: 'success',
        is_error: true,
        api_error_status: null,
        result: 'Unexpected error\n    at handle (/opt/claude/cli.js:401:12)',
      },
      assistantErrors: [],
      thrown: undefined,
      aborted: false,
      stderr: '',
      messageCount: 4,
    });
    expect(failure.code).toBe('execution_error');
  });
});

const statuses: Array<[string, FailureCode]> = [
  ['API Error: 401 {"type":"error","error":{"type":"authentication_error"}}', 'auth'],
  ['API Error: 401 · Please run /login', 'auth'],
  ['{"type":"result","is_error":true,"api_error_status":401}', 'auth'],
  ['request failed with status 403', 'auth'],
  ['API Error: Request rejected (429) · rate limited', 'rate_limit'],
  ['upstream answered status 429', 'rate_limit'],
  ['status: 429', 'rate_limit'],
  ['statusCode=429', 'rate_limit'],
  ['HTTP/1.1 429 Too Many Requests', 'rate_limit'],
  ['request rejected (429)', 'rate_limit'],
  ['API Error: 529 {"type":"error"}', 'overloaded'],
  ['HTTP 529', 'overloaded'],
  ['"error_status":529', 'overloaded'],
  ['API Error: 500 {"type":"error","error":{"type":"internal"}}', 'server_error'],
  ['HTTP 503', 'server_error'],
  ['502 Bad Gateway', 'server_error'],
  ['status 500 from api.anthropic.com', 'server_error'],
];

describe('status codes where they are status codes', () => {
  it.each(statuses)('"%s" → %s', (text, code) => {
    expect(codeForText(text)).toBe(code);
  });

  it.each(statuses)('a crash whose stderr says "%s" is %s', (text, code) => {
    expect(crashWith(`${nodeCrash(401, 12)}\n${text}`).code).toBe(code);
  });
});
