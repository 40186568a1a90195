#!/usr/bin/env node
/**
 * The CI step (GitHub Action `action.yml`, GitLab template `ci/gitlab/claude-worker.gitlab-ci.yml`): runs one task
 * or a workflow file with claude-worker and the embedded SQLite store in a home folder of its own, streams the
 * CLI's live progress to the job log, then writes the summary (Markdown, JUnit), the result and the outputs, and
 * exits 1 with an error annotation carrying the failure's suggestion when the work did not complete. Every text it
 * prints or writes has the environment's secrets redacted; on GitHub they are masked for the whole job first.
 * Talks to claude-worker only through its CLI (`--json` answers), never to the store.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { OrchestrationDetail, Task } from '../domain/vocabulary.js';
import { VERSION } from '../version.js';
import { callCli, type CliCall } from './cli-process.js';
import { readWork, withoutInputs, type CiWork } from './inputs.js';
import {
  appendTo,
  detectPlatform,
  dotenvLines,
  errorLine,
  githubOutputLines,
  homeDir,
  outputDir,
  type CiPlatform,
} from './platform.js';
import {
  errorReport,
  heading,
  junitReport,
  markdownSummary,
  outputs,
  resultText,
  taskReport,
  workflowReport,
  type CiReport,
} from './report.js';
import { maskCommands, redact, secretValues } from './secrets.js';

const CLI = fileURLToPath(new URL('../cli/main.js', import.meta.url));

interface Job {
  platform: CiPlatform;
  env: Record<string, string | undefined>;
  cwd: string;
  cliEnv: Record<string, string>;
  secrets: string[];
  print: (line: string) => void;
}

async function main(): Promise<number> {
  const env = process.env;
  const cwd = process.cwd();
  const platform = detectPlatform(env);
  const home = homeDir(env, platform, randomBytes(4).toString('hex'));
  const cliEnv: Record<string, string> = { ...withoutInputs(env), CLAUDE_WORKER_HOME: home };
  // A port of its own, so a second step or job on the same machine does not meet this one's server.
  if (!env['CLAUDE_WORKER_PORT'] && !env['CLAUDE_WORKER_URL']) cliEnv['CLAUDE_WORKER_PORT'] = '0';
  const job: Job = {
    platform,
    env,
    cwd,
    cliEnv,
    secrets: secretValues(env),
    print: (line) => process.stdout.write(`${redact(line, job.secrets)}\n`),
  };
  if (platform === 'github') for (const line of maskCommands(job.secrets)) process.stdout.write(`${line}\n`);
  // Later steps of the job (`claude-worker logs 12`, another claude-worker step) use the same home and store.
  if (platform === 'github' && !env['CLAUDE_WORKER_HOME'] && env['GITHUB_ENV'])
    appendTo(env['GITHUB_ENV'], `CLAUDE_WORKER_HOME=${home}\n`);

  let work: CiWork;
  try {
    work = readWork(env);
  } catch (err) {
    const kind = env['CW_WORKFLOW']?.trim() ? 'workflow' : 'task';
    return finish(job, errorReport(kind, (err as Error).message), []);
  }
  job.print(
    `claude-worker ${VERSION}: ${work.kind === 'task' ? 'running a task' : `running the workflow ${work.file}`} (home ${home})`,
  );
  const { report, tasks } = await runWork(job, work, home);
  if (!env['CLAUDE_WORKER_URL']) await stopServer(job);
  return finish(job, report, tasks);
}

/** Reports, then the exit code: 0 when the work completed, else 1 after the error annotation. */
function finish(job: Job, report: CiReport, tasks: Task[]): number {
  writeReports(job, report, tasks, outputDir(job.env, job.platform, job.cwd));
  if (report.status === 'completed') return 0;
  job.print(errorLine(job.platform, heading(report), report.failure ?? report.status));
  return 1;
}

async function runWork(job: Job, work: CiWork, home: string): Promise<{ report: CiReport; tasks: Task[] }> {
  const submitted = await callCli(CLI, work.args, {
    env: job.cliEnv,
    cwd: job.cwd,
    ...(work.kind === 'task' && work.prompt !== null ? { input: work.prompt } : {}),
  });
  for (const line of notes(submitted)) job.print(line);
  maskServerToken(job, home);
  if (submitted.code !== 0) return { report: errorReport(work.kind, refusal(submitted)), tasks: [] };
  const id = (JSON.parse(submitted.stdout) as { id: number }).id;
  job.print(work.kind === 'task' ? `Task ${id} queued.` : `Orchestration ${id} submitted.`);

  // The live view, exactly as `watch` prints it when not on a terminal: one line per change, then the end.
  const follow =
    work.kind === 'task' ? ['watch', String(id)] : ['orchestration-status', String(id), '--watch'];
  await callCli(CLI, follow, { env: job.cliEnv, cwd: job.cwd, onLine: job.print });

  const read =
    work.kind === 'task' ? ['status', String(id), '--json'] : ['orchestration-status', String(id), '--json'];
  const final = await callCli(CLI, read, { env: job.cliEnv, cwd: job.cwd });
  if (final.code !== 0) return { report: errorReport(work.kind, refusal(final)), tasks: [] };
  if (work.kind === 'task') {
    const task = JSON.parse(final.stdout) as Task;
    if (task.status !== 'completed') await printLogTail(job, task.id);
    return { report: taskReport(task), tasks: [task] };
  }
  const detail = JSON.parse(final.stdout) as OrchestrationDetail;
  for (const task of detail.tasks) if (task.status === 'failed') await printLogTail(job, task.id);
  return { report: workflowReport(detail), tasks: detail.tasks };
}

/** The server wrote its API token when it started; hide it too (nothing prints it, but it is a credential). */
function maskServerToken(job: Job, home: string): void {
  const path = join(home, 'token');
  if (!existsSync(path)) return;
  const token = readFileSync(path, 'utf8').trim();
  const fresh = secretValues({}, [token]).filter((value) => !job.secrets.includes(value));
  if (fresh.length === 0) return;
  job.secrets = [...job.secrets, ...fresh].sort((a, b) => b.length - a.length);
  if (job.platform === 'github') for (const line of maskCommands(fresh)) process.stdout.write(`${line}\n`);
}

/** The end of a failed task's log, folded in the job log, so the cause is one click away. */
async function printLogTail(job: Job, id: number): Promise<void> {
  const logs = await callCli(CLI, ['logs', String(id), '--json'], { env: job.cliEnv, cwd: job.cwd });
  if (logs.code !== 0) return;
  const lines = (JSON.parse(logs.stdout) as { lines: string[] }).lines.slice(-40);
  const [open, close] =
    job.platform === 'github'
      ? [`::group::Log of task ${id} (last ${lines.length} lines)`, '::endgroup::']
      : [`--- log of task ${id} (last ${lines.length} lines) ---`, '--- end of log ---'];
  job.print(open);
  for (const line of lines) job.print(line);
  job.print(close);
}

/** The CLI's notes on stderr worth showing (the server starting), without its error lines. */
function notes(call: CliCall): string[] {
  return call.stderr.split('\n').filter((line) => line.startsWith('Started the claude-worker server'));
}

/** What the CLI said when it refused (`error: …` on stderr), without the notes. */
function refusal(call: CliCall): string {
  const said = call.stderr
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('Started the claude-worker server'))
    .map((line) => line.replace(/^error: /, ''))
    .join('\n');
  return said || `claude-worker exited ${call.code} without saying why.`;
}

function writeReports(job: Job, report: CiReport, tasks: Task[], dir: string): void {
  mkdirSync(dir, { recursive: true });
  const paths = { result: join(dir, 'result.md'), summary: join(dir, 'summary.md') };
  const summary = redact(markdownSummary(report), job.secrets);
  const values = outputs(report, paths);
  writeFileSync(paths.summary, summary);
  writeFileSync(paths.result, redact(resultText(report, tasks), job.secrets));
  writeFileSync(join(dir, 'junit.xml'), redact(junitReport(report), job.secrets));
  writeFileSync(join(dir, 'outputs.env'), redact(dotenvLines(values), job.secrets));
  if (job.platform === 'github') {
    const summaryFile = job.env['GITHUB_STEP_SUMMARY'];
    const outputFile = job.env['GITHUB_OUTPUT'];
    if (summaryFile) appendTo(summaryFile, summary);
    if (outputFile)
      appendTo(
        outputFile,
        redact(githubOutputLines(values, `cw_${randomBytes(8).toString('hex')}`), job.secrets),
      );
  }
  job.print(`Summary: ${paths.summary}; result: ${paths.result}`);
}

async function stopServer(job: Job): Promise<void> {
  const stopped = await callCli(CLI, ['server', 'stop', '--timeout', '30', '--force'], {
    env: job.cliEnv,
    cwd: job.cwd,
  });
  if (stopped.code !== 0) job.print(`Stopping the claude-worker server: ${refusal(stopped)}`);
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    process.stdout.write(
      `${redact(errorLine(detectPlatform(process.env), 'claude-worker', message), secretValues(process.env))}\n`,
    );
    process.exit(1);
  },
);
