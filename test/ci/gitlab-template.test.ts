/**
 * The GitLab CI template (ci/gitlab/claude-worker.gitlab-ci.yml): it parses as YAML, its hidden job's script calls
 * the same script as the GitHub Action, and run as a GitLab runner runs it (its script lines in one bash, with the
 * job's variables, GITLAB_CI and CI_PROJECT_DIR) it leaves exactly the artefacts and reports the template declares:
 * a Markdown summary, the result, a JUnit report GitLab shows and a dotenv report; a failing task fails the job.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CiRunner, REPO } from './ci-harness.js';

interface GitlabJob {
  image: string;
  variables: Record<string, string>;
  script: string[];
  artifacts: { when: string; paths: string[]; reports: { junit: string; dotenv: string } };
}

const TEMPLATE = join(REPO, 'ci/gitlab/claude-worker.gitlab-ci.yml');
const STEP_TIMEOUT = 180_000;

function template(): Record<string, GitlabJob> {
  return parse(readFileSync(TEMPLATE, 'utf8')) as Record<string, GitlabJob>;
}

/** The job's script as the runner runs it, with the template's variables, then the user's. */
function runJob(runner: CiRunner, variables: Record<string, string>) {
  const job = template()['.claude-worker']!;
  return runner.shell(job.script.join('\n'), {
    ...runner.gitlab(),
    ...job.variables,
    CW_PACKAGE: REPO, // an installed claude-worker (this checkout, built), as in an image of your own
    ...variables,
  });
}

describe('GitLab CI template', () => {
  let runner: CiRunner;
  afterEach(() => runner?.cleanup());

  it('parses, is a hidden job to extend, and calls the same script as the GitHub Action', () => {
    const jobs = template();
    expect(Object.keys(jobs)).toEqual(['.claude-worker']);
    const job = jobs['.claude-worker']!;
    expect(job.image).toMatch(/^node:(2\d|[3-9]\d)/);
    expect(job.script.at(-1)).toBe('node "$CW_PACKAGE/dist/ci/run-in-ci.js"');
    expect(job.artifacts.when).toBe('always');
    expect(job.artifacts.reports.junit).toBe(`${job.variables['CW_OUTPUT_DIR']}/junit.xml`);
    expect(job.artifacts.reports.dotenv).toBe(`${job.variables['CW_OUTPUT_DIR']}/outputs.env`);
  });

  it(
    'runs a task in a simulated GitLab job: the declared artefacts and reports exist, exit 0',
    async () => {
      runner = new CiRunner('gitlab-pass');
      // As root, like most GitLab images: the stand-in then refuses bypassPermissions unless IS_SANDBOX=1 is set.
      const job = await runJob(runner, {
        CW_PROMPT: 'List the files [fake:slow steps=2]',
        CW_MODEL: 'haiku',
        FAKE_CLAUDE_AS_ROOT: '1',
      });
      expect(job.code, job.log).toBe(0);
      expect(job.log).not.toContain('::'); // no GitHub workflow commands on GitLab
      expect(job.log).toMatch(/Task \d+ completed in/);
      const artifacts = template()['.claude-worker']!.artifacts;
      for (const path of [...artifacts.paths, artifacts.reports.junit, artifacts.reports.dotenv])
        expect(existsSync(join(runner.workspace, path)), path).toBe(true);
      const dotenv = readFileSync(join(runner.workspace, artifacts.reports.dotenv), 'utf8');
      expect(dotenv).toMatch(/^CW_STATUS=completed$/m);
      expect(dotenv).toMatch(/^CW_TASK_ID=\d+$/m);
      expect(dotenv).toMatch(/^CW_COST_USD=\d+\.\d{4}$/m);
      const junit = readFileSync(join(runner.workspace, artifacts.reports.junit), 'utf8');
      expect(junit).toMatch(/<testsuite name="claude-worker" tests="1" failures="0" errors="0" skipped="0"/);
      expect(readFileSync(join(runner.workspace, 'claude-worker-report/result.md'), 'utf8')).toMatch(
        /^done: List the files/,
      );
      expect(runner.starts()[0]!.model).toMatch(/haiku/);
    },
    STEP_TIMEOUT,
  );

  it(
    'fails the job when the task fails: an ERROR line with the suggestion, a JUnit failure',
    async () => {
      runner = new CiRunner('gitlab-fail');
      const job = await runJob(runner, { CW_PROMPT: 'Deploy [fake:execution_error]', CW_MAX_ATTEMPTS: '1' });
      expect(job.code, job.log).not.toBe(0);
      expect(job.log).toMatch(/ERROR: ❌ claude-worker: task \d+ failed: Task \d+ failed: execution_error/);
      const junit = readFileSync(join(runner.workspace, 'claude-worker-report/junit.xml'), 'utf8');
      expect(junit).toMatch(/failures="1"/);
      expect(junit).toMatch(/<failure message="execution_error: /);
      expect(readFileSync(join(runner.workspace, 'claude-worker-report/outputs.env'), 'utf8')).toMatch(
        /^CW_STATUS=failed$/m,
      );
    },
    STEP_TIMEOUT,
  );

  it('says where claude-worker should come from when nothing says it', async () => {
    runner = new CiRunner('gitlab-none');
    const job = await runJob(runner, { CW_PACKAGE: '', CW_PROMPT: 'x' });
    expect(job.code).not.toBe(0);
    expect(job.log).toContain('set CW_VERSION (from npm), CW_SOURCE (a git URL to build) or CW_PACKAGE');
  });
});
