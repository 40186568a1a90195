/**
 * Runs the BUILT `claude-worker` (dist/cli/main.js) as a user would, in its own temporary home folder, with the
 * Claude Code stand-in as the executable and port 0. `cleanup()` stops the server it started (`server stop`, then
 * SIGKILL of the pid in server.json as a fallback) and removes the folder.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Task } from '../../src/domain/vocabulary.js';
import type { TaskWithAttempts } from '../../src/client/http-client.js';
import { isAlive } from '../../src/cli/server-info.js';

import { APP_STORE_IS_POSTGRES, freshDatabase } from '../helpers/postgres.js';

export const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
export const FAKE_CLAUDE = fileURLToPath(new URL('../fixtures/fake-claude.mjs', import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Text piped to stdin (stdin is /dev/null otherwise). */
  input?: string;
  cwd?: string;
  env?: Record<string, string>;
  timeoutMs?: number;
  /** Run under this umask (octal text such as "022"), through /bin/sh; the server it starts inherits it. */
  umask?: string;
}

export class CliHarness {
  readonly root: string;
  readonly home: string;
  /** A project folder to run tasks in. */
  readonly work: string;
  /** The stand-in appends one line per start here. */
  readonly record: string;
  readonly env: NodeJS.ProcessEnv;

  constructor(name: string, extraEnv: Record<string, string> = {}) {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (npm test does).`);
    this.root = mkdtempSync(join(tmpdir(), `cw-e2e-${name}-`));
    this.home = join(this.root, 'home');
    this.work = join(this.root, 'proj');
    this.record = join(this.root, 'starts.jsonl');
    mkdirSync(this.work, { recursive: true });
    const inherited = Object.fromEntries(
      Object.entries(process.env).filter(
        ([key]) => !key.startsWith('CLAUDE_WORKER_') && !key.startsWith('FAKE_CLAUDE_'),
      ),
    );
    this.env = {
      ...inherited,
      CLAUDE_WORKER_HOME: this.home,
      CLAUDE_WORKER_PORT: '0',
      CLAUDE_WORKER_CLAUDE_PATH: FAKE_CLAUDE,
      CLAUDE_WORKER_SHUTDOWN_GRACE_SECONDS: '0',
      FAKE_CLAUDE_RECORD: this.record,
      ...extraEnv,
    };
  }

  /** CLAUDE_WORKER_TEST_STORE=postgres: this harness's own PostgreSQL database, created on first use. */
  private database: Promise<{ url: string; drop: () => Promise<void> }> | null = null;

  async run(args: string[], options: RunOptions = {}): Promise<CliResult> {
    if (APP_STORE_IS_POSTGRES && this.env['CLAUDE_WORKER_DATABASE_URL'] === undefined) {
      this.database ??= freshDatabase();
      this.env['CLAUDE_WORKER_DATABASE_URL'] = (await this.database).url;
    }
    return new Promise((resolve, reject) => {
      const [command, argv] =
        options.umask === undefined
          ? [process.execPath, [CLI, ...args]]
          : ['/bin/sh', ['-c', `umask ${options.umask} && exec "$@"`, 'sh', process.execPath, CLI, ...args]];
      const child = spawn(command, argv, {
        cwd: options.cwd ?? this.work,
        env: { ...this.env, ...options.env },
        stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(
          new Error(
            `claude-worker ${args.join(' ')} did not finish in time.\nstdout: ${stdout}\nstderr: ${stderr}`,
          ),
        );
      }, options.timeoutMs ?? 25_000);
      child.once('error', reject);
      child.once('close', (code) => {
        clearTimeout(timer);
        resolve({ code: code ?? -1, stdout, stderr });
      });
      if (options.input !== undefined) child.stdin?.end(options.input);
    });
  }

  /** Runs and expects exit 0; returns stdout. */
  async ok(args: string[], options: RunOptions = {}): Promise<string> {
    const result = await this.run(args, options);
    if (result.code !== 0) {
      throw new Error(
        `claude-worker ${args.join(' ')} exited ${result.code}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`,
      );
    }
    return result.stdout;
  }

  async task(id: number): Promise<TaskWithAttempts> {
    return JSON.parse(await this.ok(['status', String(id), '--json'])) as TaskWithAttempts;
  }

  async tasks(): Promise<Task[]> {
    return (JSON.parse(await this.ok(['list', '--json', '--limit', '500'])) as { tasks: Task[] }).tasks;
  }

  /** Polls the task until `until` holds, or fails after `timeoutMs`. */
  async waitFor(
    id: number,
    until: (task: TaskWithAttempts) => boolean,
    timeoutMs = 15_000,
  ): Promise<TaskWithAttempts> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const task = await this.task(id);
      if (until(task)) return task;
      if (Date.now() > deadline)
        throw new Error(`task ${id} did not reach the expected state; it is ${task.status}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  /** The stand-in's recorded starts, oldest first. */
  starts(): Array<{ pid: number; prompt: string; resume: string | null }> {
    if (!existsSync(this.record)) return [];
    return readFileSync(this.record, 'utf8')
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { pid: number; prompt: string; resume: string | null });
  }

  serverInfo(): { pid: number; url: string } | null {
    const path = join(this.home, 'server.json');
    if (!existsSync(path)) return null;
    return JSON.parse(readFileSync(path, 'utf8')) as { pid: number; url: string };
  }

  async cleanup(): Promise<void> {
    const info = this.serverInfo();
    await this.run(['server', 'stop', '--timeout', '10', '--force']).catch(() => undefined);
    if (info && isAlive(info.pid)) process.kill(info.pid, 'SIGKILL');
    if (this.database) await (await this.database).drop();
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** The id in `run`'s answer: `Task 12 queued (…)`. */
export function taskIdOf(stdout: string): number {
  const match = /^Task (\d+) queued/m.exec(stdout);
  if (!match) throw new Error(`no task id in: ${stdout}`);
  return Number(match[1]);
}

/** Pids of live `claude-worker server run --home <home>` processes (Linux /proc). */
export function serverProcesses(home: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSafe('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      const at = args.indexOf('server');
      if (at >= 0 && args[at + 1] === 'run' && args.includes(home) && isAlive(Number(entry)))
        pids.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}

function readdirSafe(path: string): string[] {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
}
