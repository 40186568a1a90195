/**
 * The built CLI managing the server: start/status/stop/restart, one server when several CLIs start it at once,
 * `kill -9` during a running task then a restart (the task ends accounted for), an unreachable --url, and the
 * `doctor` and `config` reports.
 */
import { createServer } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isAlive } from '../../src/cli/server-info.js';
import { CliHarness, serverProcesses } from './cli-harness.js';
import { APP_STORE_IS_POSTGRES } from '../helpers/postgres.js';

const harnesses: CliHarness[] = [];
function harness(name: string, env: Record<string, string> = {}): CliHarness {
  const cli = new CliHarness(name, env);
  harnesses.push(cli);
  return cli;
}
afterEach(async () => {
  await Promise.all(harnesses.splice(0).map((cli) => cli.cleanup()));
});

/** Waits until the process is gone and reaped (a zombie still answers kill(pid, 0)), up to 10 s. */
async function goneEntirely(pid: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('claude-worker server', () => {
  it('starts, reports, restarts and stops the background server', async () => {
    const cli = harness('lifecycle');
    const down = await cli.run(['server', 'status']);
    expect(down.code).toBe(3);
    expect(down.stdout).toContain('not running');

    const started = await cli.ok(['server', 'start']);
    const first = cli.serverInfo();
    expect(started).toContain(`Server started at ${first?.url} (pid ${first?.pid})`);
    expect(await cli.ok(['server', 'start'])).toContain('already running');

    const status = await cli.ok(['server', 'status']);
    expect(status).toContain(`running at ${first?.url} (pid ${first?.pid}`);
    const health = JSON.parse(await cli.ok(['server', 'status', '--json'])) as {
      pid: number;
      counts: Record<string, number>;
    };
    expect(health.pid).toBe(first?.pid);
    expect(health.counts).toHaveProperty('queued');

    await cli.ok(['server', 'restart']);
    const second = cli.serverInfo();
    expect(second?.pid).not.toBe(first?.pid);
    expect(isAlive(first?.pid ?? 0)).toBe(false);

    expect(await cli.ok(['server', 'stop'])).toContain(`Server stopped (pid ${second?.pid})`);
    expect(isAlive(second?.pid ?? 0)).toBe(false);
    expect(cli.serverInfo()).toBeNull();
    expect(await cli.ok(['server', 'stop'])).toContain('No server is running');
  });

  it('starts one server when several commands need one at the same moment', async () => {
    const cli = harness('race');
    const results = await Promise.all([0, 1, 2].map(() => cli.run(['list', '--json'])));
    for (const result of results) expect(result.code).toBe(0);
    expect(results.filter((r) => r.stderr.includes('Started the claude-worker server'))).toHaveLength(1);
    expect(serverProcesses(cli.home)).toEqual([cli.serverInfo()?.pid]);
  });

  it('after kill -9 of the server during a running task, a new start finishes the task with a second attempt', async () => {
    const cli = harness('crash');
    const created = JSON.parse(
      await cli.ok(['run', '[fake:slow steps=8 delay_ms=250] Survive a crash', '--json']),
    ) as { id: number };
    await cli.waitFor(created.id, (task) => task.status === 'running' && task.last_action !== null);
    const killed = cli.serverInfo();
    if (!killed) throw new Error('no server.json');
    process.kill(killed.pid, 'SIGKILL');
    await goneEntirely(killed.pid);

    const restarted = await cli.run(['server', 'start']);
    expect(restarted.code).toBe(0);
    expect(restarted.stdout).toContain('Server started');
    expect(cli.serverInfo()?.pid).not.toBe(killed.pid);

    // Start-up recovery finds the dead worker at once; an expired lease (30 s) would be the slow net.
    const task = await cli.waitFor(created.id, (t) => t.status === 'completed', 45_000);
    expect(task.attempts.map((a) => a.status)).toEqual(['interrupted', 'succeeded']);
    expect(task.attempts[0]?.error?.code).toBe('interrupted');
    expect(cli.starts().filter((s) => s.prompt.includes('Survive a crash'))).toHaveLength(2);
  }, 90_000);

  it('exits 3 with a clear message when --url points at nothing, and does not start a server', async () => {
    const cli = harness('unreachable');
    const url = `http://127.0.0.1:${await closedPort()}`;
    const result = await cli.run(['list', '--url', url]);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(
      `error: No claude-worker server answers at ${url} (the url comes from flag --url)`,
    );
    const fromEnv = await cli.run(['status', '1'], { env: { CLAUDE_WORKER_URL: url } });
    expect(fromEnv.code).toBe(3);
    expect(fromEnv.stderr).toContain('env CLAUDE_WORKER_URL');
    expect(cli.serverInfo()).toBeNull();
  });
});

describe('claude-worker doctor and config', () => {
  it.skipIf(process.getuid?.() !== 0)(
    'doctor fails as root with bypassPermissions (Claude Code would refuse every task) and says the ways out',
    async () => {
      const cli = harness('doctor-root');
      const result = await cli.run(['doctor', '--json'], {
        env: { ANTHROPIC_API_KEY: 'sk-test', IS_SANDBOX: '' },
      });
      expect(result.code).toBe(1);
      const report = JSON.parse(result.stdout) as {
        checks: Array<{ name: string; status: string; fix: string }>;
      };
      const check = report.checks.find((c) => c.name === 'permissions');
      expect(check?.status).toBe('fail');
      expect(check?.fix).toMatch(/acceptEdits/);
      const relaxed = await cli.run(['doctor'], {
        env: { ANTHROPIC_API_KEY: 'sk-test', IS_SANDBOX: '', CLAUDE_WORKER_PERMISSION_MODE: 'acceptEdits' },
      });
      expect(relaxed.code).toBe(0);
    },
  );

  it('doctor finds the Claude Code executable and its version, and reports each check', async () => {
    const cli = harness('doctor');
    // IS_SANDBOX=1: the machine is declared disposable, so bypassPermissions is allowed even as root.
    const result = await cli.run(['doctor'], { env: { ANTHROPIC_API_KEY: 'sk-test', IS_SANDBOX: '1' } });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /✓ Claude Code: \d+\.\d+\.\d+.* at .*fake-claude\.mjs \(from claude_path\)/,
    );
    expect(result.stdout).toContain('✓ credentials: found (ANTHROPIC_API_KEY)');
    expect(result.stdout).toContain(`✓ home folder: ${cli.home} is writable`);
    // A new PostgreSQL database has no schema until a server or `db migrate` creates it; a SQLite file is created.
    expect(result.stdout).toMatch(
      APP_STORE_IS_POSTGRES
        ? /! database: .* answers, but its schema is not created yet/
        : /✓ database: .* opens \(/,
    );
    expect(result.stdout).toMatch(/✓ server: not running/);
    expect(result.stdout).toMatch(/✓ Node\.js: 20|✓ Node\.js: 2\d/);

    const broken = await cli.run(['doctor', '--json'], {
      env: { CLAUDE_WORKER_CLAUDE_PATH: join(cli.root, 'no-claude') },
    });
    expect(broken.code).toBe(1);
    const report = JSON.parse(broken.stdout) as {
      ok: boolean;
      checks: Array<{ name: string; status: string; fix: string | null }>;
    };
    expect(report.ok).toBe(false);
    const claude = report.checks.find((check) => check.name === 'Claude Code');
    expect(claude?.status).toBe('fail');
    expect(claude?.fix).toContain('CLAUDE_WORKER_CLAUDE_PATH');
  });

  it('doctor asks the running server about the database instead of opening it itself', async () => {
    const cli = harness('doctor-server');
    expect((await cli.run(['server', 'start'])).code).toBe(0);
    await cli.ok(['run', 'Quick job']);
    const result = await cli.run(['doctor'], { env: { ANTHROPIC_API_KEY: 'sk-test', IS_SANDBOX: '1' } });
    expect(result.stdout).toMatch(
      /✓ database: .*(claude-worker\.db|postgres:\/\/\S+) is open in the running server \(1 task\)/,
    );
    expect(result.stdout).toMatch(/✓ server: running at http/);
  });

  it('config shows each setting, its value and where it came from, with the token masked', async () => {
    const cli = harness('config');
    writeFileSync(join(cli.work, '.claude-worker.yaml'), 'concurrency: 2\ndefault_model: opus\n');
    const token = 'abcdefghijklmnopqrstuvwxyz123456';
    const text = await cli.ok(['config', '--port', '7777'], { env: { CLAUDE_WORKER_TOKEN: token } });
    expect(text).toMatch(/^port\s+7777\s+flag --port$/m);
    expect(text).toMatch(
      new RegExp(`^concurrency\\s+2\\s+project file ${join(cli.work, '.claude-worker.yaml')}$`, 'm'),
    );
    expect(text).toMatch(/^max_attempts\s+3\s+default$/m);
    expect(text).toMatch(/^token\s+"abcd….*masked\)"\s+env CLAUDE_WORKER_TOKEN$/m);
    expect(text).not.toContain(token);
    const json = JSON.parse(await cli.ok(['config', '--json'])) as {
      settings: Record<string, { value: unknown; source: string }>;
    };
    expect(json.settings['home']).toEqual(
      expect.objectContaining({ value: cli.home, source: 'env CLAUDE_WORKER_HOME' }),
    );
    expect(json.settings['default_model']?.value).toBe('opus');

    // The project's settings reach the server it starts, and its task defaults the tasks it queues.
    const created = JSON.parse(await cli.ok(['run', 'Project defaults', '--json'])) as { model: string };
    expect(created.model).toBe('opus');
    const health = JSON.parse(await cli.ok(['server', 'status', '--json'])) as {
      worker: { concurrency: number };
    };
    expect(health.worker.concurrency).toBe(2);
    const second = await cli.run(['server', 'run']);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain('is already running');
  });

  it('an invalid setting stops every command with exit 2 and says what to fix', async () => {
    const cli = harness('badconfig');
    const result = await cli.run(['list'], { env: { CLAUDE_WORKER_CONCURRENCY: '0' } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('concurrency: must be a positive whole number');
    expect(result.stderr).toContain('got "0" from env CLAUDE_WORKER_CONCURRENCY');
    expect(cli.serverInfo()).toBeNull();
  });
});
