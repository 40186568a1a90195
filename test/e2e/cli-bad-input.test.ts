/**
 * Hostile and mistaken input through the built CLI (issue 9, items 10–12, 14, 23): each is refused with a sentence
 * that says what is wrong and how to fix it, exit 2, and the server is untouched (same process, still answering,
 * nothing created). Legitimate YAML reuse and CLI-style durations in files work.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliHarness } from './cli-harness.js';

let cli: CliHarness;
let serverPid = 0;

beforeAll(async () => {
  cli = new CliHarness('bad-input');
  await cli.ok(['server', 'start']);
  serverPid = cli.serverInfo()?.pid ?? 0;
  expect(serverPid).toBeGreaterThan(0);
}, 60_000);
afterAll(async () => {
  await cli.cleanup();
});

function file(name: string, content: string | Buffer): string {
  const path = join(cli.root, name);
  writeFileSync(path, content);
  return path;
}

/** The server is the same process, still answers, and holds no task. */
async function expectServerUntouched(): Promise<void> {
  expect(cli.serverInfo()?.pid).toBe(serverPid);
  expect(await cli.tasks()).toEqual([]);
}

// eslint-disable-next-line no-control-regex -- the point is to find control bytes
const CONTROL_BYTES = /[\u0000-\u0008\u000e-\u001a\u001c-\u001f\u007f]/;

describe('refused with what is wrong, exit 2, server untouched', () => {
  it('a workflow nested 5,000 levels deep (JSON)', async () => {
    const deep = `{"tasks":${'['.repeat(5000)}${']'.repeat(5000)}}`;
    const result = await cli.run(['orchestrate', file('deep.json', deep)]);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(/nested more than 64 levels deep \(at tasks\[0\]/);
    expect(result.stderr).not.toMatch(/No claude-worker server answers/);
    await expectServerUntouched();
  });

  it('a workflow nested 5,000 levels deep on stdin', async () => {
    const deep = `{"tasks":[{"identifier":"a","env":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}]}`;
    const result = await cli.run(['orchestrate', '-'], { input: deep });
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(/nested more than 64 levels deep/);
    await expectServerUntouched();
  });

  it('an 8 MB piped prompt, every time: the limit and how to raise it', async () => {
    const prompt = randomBytes(6_000_000).toString('base64');
    for (let i = 0; i < 4; i++) {
      const result = await cli.run(['run', '--dir', '.'], { input: prompt, timeoutMs: 60_000 });
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toMatch(/over the limit of 1048576 bytes/);
      expect(result.stderr).toMatch(/CLAUDE_WORKER_BODY_LIMIT_BYTES/);
      expect(result.stderr).not.toMatch(/No claude-worker server answers/);
    }
    await expectServerUntouched();
  }, 120_000);

  it('a binary file given to orchestrate: one sentence, no control bytes', async () => {
    const bytes = randomBytes(64 * 1024);
    bytes[10] = 0;
    const result = await cli.run(['orchestrate', file('flow.bin', bytes)]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/is not a text file \(it contains NUL bytes\)/);
    expect(result.stderr.length).toBeLessThan(1000);
    expect(result.stderr).not.toMatch(CONTROL_BYTES);
    await expectServerUntouched();
  });

  it('a YAML alias expansion bomb: a validation error with its place', async () => {
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 10; i++) {
      const name = String.fromCharCode(97 + i);
      const previous = String.fromCharCode(96 + i);
      lines.push(`${name}: &${name} [${Array(10).fill(`*${previous}`).join(', ')}]`);
    }
    lines.push('tasks: *j');
    const result = await cli.run(['orchestrate', file('bomb.yaml', lines.join('\n'))]);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toMatch(/alias expansion bomb/);
    expect(result.stderr).toMatch(/line 2, column \d+/);
    expect(result.stderr).not.toMatch(/unexpected|please report/i);
    await expectServerUntouched();
  });

  it('an id beyond the safe range is refused, not read as its neighbour', async () => {
    for (const args of [
      ['status', '9007199254740993'],
      ['cancel', '9007199254740993'],
      ['orchestration-status', '9007199254740993'],
    ]) {
      const result = await cli.run(args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toMatch(/too large: ids are at most 9007199254740991/);
    }
  });

  it('list --status with a misspelt status suggests the right one', async () => {
    const result = await cli.run(['list', '--status', 'runing']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/unknown status "runing"; did you mean "running"\? \(one of "waiting"/);
    expect(result.stderr).not.toMatch(/Invalid option|expected one of/);
  });

  it('a prompt that is a number, in our words', async () => {
    const flow = file(
      'number.yaml',
      `tasks:\n  - identifier: a\n    execution_prompt: 42\n    working_directory: .\n`,
    );
    const result = await cli.run(['orchestrate', flow, '--dry-run']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/tasks\[0\]\.execution_prompt: must be text \(the prompt\), not 42/);
    expect(result.stderr).not.toMatch(/expected string|received/);
  });

  it('a bad duration in a file says which forms work', async () => {
    const flow = file(
      'soon.yaml',
      `tasks:\n  - identifier: a\n    execution_prompt: x\n    working_directory: .\n    timeout: soon\n`,
    );
    const result = await cli.run(['orchestrate', flow, '--dry-run']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /tasks\[0\]\.timeout: must be seconds, or a duration such as 90s, 30m, 2h, not text "soon"/,
    );
  });
});

describe('legitimate files that used to fail', () => {
  it('150 tasks reusing two anchors (aliases and merge keys) run as a dry run', async () => {
    const legit = file(
      'many-aliases.yaml',
      [
        'defaults: &shared',
        '  working_directory: .',
        '  priority: 1',
        'tasks:',
        ...Array.from({ length: 150 }, (_, i) => [
          `  - <<: *shared`,
          `    identifier: t${i}`,
          `    execution_prompt: step ${i}`,
          i === 0 ? '    env: &env {A: "1", B: "2"}' : '    env: *env',
          i === 0 ? '    tags: &tags [batch, nightly]' : '    tags: *tags',
        ]).flat(),
      ].join('\n'),
    );
    const result = await cli.run(['orchestrate', legit, '--dry-run', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const { plan } = JSON.parse(result.stdout) as { plan: { tasks: { task: Record<string, unknown> }[] } };
    expect(plan.tasks).toHaveLength(150);
    expect(plan.tasks[149]?.task['env']).toEqual({ A: '1', B: '2' });
    expect(plan.tasks[149]?.task['tags']).toEqual(['batch', 'nightly']);
  });

  it('durations in a file take the CLI forms: timeout 30m, initial_delay 2m, retry_cap_seconds 1h', async () => {
    const flow = file(
      'durations.yaml',
      `tasks:\n  - identifier: a\n    execution_prompt: x\n    working_directory: .\n    timeout: 30m\n    initial_delay: 2m\n    retry_cap_seconds: 1h\n`,
    );
    const result = await cli.run(['orchestrate', flow, '--dry-run', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const { plan } = JSON.parse(result.stdout) as {
      plan: { tasks: { task: Record<string, unknown>; initial_delay_seconds: number }[] };
    };
    expect(plan.tasks[0]?.task['timeout_seconds']).toBe(1800);
    expect(plan.tasks[0]?.task['retry_cap_seconds']).toBe(3600);
    expect(plan.tasks[0]?.initial_delay_seconds).toBe(120);
  });
});
