/**
 * The built CLI's orchestration commands end to end, as a user runs them: dry runs of the shipped examples, an
 * invalid file with every problem printed, a diamond with a failing branch followed with --watch (the stand-in's own
 * record of starts must respect every dependency), `retry` re-arming the skipped dependent, the --json outputs, and
 * cancelling — against a real server and the Claude Code stand-in driven by the real Agent SDK.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrchestrationDetail, OrchestrationTask } from '../../src/domain/vocabulary.js';
import type { OrchestrationList } from '../../src/client/http-client.js';
import { CliHarness } from './cli-harness.js';

const EXAMPLES = fileURLToPath(new URL('../../examples/', import.meta.url));

let cli: CliHarness;
let flows: string;

beforeAll(() => {
  cli = new CliHarness('orchestrations');
  flows = join(cli.root, 'flows');
  mkdirSync(flows, { recursive: true });
});
afterAll(async () => {
  await cli.cleanup();
});

interface Start {
  started_at_ms: number;
  prompt: string;
  cwd: string;
}

function readStarts(path: string): Start[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Start);
}

function orchestrationIdOf(stdout: string): number {
  const match = /^Orchestration (\d+) submitted/m.exec(stdout);
  if (!match) throw new Error(`no orchestration id in: ${stdout}`);
  return Number(match[1]);
}

async function detailOf(id: number): Promise<OrchestrationDetail> {
  return JSON.parse(await cli.ok(['orchestration-status', String(id), '--json'])) as OrchestrationDetail;
}

function taskNamed(detail: OrchestrationDetail, identifier: string): OrchestrationTask {
  const found = detail.tasks.find((t) => t.identifier === identifier);
  if (!found) throw new Error(`no task ${identifier}`);
  return found;
}

describe('claude-worker orchestrate --dry-run', () => {
  it('prints the plan of each shipped example (levels, parallel groups, delays) and creates nothing', async () => {
    const diamond = await cli.run(['orchestrate', join(EXAMPLES, 'diamond.json'), '--dry-run']);
    expect(diamond.code, diamond.stderr).toBe(0);
    expect(diamond.stdout).toContain('Plan for "diamond": 4 tasks in 3 levels');
    expect(diamond.stdout).toMatch(
      /Level 2 · 2 tasks, in parallel\n {2}first_change +after plan\n {2}second_change +after plan/,
    );
    expect(diamond.stdout).toContain('Critical path: plan → first_change → review');
    expect(diamond.stdout).toContain(`working directory: ${EXAMPLES.replace(/\/$/, '')}`);

    const release = await cli.run(['orchestrate', join(EXAMPLES, 'release.yaml'), '--dry-run']);
    expect(release.code, release.stderr).toBe(0);
    expect(release.stdout).toContain('Plan for "release-check": 5 tasks in 4 levels');
    expect(release.stdout).toContain('Level 1 · 2 tasks, in parallel');
    expect(release.stdout).toMatch(/release_notes +after test, lint · starts 10 s after it is ready/);
    expect(release.stdout).toContain('budget $5.00');

    const original = await cli.run(['orchestrate', join(EXAMPLES, 'original-format.json'), '--dry-run']);
    expect(original.code, original.stderr).toBe(0);
    expect(original.stdout).toContain('3 tasks in 3 levels');
    expect(original.stdout).toContain('Delays alone keep it running at least 5 s after submission');

    const audit = await cli.run(['orchestrate', join(EXAMPLES, 'fan-out-audit.yaml'), '--dry-run', '--json']);
    expect(audit.code, audit.stderr).toBe(0);
    const plan = JSON.parse(audit.stdout) as {
      valid: boolean;
      plan: { levels: string[][]; tasks: Array<{ task: { working_directory: string } }> };
    };
    expect(plan.valid).toBe(true);
    expect(plan.plan.levels).toEqual([
      ['audit_project', 'audit_examples'],
      ['alert', 'summary'],
    ]);
    // `..` in the file is the folder above examples/, made absolute by the CLI.
    expect(plan.plan.tasks[0]?.task.working_directory).toBe(join(EXAMPLES, '..'));

    const listed = JSON.parse(await cli.ok(['list-orchestrations', '--json'])) as OrchestrationList;
    expect(listed.orchestrations).toEqual([]);
  });

  it('reads the workflow from stdin with -, resolving relative directories against the current folder', async () => {
    const document = JSON.stringify({
      tasks: [{ identifier: 'only', execution_prompt: 'Hi', working_directory: '.' }],
    });
    const result = await cli.run(['orchestrate', '-', '--dry-run'], { input: document });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`working directory: ${cli.work}`);
  });

  it('prints every problem of an invalid file and exits 2, creating nothing', async () => {
    const file = join(flows, 'broken.yaml');
    writeFileSync(
      file,
      [
        'tasks:',
        '  - identifier: build',
        '    execution_prompt: Build it',
        '    working_directory: ../proj',
        '  - identifier: test',
        '    execution_prompt: Test it',
        '    working_directory: ../proj',
        '    depends_on: [buidl]',
        '  - identifier: test',
        '    execution_prompt: Test again',
        '    working_directory: ./missing-folder',
        '  - identifier: a',
        '    execution_prompt: A',
        '    working_directory: ../proj',
        '    depends_on: [b]',
        '  - identifier: b',
        '    execution_prompt: B',
        '    working_directory: ../proj',
        '    depends_on: [a]',
        '    trigger_rule: always',
      ].join('\n'),
    );
    for (const args of [['--dry-run'], []]) {
      const result = await cli.run(['orchestrate', file, ...args]);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain(`error: ${file} has 5 problems:`);
      expect(result.stderr).toContain(
        'tasks[1].depends_on[0]: unknown identifier "buidl"; did you mean "build"?',
      );
      expect(result.stderr).toContain('tasks[2].identifier: "test" is used twice (also tasks[1])');
      expect(result.stderr).toContain(
        `tasks[2].working_directory: "${join(flows, 'missing-folder')}" does not exist`,
      );
      expect(result.stderr).toContain('tasks[3].depends_on[0]: dependency cycle: a → b → a');
      expect(result.stderr).toMatch(/tasks\[4\]\.trigger_rule: unknown trigger rule "always"/);
    }
    const syntax = join(flows, 'syntax.yaml');
    writeFileSync(syntax, 'tasks:\n  - identifier: a\n\texecution_prompt: x\n');
    const bad = await cli.run(['orchestrate', syntax, '--dry-run']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/not valid YAML at line 3/);

    const listed = JSON.parse(await cli.ok(['list-orchestrations', '--json'])) as OrchestrationList;
    expect(listed.orchestrations).toEqual([]);
  });
});

describe('claude-worker orchestrate --watch, retry, status and list', () => {
  it('runs a diamond with a failing branch in dependency order, and retry re-arms the skipped join', async () => {
    const record = join(cli.root, 'diamond-starts.jsonl');
    const file = join(flows, 'diamond-with-failing-branch.yaml');
    writeFileSync(
      file,
      `name: diamond-with-failing-branch
defaults:
  working_directory: ../proj   # relative to this file
  max_attempts: 1
  env:
    FAKE_CLAUDE_RECORD: ${record}
tasks:
  - identifier: a
    execution_prompt: "[fake:slow steps=2 delay_ms=100] Task a: plan"
  - identifier: b
    depends_on: [a]
    execution_prompt: "Task b: left"
  - identifier: c
    depends_on: [a]
    execution_prompt: "[fake:fail_first n=1 fail_as=exit state=c-runs.txt] Task c: right"
  - identifier: d
    depends_on: [b, c]
    execution_prompt: "Task d: join after {{ tasks.b.result }}"
`,
    );

    const watched = await cli.run(['orchestrate', file, '--watch'], { cwd: cli.root, timeoutMs: 40_000 });
    expect(watched.code, watched.stderr).toBe(1);
    const id = orchestrationIdOf(watched.stdout);
    expect(watched.stdout).toContain(`Orchestration ${id} submitted: 4 tasks (1 ready, 3 waiting).`);
    expect(watched.stdout).toMatch(/^ {2}d #\d+ skipped · .*"c"/m);
    expect(watched.stdout).toContain(`Orchestration ${id} failed: 2 completed, 1 failed, 1 skipped`);

    const failed = await detailOf(id);
    expect(failed.status).toBe('failed');
    const statuses = Object.fromEntries(failed.tasks.map((t) => [t.identifier, t.status]));
    expect(statuses).toEqual({ a: 'completed', b: 'completed', c: 'failed', d: 'skipped' });
    expect(taskNamed(failed, 'd').depends_on).toEqual(['b', 'c']);
    const c = taskNamed(failed, 'c');
    expect(watched.stdout).toContain(`claude-worker retry ${c.id}`);

    // The stand-in's own record: a first, b and c after a finished, d never.
    const starts = readStarts(record);
    const startOf = (name: string) => starts.filter((s) => s.prompt.includes(`Task ${name}:`));
    expect(startOf('a')).toHaveLength(1);
    expect(startOf('b')).toHaveLength(1);
    expect(startOf('c')).toHaveLength(1);
    expect(startOf('d')).toHaveLength(0);
    expect(starts.every((s) => s.cwd === cli.work)).toBe(true);
    const finishedAt = (name: string) => Date.parse(taskNamed(failed, name).finished_at ?? '');
    for (const name of ['b', 'c'])
      expect(startOf(name)[0]!.started_at_ms).toBeGreaterThanOrEqual(finishedAt('a'));

    // Retry the failed branch: it succeeds now, the join waits for it again and then runs.
    const retried = await cli.run(['retry', String(c.id)]);
    expect(retried.code, retried.stderr).toBe(0);
    const again = await cli.run(['orchestration-status', String(id), '--watch'], { timeoutMs: 40_000 });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain(`Orchestration ${id} completed: 4 completed`);

    const completed = await detailOf(id);
    expect(completed.status).toBe('completed');
    expect(completed.counts.completed).toBe(4);
    const after = readStarts(record);
    const startsOf = (name: string) => after.filter((s) => s.prompt.includes(`Task ${name}:`));
    expect(startsOf('c')).toHaveLength(2);
    expect(startsOf('d')).toHaveLength(1);
    const doneAt = (name: string) => Date.parse(taskNamed(completed, name).finished_at ?? '');
    expect(startsOf('d')[0]!.started_at_ms).toBeGreaterThanOrEqual(doneAt('c'));
    expect(startsOf('d')[0]!.started_at_ms).toBeGreaterThanOrEqual(doneAt('b'));
    expect(startsOf('d')[0]!.prompt).toBe('Task d: join after done: Task b: left');

    // The human status: a tree indented by dependency level.
    const tree = await cli.ok(['orchestration-status', String(id)]);
    expect(tree).toMatch(
      new RegExp(`^Orchestration ${id} "diamond-with-failing-branch" completed · 4 of 4 finished`, 'm'),
    );
    expect(tree).toMatch(/^ {2}a +#\d+ +completed/m);
    expect(tree).toMatch(/^ {4}b +#\d+ +completed/m);
    expect(tree).toMatch(/^ {6}d +#\d+ +completed .*done: Task d: join after done: Task b: left/m);

    // list-orchestrations: the REST page, filtered by status.
    const all = JSON.parse(await cli.ok(['list-orchestrations', '--json'])) as OrchestrationList;
    expect(all.orchestrations.find((o) => o.id === id)).toMatchObject({
      name: 'diamond-with-failing-branch',
      status: 'completed',
      task_count: 4,
    });
    const onlyFailed = JSON.parse(
      await cli.ok(['list-orchestrations', '--status', 'failed', '--json']),
    ) as OrchestrationList;
    expect(onlyFailed.orchestrations.map((o) => o.id)).not.toContain(id);
    const table = await cli.ok(['list-orchestrations', '--status', 'completed']);
    expect(table.split('\n')[0]).toMatch(/^ID\s+STATUS\s+NAME\s+TASKS/);
    expect(table).toMatch(new RegExp(`^${id}\\s+completed\\s+diamond-with-failing-branch\\s+4/4`, 'm'));
  }, 120_000); // a watch of up to 40 s, then a retry and its watch, then six CLI reads: slow on a loaded machine

  it('submits without --watch, prints the id, and cancel-orchestration stops it', async () => {
    const file = join(flows, 'long.json');
    writeFileSync(
      file,
      JSON.stringify({
        name: 'long',
        tasks: [
          {
            identifier: 'slow',
            execution_prompt: '[fake:slow steps=600 delay_ms=100] Task slow: long',
            working_directory: '../proj',
          },
          {
            identifier: 'next',
            execution_prompt: 'Task next: after',
            working_directory: '../proj',
            depends_on: ['slow'],
          },
        ],
      }),
    );
    const submitted = await cli.run(['orchestrate', file]);
    expect(submitted.code, submitted.stderr).toBe(0);
    const id = orchestrationIdOf(submitted.stdout);
    expect(submitted.stdout).toBe(
      `Orchestration ${id} submitted: 2 tasks (1 ready, 1 waiting). Watch it: claude-worker orchestration-status ${id} --watch\n`,
    );
    const slowId = taskNamed(await detailOf(id), 'slow').id;
    await cli.waitFor(slowId, (t) => t.status === 'running');

    const cancelled = await cli.run(['cancel-orchestration', String(id)]);
    expect(cancelled.code, cancelled.stderr).toBe(0);
    expect(cancelled.stdout).toMatch(
      new RegExp(`^Orchestration ${id}: cancel requested; 1 running task is being stopped`),
    );
    const watched = await cli.run(['orchestration-status', String(id), '--watch', '--json'], {
      timeoutMs: 20_000,
    });
    expect(watched.code).toBe(1);
    const detail = JSON.parse(watched.stdout) as OrchestrationDetail;
    expect(detail.status).toBe('cancelled');
    expect(detail.tasks.map((t) => t.status)).toEqual(['cancelled', 'cancelled']);

    const again = await cli.run(['cancel-orchestration', String(id)]);
    expect(again.code).toBe(1);
    const unknown = await cli.run(['orchestration-status', '999999']);
    expect(unknown.code).toBe(2);
    const notANumber = await cli.run(['orchestration-status', 'abc']);
    expect(notANumber.code).toBe(2);
    expect(notANumber.stderr).toContain('An orchestration id is a positive whole number');
  });
});
