/**
 * The CI report's rules on hostile text (a result or prompt may hold anything a model wrote): a table cell stays
 * one cell, HTML stays text, the JUnit report stays well-formed XML, an output value cannot start another output,
 * and a secret inside another secret is hidden whole.
 */
import { describe, expect, it } from 'vitest';
import type { Task } from '../../src/domain/vocabulary.js';
import { readWork } from '../../src/ci/inputs.js';
import { githubOutputLines } from '../../src/ci/platform.js';
import { junitReport, markdownSummary, taskReport } from '../../src/ci/report.js';
import { maskCommands, redact, secretValues } from '../../src/ci/secrets.js';
import { parseOutputFile } from './ci-harness.js';

function task(fields: Partial<Task>): Task {
  return {
    id: 7,
    status: 'completed',
    execution_prompt: 'Fix it',
    identifier: null,
    started_at: '2026-12-01T10:00:00.000Z',
    finished_at: '2026-12-01T10:01:05.000Z',
    cost_usd: 0.5,
    attempt_count: 2,
    result: 'ok',
    error: null,
    status_reason: null,
    last_action: null,
    ...fields,
  } as Task;
}

describe('CI report', () => {
  it('shows the first line of a result with pipes and HTML inside its one table cell, as text', () => {
    const summary = markdownSummary(
      taskReport(task({ result: 'a | b <script>alert(1)</script>\nsecond line' })),
    );
    const row = summary.split('\n').find((line) => line.startsWith('| #7 '))!;
    expect(row).toBe(
      '| #7 Fix it | ✅ completed | 1m 05s | $0.5000 | 2 | a \\| b &lt;script&gt;alert(1)&lt;/script&gt; |',
    );
    expect(summary).not.toContain('<script>');
    expect(summary).not.toContain('second line');
  });

  it('writes well-formed JUnit XML whatever the failure says', () => {
    const failed = task({
      status: 'failed',
      result: null,
      error: {
        code: 'execution_error',
        message: 'bad "quote" & <tag>\u0007',
        suggestion: 'Look at <logs> & retry',
        retryable: false,
        exit_code: 1,
        exit_meaning: null,
        retry_after_ms: null,
      },
    });
    const xml = junitReport(taskReport(failed));
    expect(xml).toContain('<failure message="execution_error: bad &quot;quote&quot; &amp; &lt;tag&gt;">');
    // eslint-disable-next-line no-control-regex -- the characters XML 1.0 forbids
    expect(xml).not.toMatch(/[\u0000-\u0008]/);
    // Every opened element is closed (a cheap well-formedness check without an XML dependency).
    const tags = [...xml.matchAll(/<(\/?)([a-z-]+)[^>]*?(\/?)>/g)];
    const stack: string[] = [];
    for (const [, closing, name, selfClosing] of tags) {
      if (selfClosing) continue;
      if (closing) expect(stack.pop()).toBe(name);
      else stack.push(name!);
    }
    expect(stack).toEqual([]);
  });

  it('cannot be tricked into a second output by a value holding a newline or the delimiter form', () => {
    const text = githubOutputLines({ status: 'failed\nstatus=completed', 'task-id': 'x<<EOF' }, 'cw_abc');
    expect(parseOutputFile(text)).toEqual({ status: 'failed status=completed', 'task-id': 'x<<EOF' });
  });

  it('hides a secret containing another secret whole, masks each line of a multi-line one', () => {
    const secrets = secretValues({
      SHORT_TOKEN: 'abcdef',
      LONG_TOKEN: 'xxabcdefyy',
      PORT_KEY: '80',
      HOME: '/home/me',
    });
    expect(redact('a xxabcdefyy b abcdef', secrets)).toBe('a *** b ***');
    expect(secrets).not.toContain('80');
    expect(secrets).not.toContain('/home/me');
    const pem = secretValues({ DEPLOY_PRIVATE_KEY: '-----BEGIN-----\nMIIEvQIBADANBg\n-----END-----' });
    expect(maskCommands(pem)).toContain('::add-mask::MIIEvQIBADANBg');
    expect(maskCommands(pem).join('\n')).not.toMatch(/add-mask::[^\n]*\n[^:]/);
  });

  it('refuses a workflow given together with task options, naming them', () => {
    expect(() => readWork({ CW_WORKFLOW: 'w.yaml', CW_MODEL: 'opus', CW_DIR: 'src' })).toThrow(
      /so model, dir cannot be given with it/,
    );
    expect(readWork({ CW_PROMPT: 'x', CW_TAGS: 'a, b,' }).args).toEqual([
      'run',
      '--json',
      '--dir',
      '.',
      '--tag',
      'a',
      '--tag',
      'b',
    ]);
  });
});
