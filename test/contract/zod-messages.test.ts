/**
 * Every kind of problem zod reports reads in our words: no "Invalid option", "expected string, received number",
 * "Too small" or "Unrecognized key" reaches a user. Each schema below raises one issue code.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { OrchestrationDocument } from '../../src/contract/orchestration-schemas.js';
import { CreateTaskInput, ListTasksQuery } from '../../src/contract/task-schemas.js';
import { zodIssues } from '../../src/contract/zod-issues.js';
import '../../src/contract/zod-messages.js';

/** Words of zod's English locale that must never reach a user. */
const LIBRARY_WORDING =
  /Invalid input|Invalid option|expected (string|number|one of)|received|Too (small|big)|Unrecognized key|Invalid (string|key|element)|Invalid element|must match pattern|Invalid literal|NaN/;

function messages(schema: z.ZodType, input: unknown): string[] {
  const parsed = schema.safeParse(input);
  expect(parsed.success, `accepted ${JSON.stringify(input)}`).toBe(false);
  if (parsed.success) return [];
  return zodIssues(parsed.error).map((i) => (i.path ? `${i.path}: ${i.message}` : i.message));
}

describe('zod issue translation', () => {
  const cases: { code: string; schema: z.ZodType; input: unknown; says: RegExp }[] = [
    {
      code: 'invalid_type',
      schema: z.object({ a: z.string() }),
      input: { a: 42 },
      says: /a: must be text, not 42/,
    },
    { code: 'invalid_type (missing)', schema: z.object({ a: z.string() }), input: {}, says: /a: missing/ },
    {
      code: 'invalid_value',
      schema: z.enum(['running', 'queued']),
      input: 'runing',
      says: /unknown value "runing"; did you mean "running"\? \(one of "running", "queued"\)/,
    },
    {
      code: 'invalid_value (literal)',
      schema: z.literal('x'),
      input: 'y',
      says: /must be "x", not text "y"/,
    },
    { code: 'too_big', schema: z.number().max(3), input: 4, says: /must be at most 3/ },
    { code: 'too_big (string)', schema: z.string().max(3), input: 'abcd', says: /at most 3 characters/ },
    { code: 'too_small', schema: z.number().min(3), input: 1, says: /must be at least 3/ },
    { code: 'too_small (array)', schema: z.array(z.string()).min(1), input: [], says: /must not be empty/ },
    { code: 'invalid_format', schema: z.string().regex(/^a$/), input: 'b', says: /not in the expected form/ },
    { code: 'invalid_format (email)', schema: z.email(), input: 'b', says: /must be a valid email/ },
    { code: 'not_multiple_of', schema: z.number().multipleOf(5), input: 7, says: /multiple of 5/ },
    {
      code: 'unrecognized_keys',
      schema: z.strictObject({ name: z.string() }),
      input: { name: 'x', nmae: 'y' },
      says: /unknown field "nmae"; did you mean "name"\?/,
    },
    {
      code: 'invalid_key',
      schema: z.record(z.string().regex(/^[a-z]+$/), z.string()),
      input: { A1: 'x' },
      says: /name that is not allowed/,
    },
    {
      code: 'invalid_union',
      schema: z.union([z.string(), z.number()]),
      input: true,
      says: /true is not allowed/,
    },
    {
      code: 'invalid_element',
      schema: z.map(z.string(), z.number()),
      input: new Map([['a', 'x']]),
      says: /must be a number|not allowed/,
    },
    { code: 'custom', schema: z.string().refine(() => false), input: 'x', says: /is not valid/ },
  ];
  it.each(cases)('$code reads in our words', ({ schema, input, says }) => {
    const text = messages(schema, input).join('\n');
    expect(text).toMatch(says);
    expect(text).not.toMatch(LIBRARY_WORDING);
  });

  it('task fields say what was expected and what came', () => {
    const text = messages(CreateTaskInput, { execution_prompt: 42, working_directory: '/tmp' }).join('\n');
    expect(text).toBe('execution_prompt: must be text (the prompt), not 42');
  });

  it('an unknown status names the closest one and the list', () => {
    const text = messages(ListTasksQuery, { status: 'runing' }).join('\n');
    expect(text).toMatch(
      /unknown status "runing"; did you mean "running"\? \(one of "waiting", "queued", "running"/,
    );
  });

  it('no message of any schema field falls back to library wording, whatever the wrong input', () => {
    const wrong: unknown[] = [42, 'x', true, null, [1], { a: 1 }, -1, 1.5, 1e9, ''];
    for (const [field] of Object.entries(CreateTaskInput.shape)) {
      for (const value of wrong) {
        const parsed = CreateTaskInput.safeParse({
          execution_prompt: 'x',
          working_directory: '/tmp',
          [field]: value,
        });
        if (parsed.success) continue;
        for (const issue of zodIssues(parsed.error))
          expect(issue.message, field).not.toMatch(LIBRARY_WORDING);
      }
    }
    const doc = (task: Record<string, unknown>) => ({
      tasks: [{ identifier: 'a', execution_prompt: 'x', working_directory: '/tmp', ...task }],
    });
    for (const field of [
      'timeout',
      'initial_delay',
      'retry_base_seconds',
      'trigger_rule',
      'depends_on',
      'identifier',
    ]) {
      for (const value of wrong) {
        const parsed = OrchestrationDocument.safeParse(doc({ [field]: value }));
        if (parsed.success) continue;
        for (const issue of zodIssues(parsed.error))
          expect(issue.message, field).not.toMatch(LIBRARY_WORDING);
      }
    }
  });
});
