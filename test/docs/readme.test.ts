/**
 * The README stays true: every setting appears in its configuration table with its environment variable and
 * default, every CLI command is documented, and every `claude-worker …` command in its ```sh blocks runs as
 * documented. Those run through `sh -c`, as typed, with the BUILT CLI on PATH as `claude-worker`, HOME (and so
 * `~/.claude-worker`, the home folder) in a temporary folder, and the Claude Code stand-in as Claude Code; ids in
 * them are replaced by tasks prepared for each (a running task for `cancel`, a failed one for `retry`…). The
 * `$ claude-worker …` examples print what the README shows. Commands that cannot run here are listed with why.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readmeCommands, type DocumentedCommand } from './readme-commands.js';
import { buildProgram } from '../../src/cli/program.js';
import { createRun } from '../../src/cli/context.js';
import { ConfigSchema, DEFAULTS, envName, type ConfigKey } from '../../src/config/schema.js';

const readme = readFileSync('README.md', 'utf8');

describe('README', () => {
  it('documents every setting with its environment variable and default', () => {
    for (const key of Object.keys(ConfigSchema.shape) as ConfigKey[]) {
      const row = readme.split('\n').find((line) => line.startsWith(`| \`${key}\` |`));
      expect(row, `README row for ${key}`).toBeDefined();
      expect(row).toContain(envName(key));
      if (key !== 'home')
        expect(row).toContain(`\`${JSON.stringify(DEFAULTS[key as Exclude<ConfigKey, 'home'>])}\``);
    }
  });

  it('mentions every CLI command', async () => {
    const program = await buildProgram(
      createRun({ cwd: process.cwd(), env: {}, stdout: process.stdout, stderr: process.stderr }),
    );
    for (const command of program.commands) {
      expect(readme, `claude-worker ${command.name()}`).toContain(`claude-worker ${command.name()}`);
    }
  });

  it('opens with the set-up command and the test command', () => {
    const blocks = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!.trim());
    expect(blocks[0]).toMatch(/^npm ci && npm run build/);
    expect(blocks[1]).toBe('npm test');
  });
});

const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
const FAKE_CLAUDE = fileURLToPath(new URL('../fixtures/fake-claude.mjs', import.meta.url));
const EXAMPLES = fileURLToPath(new URL('../../examples', import.meta.url));

/**
 * Commands that cannot run in this test, with the reason (printed). Keyed by the command line as the README has it.
 * Keep it short: everything that can run offline against the stand-in runs.
 */
const SKIPPED: Record<string, string> = {
  'claude-worker db copy --from ~/.claude-worker/claude-worker.db --to $CLAUDE_WORKER_DATABASE_URL':
    'needs a PostgreSQL database of its own; test/e2e/cli-db-copy.test.ts runs it',
};

/** Commands that neither start nor stop the server; every other one starts it when none runs. */
const LEAVES_SERVER_AS_IT_IS = ['server status', 'doctor', 'config', 'mcp install'];

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

describe('README commands, run as documented', () => {
  let root: string;
  let home: string;
  let work: string;
  let env: NodeJS.ProcessEnv;
  const skipped: string[] = [];

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'cw-readme-'));
    home = join(root, 'home');
    work = join(root, 'work');
    const bin = join(root, 'bin');
    for (const dir of [home, work, bin, join(home, 'proj')]) mkdirSync(dir, { recursive: true });
    symlinkSync(CLI, join(bin, 'claude-worker'));
    // What the README's commands refer to: its examples folder, a prompt file, a repository with changes.
    cpSync(EXAMPLES, join(work, 'examples'), { recursive: true });
    writeFileSync(join(work, 'instructions.md'), 'List the files of this folder.\n');
    const inherited = Object.fromEntries(
      Object.entries(process.env).filter(
        ([k]) => !k.startsWith('CLAUDE_WORKER_') && !k.startsWith('FAKE_CLAUDE_'),
      ),
    );
    env = {
      ...inherited,
      HOME: home,
      CLAUDE_WORKER_HOME: join(home, '.claude-worker'),
      CLAUDE_WORKER_PORT: '0',
      CLAUDE_WORKER_CLAUDE_PATH: FAKE_CLAUDE,
      CLAUDE_WORKER_SHUTDOWN_GRACE_SECONDS: '1',
      PATH: `${bin}${delimiter}${process.env['PATH'] ?? ''}`,
      GIT_AUTHOR_NAME: 'readme',
      GIT_AUTHOR_EMAIL: 'readme@example.com',
      GIT_COMMITTER_NAME: 'readme',
      GIT_COMMITTER_EMAIL: 'readme@example.com',
    };
  });

  afterAll(async () => {
    await sh('claude-worker server stop --timeout 10 --force').catch(() => undefined);
    rmSync(root, { recursive: true, force: true });
  });

  function sh(line: string, timeoutMs = 90_000): Promise<Ran> {
    return new Promise((resolve, reject) => {
      const child = spawn('sh', ['-c', line], { cwd: work, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(
          new Error(
            `\`${line}\` did not finish in ${timeoutMs / 1000} s.\nstdout: ${stdout}\nstderr: ${stderr}`,
          ),
        );
      }, timeoutMs);
      child.once('close', (code) => {
        clearTimeout(timer);
        resolve({ code: code ?? -1, stdout, stderr });
      });
    });
  }

  async function cw(args: string): Promise<string> {
    const ran = await sh(`claude-worker ${args}`);
    if (ran.code !== 0) throw new Error(`claude-worker ${args} exited ${ran.code}: ${ran.stderr}`);
    return ran.stdout;
  }

  async function task(id: number): Promise<{ status: string; attempts: unknown[] }> {
    return JSON.parse(await cw(`status ${id} --json`)) as { status: string; attempts: unknown[] };
  }

  async function until(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  async function runningTask(): Promise<number> {
    const { id } = JSON.parse(await cw('run "[fake:slow steps=200 delay_ms=200] Keep busy" --json')) as {
      id: number;
    };
    await until(`task ${id} runs`, async () => (await task(id)).status === 'running');
    return id;
  }

  async function failedTask(): Promise<number> {
    const { id } = JSON.parse(await cw('run "[fake:execution_error] Break" --json')) as { id: number };
    await until(`task ${id} fails`, async () => (await task(id)).status === 'failed');
    return id;
  }

  async function runningOrchestration(): Promise<number> {
    const file = join(work, 'slow.json');
    writeFileSync(
      file,
      JSON.stringify({
        tasks: [
          {
            identifier: 'busy',
            execution_prompt: '[fake:slow steps=200 delay_ms=200] Busy',
            working_directory: work,
          },
          { identifier: 'after', execution_prompt: 'After', working_directory: work, depends_on: ['busy'] },
        ],
      }),
    );
    const { id } = JSON.parse(await cw(`orchestrate ${file} --json`)) as { id: number };
    await until(`orchestration ${id} runs`, async () => {
      const detail = JSON.parse(await cw(`orchestration-status ${id} --json`)) as { status: string };
      return detail.status === 'running';
    });
    return id;
  }

  it('runs every claude-worker command of the ```sh blocks and each exits as documented', async () => {
    await sh(
      'git init -q && echo one > notes.txt && git add notes.txt && git commit -qm one && echo two >> notes.txt',
    );
    const { commands, others } = readmeCommands(readme);
    expect(commands.length).toBeGreaterThan(20);
    const isRoot = process.getuid?.() === 0;
    let serverRunning = false;
    let lastTask: number | null = null;
    let lastOrchestration: number | null = null;
    const ran: string[] = [];

    for (const command of commands) {
      const reason = SKIPPED[command.line];
      if (reason) {
        skipped.push(`${command.line}: ${reason}`);
        continue;
      }
      // Ids in the README (`watch 1`, `retry 17`, `cancel-orchestration 3`) name a task or orchestration prepared
      // for that command.
      const prepared = await prepare(command);
      const line = prepared === null ? command.line : substituteId(command.line, prepared);
      let expected = 0;
      if (command.subcommand === 'server status' && !serverRunning) expected = 3; // documented: 3 not running
      if (command.subcommand === 'doctor' && isRoot) expected = 1; // the root check fails, as documented
      // A worker node runs in the foreground until stopped: a few seconds, then SIGTERM (a graceful stop, exit 0).
      const result = await sh(
        command.subcommand === 'worker' ? `timeout --preserve-status -s TERM 6 ${line}` : line,
      );
      expect(
        result.code,
        `${command.source}\nran: ${line}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`,
      ).toBe(expected);
      ran.push(line);
      if (command.subcommand === 'server stop') serverRunning = false;
      else if (!LEAVES_SERVER_AS_IT_IS.includes(command.subcommand)) serverRunning = true;
      await check(command, prepared, result);
      const created = /Task (\d+) queued/.exec(result.stdout);
      if (command.subcommand === 'run' && created) lastTask = Number(created[1]);
      const submitted = /Orchestration (\d+) submitted/.exec(result.stdout);
      if (command.subcommand === 'orchestrate' && submitted) lastOrchestration = Number(submitted[1]);
    }
    console.log(
      [
        `README: ran ${ran.length} claude-worker commands.`,
        `Skipped claude-worker commands: ${skipped.length === 0 ? 'none' : ''}`,
        ...skipped.map((s) => `  - ${s}`),
        'Not claude-worker commands (not run here; the REST example has a test of its own):',
        ...others.map((o) => `  - ${o}`),
      ].join('\n'),
    );

    async function prepare(command: DocumentedCommand): Promise<number | null> {
      switch (command.subcommand) {
        case 'watch':
        case 'logs':
        case 'status':
          if (lastTask === null)
            throw new Error(`${command.source}: no task was created by the README before it`);
          return lastTask;
        case 'cancel':
          return runningTask();
        case 'retry':
          return failedTask();
        case 'orchestration-status':
          if (lastOrchestration === null)
            throw new Error(`${command.source}: no orchestration was submitted by the README before it`);
          return lastOrchestration;
        case 'cancel-orchestration':
          return runningOrchestration();
        default:
          return null;
      }
    }

    async function check(command: DocumentedCommand, id: number | null, result: Ran): Promise<void> {
      if (command.subcommand === 'cancel' && id !== null)
        await until(`task ${id} is cancelled`, async () => (await task(id)).status === 'cancelled');
      if (command.subcommand === 'retry' && id !== null)
        await until(`task ${id} runs a second attempt`, async () => (await task(id)).attempts.length === 2);
      if (command.subcommand === 'status' && command.line.includes('--json'))
        expect(JSON.parse(result.stdout)).toMatchObject({ id, attempts: expect.any(Array) });
      if (command.subcommand === 'run' && command.line.includes('--watch'))
        expect(result.stdout).toMatch(/Task \d+ completed/);
      if (command.subcommand === 'worker')
        expect(result.stdout).toMatch(/^claude-worker worker \S+ running: concurrency 8, labels repo-a,big/m);
      if (command.subcommand === 'workers' && command.line.includes('--json'))
        expect(JSON.parse(result.stdout)).toContainEqual(
          expect.objectContaining({ labels: ['repo-a', 'big'], status: 'gone' }),
        );
    }
  }, 400_000);

  it('the REST example (token and url from the home folder, curl) creates a task', async () => {
    const block = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)]
      .map((m) => m[1]!)
      .find((b) => b.includes('curl'));
    expect(block).toBeDefined();
    await cw('server start');
    // The example's folder is a placeholder for one of yours.
    const result = await sh(block!.replaceAll('/home/me/proj', work));
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      id: expect.any(Number),
      execution_prompt: 'List the TODOs',
      working_directory: work,
    });
  }, 60_000);

  it('prints what the README shows for its `$ claude-worker …` examples', async () => {
    const { examples } = readmeCommands(readme);
    expect(examples.length).toBeGreaterThan(0);
    for (const example of examples) {
      const result = await sh(example.line);
      expect(result.code, example.line).toBe(2);
      expect((result.stdout + result.stderr).trimEnd().split('\n'), example.line).toEqual(example.output);
    }
  }, 60_000);
});

/** `claude-worker watch 1 -f` with 12 → `claude-worker watch 12 -f`: the first number after the subcommand. */
function substituteId(line: string, id: number): string {
  return line.replace(/(claude-worker [a-z-]+(?: [a-z]+)? )\d+\b/, `$1${id}`);
}
