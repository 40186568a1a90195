import { describe, expect, it } from 'vitest';
import { summarizeMessage } from '../../src/executor/message-summary.js';

const assistant = (content: unknown[], extra: Record<string, unknown> = {}) => ({
  type: 'assistant',
  session_id: 's',
  parent_tool_use_id: null,
  message: { id: 'm1', role: 'assistant', model: 'claude-sonnet-5-5', content },
  ...extra,
});
const toolUse = (name: string, input: Record<string, unknown>) =>
  assistant([{ type: 'tool_use', id: 't1', name, input }]);
const toolResult = (content: unknown, isError = false) => ({
  type: 'user',
  message: {
    role: 'user',
    content: [{ type: 'tool_result', tool_use_id: 't1', content, is_error: isError }],
  },
});

describe('summarizeMessage', () => {
  it('summarises init with model and cwd', () => {
    const line = summarizeMessage({
      type: 'system',
      subtype: 'init',
      model: 'claude-sonnet-5-5',
      cwd: '/x',
      session_id: 's',
    });
    expect(line).toBe('[init] model claude-sonnet-5-5, cwd /x');
  });

  it('keeps text on one line and cuts it at 200 characters', () => {
    expect(summarizeMessage(assistant([{ type: 'text', text: 'Let me look\n\nat the   tests.' }]))).toBe(
      '[text] Let me look at the tests.',
    );
    const long = summarizeMessage(assistant([{ type: 'text', text: 'a'.repeat(300) }]));
    expect(long).toBe(`[text] ${'a'.repeat(200)}…`);
  });

  it.each([
    ['Bash', { command: 'npm test', description: 'Run the tests' }, '[tool:Bash] npm test'],
    ['Read', { file_path: '/src/a.ts', offset: 10 }, '[tool:Read] /src/a.ts'],
    ['Write', { file_path: '/src/b.ts', content: 'x' }, '[tool:Write] /src/b.ts'],
    ['Edit', { file_path: '/src/c.ts', old_string: 'a', new_string: 'b' }, '[tool:Edit] /src/c.ts'],
    ['Grep', { pattern: 'TODO', path: 'src' }, '[tool:Grep] TODO'],
    ['Glob', { pattern: '**/*.ts' }, '[tool:Glob] **/*.ts'],
    ['WebFetch', { url: 'https://example.com', prompt: 'summarise' }, '[tool:WebFetch] https://example.com'],
    ['Task', { description: 'Find callers', prompt: 'Search the repo…' }, '[tool:Task] Find callers'],
    ['Task', { prompt: 'Search the repo' }, '[tool:Task] Search the repo'],
    ['TodoWrite', { todos: [{}, {}, {}] }, '[tool:TodoWrite] 3 items'],
    ['mcp__github__create_issue', { title: 'Bug', body: 'x' }, '[tool:mcp__github__create_issue] Bug'],
    ['ExitPlanMode', {}, '[tool:ExitPlanMode]'],
  ])('names the telling input of %s', (name, input, expected) => {
    expect(summarizeMessage(toolUse(name, input))).toBe(expected);
  });

  it('puts a multi-line command on one line', () => {
    expect(summarizeMessage(toolUse('Bash', { command: 'cd src &&\n  npm test' }))).toBe(
      '[tool:Bash] cd src && npm test',
    );
  });

  it('summarises tool results as ok or error, cut at 120 characters', () => {
    expect(summarizeMessage(toolResult('all 12 tests passed'))).toBe('[tool_result] ok: all 12 tests passed');
    expect(summarizeMessage(toolResult([{ type: 'text', text: 'exit 1: boom' }], true))).toBe(
      '[tool_result] error: exit 1: boom',
    );
    expect(summarizeMessage(toolResult('x'.repeat(150)))).toBe(`[tool_result] ok: ${'x'.repeat(120)}…`);
  });

  it('summarises a successful result with turns, cost and duration', () => {
    const line = summarizeMessage({
      type: 'result',
      subtype: 'success',
      is_error: false,
      num_turns: 2,
      total_cost_usd: 0.0123,
      duration_ms: 3400,
      result: 'done',
    });
    expect(line).toBe('[result] success, 2 turns, $0.0123, 3.4 s');
  });

  it('says why a result failed', () => {
    expect(
      summarizeMessage({
        type: 'result',
        subtype: 'success',
        is_error: true,
        api_error_status: 429,
        num_turns: 1,
        total_cost_usd: 0,
        duration_ms: 100,
        result: 'API Error: Request rejected (429)',
      }),
    ).toBe('[result] error (429), 1 turn, $0.0000, 0.1 s: API Error: Request rejected (429)');
    expect(
      summarizeMessage({
        type: 'result',
        subtype: 'error_max_turns',
        is_error: true,
        num_turns: 3,
        errors: ['Reached maximum number of turns (3)'],
      }),
    ).toBe('[result] error_max_turns, 3 turns: Reached maximum number of turns (3)');
  });

  it('summarises API retries and error frames', () => {
    expect(
      summarizeMessage({
        type: 'system',
        subtype: 'api_retry',
        attempt: 2,
        error_status: 429,
        error: 'rate_limit',
      }),
    ).toBe('[api_retry] attempt 2, 429 rate_limit');
    expect(
      summarizeMessage(
        assistant([{ type: 'text', text: 'API Error: 529 Overloaded' }], { error: 'server_error' }),
      ),
    ).toBe('[api_error] server_error: API Error: 529 Overloaded');
  });

  it('returns null for noise and for things it does not know', () => {
    expect(
      summarizeMessage({ type: 'system', subtype: 'session_state_changed', state: 'running' }),
    ).toBeNull();
    expect(summarizeMessage({ type: 'stream_event', event: {} })).toBeNull();
    expect(summarizeMessage({ type: 'something_new' })).toBeNull();
    expect(summarizeMessage(assistant([{ type: 'thinking', thinking: '…' }]))).toBeNull();
    expect(summarizeMessage({ type: 'user', message: { role: 'user', content: 'the prompt' } })).toBeNull();
    expect(summarizeMessage('not an object')).toBeNull();
    expect(summarizeMessage(null)).toBeNull();
  });
});
