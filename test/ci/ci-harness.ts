/**
 * A simulated CI runner for the CI step script (dist/ci/run-in-ci.js): a temporary workspace, RUNNER_TEMP, step
 * summary and outputs files (GitHub) or a project folder (GitLab), an environment cleaned of the machine's own
 * CI and claude-worker variables, and the Claude Code stand-in as Claude Code. `runStep` runs the `run:` script of
 * an action.yml step as the GitHub runner would: its `env:` with `${{ inputs.* }}` (defaults from action.yml) and
 * `${{ steps.install.outputs.script }}` filled in, through bash, in the workspace.
 */
import { spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
export const SCRIPT = join(REPO, 'dist/ci/run-in-ci.js');
const FAKE_CLAUDE = join(REPO, 'test/fixtures/fake-claude.mjs');

export interface StepRun {
  code: number;
  /** The job log: what the step printed (stdout and stderr, interleaved as they came). */
  log: string;
}

export interface ActionStep {
  id?: string;
  name?: string;
  shell?: string;
  run?: string;
  uses?: string;
  if?: string;
  with?: Record<string, string>;
  env?: Record<string, string>;
}

export interface ActionFile {
  name: string;
  inputs: Record<string, { description: string; required?: boolean; default?: string }>;
  outputs: Record<string, { description: string; value: string }>;
  runs: { using: string; steps: ActionStep[] };
}

export function actionFile(): ActionFile {
  return parse(readFileSync(join(REPO, 'action.yml'), 'utf8')) as ActionFile;
}

export class CiRunner {
  readonly root: string;
  readonly workspace: string;
  readonly runnerTemp: string;
  readonly summaryFile: string;
  readonly outputFile: string;
  readonly envFile: string;
  /** The stand-in appends one JSON line per start here. */
  readonly record: string;
  readonly env: Record<string, string>;

  constructor(name: string) {
    if (!existsSync(SCRIPT))
      throw new Error(`${SCRIPT} is missing: run \`npm run build\` first (npm test does).`);
    this.root = mkdtempSync(join(tmpdir(), `cw-ci-${name}-`));
    this.workspace = join(this.root, 'workspace');
    this.runnerTemp = join(this.root, 'runner-temp');
    this.summaryFile = join(this.runnerTemp, '_runner_file_commands', 'step_summary');
    this.outputFile = join(this.runnerTemp, '_runner_file_commands', 'set_output');
    this.envFile = join(this.runnerTemp, '_runner_file_commands', 'set_env');
    this.record = join(this.root, 'starts.jsonl');
    for (const dir of [this.workspace, join(this.runnerTemp, '_runner_file_commands')])
      mkdirSync(dir, { recursive: true });
    writeFileSync(this.summaryFile, '');
    writeFileSync(this.outputFile, '');
    writeFileSync(this.envFile, '');
    const inherited = Object.fromEntries(
      Object.entries(process.env).filter(
        (entry): entry is [string, string] =>
          entry[1] !== undefined &&
          !/^(CLAUDE_WORKER_|FAKE_CLAUDE_|CW_|GITHUB_|GITLAB|CI|RUNNER_|ANTHROPIC_)/.test(entry[0]),
      ),
    );
    this.env = {
      ...inherited,
      CLAUDE_WORKER_CLAUDE_PATH: FAKE_CLAUDE,
      CLAUDE_WORKER_SHUTDOWN_GRACE_SECONDS: '0',
      CLAUDE_CONFIG_DIR: join(this.root, 'claude-config'),
      FAKE_CLAUDE_RECORD: this.record,
    };
  }

  /** The variables the GitHub runner sets for a step. */
  github(): Record<string, string> {
    return {
      CI: 'true',
      GITHUB_ACTIONS: 'true',
      GITHUB_WORKSPACE: this.workspace,
      GITHUB_ACTION_PATH: REPO,
      GITHUB_STEP_SUMMARY: this.summaryFile,
      GITHUB_OUTPUT: this.outputFile,
      GITHUB_ENV: this.envFile,
      RUNNER_TEMP: this.runnerTemp,
    };
  }

  /** The variables the GitLab runner sets for a job. */
  gitlab(): Record<string, string> {
    return { CI: 'true', GITLAB_CI: 'true', CI_PROJECT_DIR: this.workspace };
  }

  /** Runs the `run:` script of the action step `id`, with these inputs (others: their defaults). */
  runStep(id: string, inputs: Record<string, string>, env: Record<string, string> = {}): Promise<StepRun> {
    const action = actionFile();
    const step = action.runs.steps.find((s) => s.id === id);
    if (!step?.run) throw new Error(`action.yml has no step with id ${id} and a run script`);
    for (const name of Object.keys(inputs))
      if (!(name in action.inputs)) throw new Error(`action.yml declares no input ${name}`);
    const stepEnv: Record<string, string> = {};
    for (const [key, value] of Object.entries(step.env ?? {}))
      stepEnv[key] = value.replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_whole, expression: string) => {
        const input = /^inputs\.([a-z-]+)$/.exec(expression);
        if (input) return inputs[input[1]!] ?? action.inputs[input[1]!]?.default ?? '';
        if (expression === 'steps.install.outputs.script') return SCRIPT;
        throw new Error(`the simulated runner cannot evaluate \${{ ${expression} }}`);
      });
    return this.shell(step.run, { ...this.github(), ...env, ...stepEnv });
  }

  /** Runs a shell script as a CI runner does (bash, -e, pipefail) in the workspace. */
  shell(script: string, env: Record<string, string>, timeoutMs = 150_000): Promise<StepRun> {
    return new Promise((resolve, reject) => {
      const child = spawn('bash', ['-e', '-o', 'pipefail', '-c', script], {
        cwd: this.workspace,
        env: { ...this.env, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let log = '';
      child.stdout.on('data', (chunk: Buffer) => (log += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`the step did not finish in time. Log:\n${log}`));
      }, timeoutMs);
      child.once('error', reject);
      child.once('close', (code) => {
        clearTimeout(timer);
        resolve({ code: code ?? -1, log });
      });
    });
  }

  /** The step's outputs, read from `$GITHUB_OUTPUT` as the runner reads it (`name=value` and `name<<EOF`). */
  outputs(): Record<string, string> {
    return parseOutputFile(readFileSync(this.outputFile, 'utf8'));
  }

  summary(): string {
    return readFileSync(this.summaryFile, 'utf8');
  }

  /** Every file the step left under a folder, path → contents. */
  files(dir: string): Record<string, string> {
    const out: Record<string, string> = {};
    if (!existsSync(dir)) return out;
    for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true }))
      if (entry.isFile()) {
        const path = join(entry.parentPath, entry.name);
        out[path] = readFileSync(path, 'utf8');
      }
    return out;
  }

  /** What the stand-in saw at each start. */
  starts(): Array<{ prompt: string; model: string; env: Record<string, string> }> {
    if (!existsSync(this.record)) return [];
    return readFileSync(this.record, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { prompt: string; model: string; env: Record<string, string> });
  }

  cleanup(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** GitHub's file-command format: `name=value` lines, or `name<<DELIMITER`, value lines, `DELIMITER`. */
export function parseOutputFile(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === '') continue;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== heredoc[2]; i++) value.push(lines[i]!);
      if (i >= lines.length) throw new Error(`output ${heredoc[1]}: no closing ${heredoc[2]}`);
      values[heredoc[1]!] = value.join('\n');
      continue;
    }
    const at = line.indexOf('=');
    if (at < 0) throw new Error(`not an output line: ${line}`);
    values[line.slice(0, at)] = line.slice(at + 1);
  }
  return values;
}
