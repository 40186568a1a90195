/**
 * Workflow text that is hostile or not a workflow at all (issue 9, items 11, 12, 14): each is one validation problem
 * that says what is wrong, never a crash, a stack overflow or pages of parser errors. Legitimate reuse of anchors works.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ClaudeWorkerError } from '../../src/domain/errors.js';
import { parseWorkflowText } from '../../src/workflow/parse.js';

function problem(text: string, format?: 'json' | 'yaml'): string {
  try {
    parseWorkflowText(text, { sourceName: 'flow', format });
  } catch (err) {
    expect(err).toBeInstanceOf(ClaudeWorkerError);
    const issues = (err as ClaudeWorkerError).issues;
    expect(issues).toHaveLength(1);
    return issues[0]?.message ?? '';
  }
  throw new Error('accepted');
}

function bomb(levels: number): string {
  const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
  for (let i = 1; i < levels; i++) {
    const name = String.fromCharCode(97 + i);
    lines.push(
      `${name}: &${name} [${Array(10)
        .fill(`*${String.fromCharCode(96 + i)}`)
        .join(', ')}]`,
    );
  }
  return lines.join('\n');
}

describe('hostile workflow text', () => {
  it.each([
    [
      'JSON nested 5,000 levels',
      `{"tasks":${'['.repeat(5000)}${']'.repeat(5000)}}`,
      /nested more than 64 levels deep \(at tasks\[0\]/,
    ],
    ['YAML nested 100 levels', `tasks: ${'['.repeat(100)}${']'.repeat(100)}`, /nested more than 64 levels/],
    [
      'an alias expansion bomb',
      bomb(9),
      /expand to more than 10000 copies \(the first alias is \*a at line 2, column \d+\).*alias expansion bomb/s,
    ],
    [
      'binary with NUL bytes',
      Buffer.concat([Buffer.from([0]), randomBytes(4096)]).toString('utf8'),
      /not a text file \(it contains NUL bytes\)/,
    ],
    [
      'bytes that are not UTF-8',
      Buffer.from(Array.from({ length: 2000 }, (_, i) => 0x80 + (i % 64))).toString('utf8'),
      /not a text file \(it is mostly bytes that are not UTF-8 text\)/,
    ],
  ])('%s', (_name, text, says) => {
    expect(problem(text)).toMatch(says);
  });

  it('150 tasks reusing two anchors parse, with merge keys', () => {
    const lines = ['defaults: &shared {working_directory: /tmp, priority: 1}', 'tasks:'];
    for (let i = 0; i < 150; i++) {
      lines.push(`  - <<: *shared`, `    identifier: t${i}`, `    execution_prompt: x`);
      lines.push(i === 0 ? '    env: &env {A: "1", B: "2", C: "3"}' : '    env: *env');
    }
    const doc = parseWorkflowText(lines.join('\n'), { sourceName: 'flow.yaml' }) as {
      tasks: Record<string, unknown>[];
    };
    expect(doc.tasks).toHaveLength(150);
    expect(doc.tasks[149]).toMatchObject({ identifier: 't149', working_directory: '/tmp', env: { C: '3' } });
  });

  it('text with a few control characters is still text', () => {
    const text = `tasks:\n  - identifier: a\n    execution_prompt: "bold \u001b[1m"\n${'    # ok\n'.repeat(20)}`;
    expect(() =>
      parseWorkflowText(text.replace('\u001b', '\u0007'), { sourceName: 'flow.yaml' }),
    ).not.toThrow();
  });
});
