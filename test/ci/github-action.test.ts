/**
 * The GitHub Action, run as the runner runs it: the `run:` script of action.yml's "Run claude-worker" step, with its
 * inputs filled in, in a simulated runner (workspace, RUNNER_TEMP, step summary and outputs files) against the
 * BUILT claude-worker and the Claude Code stand-in. A passing task writes the summary and outputs and exits 0; a
 * failing workflow fails the step with the suggestion in the summary and an ::error:: annotation; secrets in the
 * environment never reach the summary, the outputs, the report files or the job log (except the ::add-mask::
 * commands that hide them).
 */
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { formatCost } from '../../src/cli/format.js';
import { CiRunner, REPO } from './ci-harness.js';

const STEP_TIMEOUT = 180_000;

describe('GitHub Action: the step in a simulated runner', () => {
  let runner: CiRunner;
  afterEach(() => runner?.cleanup());

  it(
    'runs a passing task: live progress in the log, a summary row, outputs, the result file, exit 0',
    async () => {
      runner = new CiRunner('gh-pass');
      const step = await runner.runStep('run', {
        prompt: 'Summarise the repository [fake:slow steps=4 delay_ms=2000]',
        model: 'haiku',
        'max-turns': '20',
        tags: 'ci,nightly',
      });
      expect(step.code, step.log).toBe(0);
      const outputs = runner.outputs();
      expect(outputs['status']).toBe('completed');
      const id = Number(outputs['task-id']);
      expect(id).toBeGreaterThan(0);
      expect(outputs['orchestration-id']).toBe('');
      // The live view of `watch`, streamed: progress lines while it ran (8 s: seen even on a loaded machine), then
      // the end line and the result.
      expect(step.log).toMatch(new RegExp(`Task ${id} running`));
      expect(step.log).toMatch(new RegExp(`Task ${id} completed in`));
      expect(step.log).not.toContain('::error');

      // The inputs reached Claude Code.
      const starts = runner.starts();
      expect(starts).toHaveLength(1);
      expect(starts[0]!.model).toMatch(/haiku/);
      expect(starts[0]!.prompt).toContain('Summarise the repository');

      const result = readFileSync(outputs['result-path']!, 'utf8');
      expect(result).toMatch(/^done: Summarise the repository/);
      expect(outputs['result-path']!.startsWith(runner.runnerTemp)).toBe(true);

      const summary = runner.summary();
      expect(summary).toContain(`claude-worker: task ${id} completed`);
      expect(summary).toContain('| Task | Status | Duration | Cost | Attempts | Result or suggestion |');
      const row = summary.split('\n').find((line) => line.startsWith(`| #${id} `));
      expect(row, summary).toBeDefined();
      const cells = row!.split(' | ');
      expect(cells[1]).toContain('completed');
      expect(cells[2]).toMatch(/^(\d+s|\d+m \d{2}s)$/);
      expect(cells[3]).toBe(formatCost(Number(outputs['cost-usd'])));
      expect(Number(outputs['cost-usd'])).toBeGreaterThan(0);
      expect(cells[4]).toBe('1');
      expect(cells[5]).toContain(result.split('\n')[0]!.slice(0, 40));
      expect(readFileSync(outputs['summary-path']!, 'utf8')).toBe(summary);

      // Later steps find the same store: `claude-worker status <id>` there shows this task.
      const home = /^CLAUDE_WORKER_HOME=(.+)$/m.exec(readFileSync(runner.envFile, 'utf8'))?.[1];
      expect(home?.startsWith(runner.runnerTemp)).toBe(true);
      const bin = join(runner.runnerTemp, 'claude-worker-bin'); // what the install step puts on the PATH
      mkdirSync(bin);
      symlinkSync(join(REPO, 'dist/cli/main.js'), join(bin, 'claude-worker'));
      const later = await runner.shell(`claude-worker status ${id} --json; claude-worker server stop`, {
        PATH: `${bin}:${process.env['PATH']}`,
        CLAUDE_WORKER_HOME: home!,
        CLAUDE_WORKER_PORT: '0',
      });
      expect(later.code, later.log).toBe(0);
      expect(later.log).toContain('"status": "completed"');
    },
    STEP_TIMEOUT,
  );

  it(
    'fails the step when a workflow fails: ::error:: with the suggestion, the summary says what to do',
    async () => {
      runner = new CiRunner('gh-fail');
      writeFileSync(
        join(runner.workspace, 'release.yaml'),
        [
          'name: release',
          'tasks:',
          '  - identifier: build',
          '    execution_prompt: "Build it [fake:auth_failed]"',
          '    working_directory: .',
          '  - identifier: test',
          '    execution_prompt: Test it',
          '    working_directory: .',
          '    depends_on: [build]',
          '',
        ].join('\n'),
      );
      const step = await runner.runStep('run', { workflow: 'release.yaml' });
      expect(step.code, step.log).toBe(1);
      const outputs = runner.outputs();
      expect(outputs['status']).toBe('failed');
      expect(Number(outputs['orchestration-id'])).toBeGreaterThan(0);
      expect(outputs['task-id']).toBe('');

      const summary = runner.summary();
      const build = summary.split('\n').find((line) => line.startsWith('| build |'));
      const test = summary.split('\n').find((line) => line.startsWith('| test |'));
      expect(build, summary).toContain('failed');
      expect(test, summary).toContain('skipped');
      // The failure's own suggestion (auth: log in or set ANTHROPIC_API_KEY), in the row and in the annotation.
      expect(build).toMatch(/auth: .*ANTHROPIC_API_KEY/);
      const annotation = step.log.split('\n').find((line) => line.startsWith('::error '));
      expect(annotation, step.log).toBeDefined();
      expect(annotation).toMatch(/^::error title=.*orchestration \d+ \(release\) failed::/);
      expect(annotation).toContain('build: auth:');
      expect(annotation).toContain('ANTHROPIC_API_KEY');
      expect(summary).toContain('**What to do:**');
      // The failed task's log was folded into the job log.
      expect(step.log).toMatch(/::group::Log of task \d+/);
      expect(step.log).toContain('::endgroup::');

      const junit = readFileSync(join(runner.runnerTemp, 'claude-worker', 'junit.xml'), 'utf8');
      expect(junit).toMatch(
        /<testcase classname="claude-worker" name="build"[^>]*>\s*<failure message="auth: /,
      );
      expect(junit).toMatch(/<testcase classname="claude-worker" name="test"[^>]*>\s*<skipped/);
    },
    STEP_TIMEOUT,
  );

  it(
    'never shows a secret of the environment: not in the summary, outputs, files or log (only ::add-mask::)',
    async () => {
      runner = new CiRunner('gh-secret');
      const apiKey = `sk-ant-api03-${Math.random().toString(36).slice(2)}${Date.now()}`;
      const deployToken = `ghp_${Math.random().toString(36).slice(2)}XYZ`;
      // The model repeats the token in its result (the stand-in echoes the prompt), and fails the next time.
      const step = await runner.runStep(
        'run',
        { prompt: `Use ${deployToken} to deploy`, 'anthropic-api-key': apiKey },
        { TEST_DEPLOY_TOKEN: deployToken },
      );
      expect(step.code, step.log).toBe(0);
      // Hiding them does not withhold them from Claude Code.
      expect(runner.starts()[0]!.env['TEST_DEPLOY_TOKEN']).toBe(deployToken);
      expect(runner.starts()[0]!.prompt).toContain(deployToken);

      const masks = step.log.split('\n').filter((line) => line.startsWith('::add-mask::'));
      expect(masks).toContain(`::add-mask::${apiKey}`);
      expect(masks).toContain(`::add-mask::${deployToken}`);
      const logWithoutMasks = step.log
        .split('\n')
        .filter((line) => !line.startsWith('::add-mask::'))
        .join('\n');
      const written = {
        log: logWithoutMasks,
        summary: runner.summary(),
        outputs: readFileSync(runner.outputFile, 'utf8'),
        ...runner.files(join(runner.runnerTemp, 'claude-worker')),
      };
      for (const [where, text] of Object.entries(written)) {
        expect(text, where).not.toContain(apiKey);
        expect(text, where).not.toContain(deployToken);
      }
      // Redacted, not dropped: the result is still there.
      expect(readFileSync(runner.outputs()['result-path']!, 'utf8')).toContain('done: Use *** to deploy');
      expect(runner.summary()).toContain('Use *** to deploy');
    },
    STEP_TIMEOUT,
  );

  it(
    'refuses bad inputs with the reason as an ::error:: and a summary, running nothing',
    async () => {
      runner = new CiRunner('gh-bad');
      const nothing = await runner.runStep('run', {});
      expect(nothing.code).toBe(1);
      expect(nothing.log).toMatch(/^::error title=.*could not start::Nothing to run: give prompt/m);
      expect(runner.outputs()['status']).toBe('error');
      expect(runner.summary()).toContain('could not start');

      const both = await runner.runStep('run', { workflow: 'w.yaml', model: 'opus' });
      expect(both.code).toBe(1);
      expect(both.log).toMatch(/^::error .*model cannot be given with it/m);

      // The CLI's own check, in its words.
      const model = await runner.runStep('run', { prompt: 'x', model: 'gpt-4' });
      expect(model.code).toBe(1);
      expect(model.log).toMatch(/^::error .*unknown model "gpt-4"/m);
      expect(runner.starts()).toHaveLength(0);
    },
    STEP_TIMEOUT,
  );
});
