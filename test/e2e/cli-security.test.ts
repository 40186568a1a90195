/**
 * The built CLI, as a user runs it under a normal umask (022): the home folder and every file in it are private,
 * a looser existing home is tightened at the next server start (and the server log says so), `logs` never prints
 * terminal escapes from task output, and reserved env names are refused before anything is created (exit 2).
 */
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, CliHarness, taskIdOf } from './cli-harness.js';

let cli: CliHarness;
beforeAll(() => {
  cli = new CliHarness('security');
});
afterAll(async () => {
  await cli.cleanup();
});

const ESC = '\x1b';
const mode = (path: string) => statSync(path).mode & 0o777;
const umask = { umask: '022' };

describe('claude-worker security, end to end', () => {
  let id: number;

  it('keeps the home folder 0700 and its files 0600 under umask 022', async () => {
    const prompt = `Report ${ESC}]0;pwned${ESC}\\ in ${ESC}[31mred${ESC}[0m and ring${'\x07'} the bell`;
    const started = await cli.run(['run', prompt, '--watch'], umask);
    expect(started.code).toBe(0);
    id = taskIdOf(started.stdout);
    const task = await cli.task(id);
    // The task's files and the lifecycle log are written just after the outcome commits.
    const deadline = Date.now() + 10_000;
    const written = [task.log_path!, task.transcript_path!, join(cli.home, 'logs', 'claude-worker.log')];
    while (!written.every((f) => existsSync(f)) && Date.now() < deadline) await sleep(100);
    expect(mode(cli.home)).toBe(0o700);
    for (const dir of ['logs', 'logs/tasks']) expect(mode(join(cli.home, dir)), dir).toBe(0o700);
    for (const file of [
      'claude-worker.db',
      'claude-worker.db-wal',
      'claude-worker.db-shm',
      'server.json',
      'token',
      'logs/server.log',
      'logs/claude-worker.log',
    ]) {
      expect(mode(join(cli.home, file)), file).toBe(0o600);
    }
    expect(mode(task.log_path!)).toBe(0o600);
    expect(mode(task.transcript_path!)).toBe(0o600);
  });

  it('logs and logs -f print no terminal escapes from task output', async () => {
    const task = await cli.task(id);
    expect(readFileSync(task.log_path!, 'utf8')).toContain(`${ESC}[31m`); // the task's own text holds them
    for (const args of [
      ['logs', String(id)],
      ['logs', '-f', String(id)],
    ]) {
      const out = await cli.ok(args);
      expect(out, args.join(' ')).toContain('Working on: Report');
      expect(out, args.join(' ')).toContain('red');
      expect(out, args.join(' ')).not.toContain(ESC);
      expect(out, args.join(' ')).not.toContain('\x07');
    }
  });

  it('logs --raw into a pipe keeps the transcript byte for byte', async () => {
    const task = await cli.task(id);
    expect(await cli.ok(['logs', '--raw', String(id)])).toBe(readFileSync(task.transcript_path!, 'utf8'));
  });

  it('logs --raw to a terminal strips escapes that JSON leaves as they are (C1 controls)', async () => {
    // JSON escapes ESC but not U+009B, the one-character CSI some terminals obey.
    const raw = await cli.run(['run', 'Paint \u009b31m red', '--watch']);
    const rawId = taskIdOf(raw.stdout);
    const piped = await cli.ok(['logs', '--raw', String(rawId)]);
    expect(piped).toContain('\u009b31m');
    const terminal = await new Promise<string>((resolve, reject) => {
      // `script` gives the command a pseudo-terminal as its stdout.
      const child = spawn(
        'script',
        ['-qec', `"${process.execPath}" "${CLI}" logs --raw ${rawId}`, '/dev/null'],
        {
          env: cli.env,
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
      child.once('error', reject);
      child.once('close', () => resolve(out));
    });
    expect(terminal).toContain('Paint');
    expect(terminal).not.toContain('\u009b');
  });

  it('refuses a reserved --env name with exit 2, creating nothing', async () => {
    const before = (await cli.tasks()).length;
    const refused = await cli.run(['run', 'Redirect me', '--env', 'CLAUDE_WORKER_URL=http://elsewhere']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('"CLAUDE_WORKER_URL" is reserved');
    expect((await cli.tasks()).length).toBe(before);
  });

  it('refuses a reserved env name in a workflow file with its place, exit 2', async () => {
    const file = join(cli.work, 'flow.yaml');
    writeFileSync(
      file,
      [
        'tasks:',
        '  - identifier: a',
        '    execution_prompt: Hello',
        '    working_directory: .',
        '    env:',
        '      CLAUDE_CODE_MAX_RETRIES: "50"',
        '',
      ].join('\n'),
    );
    const refused = await cli.run(['orchestrate', file]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('tasks[0].env.CLAUDE_CODE_MAX_RETRIES');
    expect(refused.stderr).toContain('reserved');
  });

  it('tightens a home folder that others could read at the next start, and says so in the server log', async () => {
    await cli.ok(['server', 'stop']);
    chmodSync(cli.home, 0o755);
    chmodSync(join(cli.home, 'claude-worker.db'), 0o644);
    chmodSync(join(cli.home, 'logs', 'server.log'), 0o644);
    const task = await cli.task(id).catch(() => null); // starts the server again
    expect(task?.id).toBe(id);
    expect(mode(cli.home)).toBe(0o700);
    expect(mode(join(cli.home, 'claude-worker.db'))).toBe(0o600);
    expect(mode(join(cli.home, 'logs', 'server.log'))).toBe(0o600);
    expect(readFileSync(join(cli.home, 'logs', 'server.log'), 'utf8')).toContain('tightened the home folder');
  });
});
