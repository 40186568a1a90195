/**
 * `claude-worker server start|stop|status|restart|run`. `run` is the server in the foreground (what `start` and
 * auto-start spawn in the background); `stop` sends SIGTERM to the pid in server.json and waits until it is gone.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { ClaudeWorkerError } from '../../domain/errors.js';
import { positiveNumber, wholeNumber } from '../args.js';
import { connect } from '../connect.js';
import { DATABASE_URL_FLAG, DATABASE_URL_HELP } from './db.js';
import type { CliContext, CliRun } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { formatDuration } from '../format.js';
import {
  findLocalServer,
  isAlive,
  probeHealth,
  readServerInfo,
  removeStaleServerInfo,
  waitForExit,
} from '../server-info.js';
import { ensureLocalServer } from '../server-spawn.js';

/** How long `stop` waits beyond the shutdown grace by default: recording outcomes and closing the store. */
const STOP_MARGIN_SECONDS = 15;

interface StopOptions {
  /** Default: the configured shutdown_grace_seconds plus the margin. */
  timeout?: number;
  force?: boolean;
}

export function registerServer(program: Command, run: CliRun): void {
  const server = program
    .command('server')
    .description('Start, stop or inspect the background server (it also starts by itself when needed)');

  server
    .command('start')
    .description('Start the server in the background (nothing happens if it already runs)')
    .option('--json', 'print server.json of the running server')
    .option(
      '--no-worker',
      'an API node only: run no tasks here (worker nodes run them: `claude-worker worker`)',
    )
    .option(DATABASE_URL_FLAG, DATABASE_URL_HELP)
    .action(async (options: { json?: boolean; worker: boolean; databaseUrl?: string }, command: Command) => {
      await start(
        run.context(command, { database_url: options.databaseUrl }),
        options.json === true,
        options.worker,
      );
    });

  server
    .command('stop')
    .description(
      'Stop the server gracefully: it takes no new tasks and lets running ones finish for shutdown_grace_seconds ' +
        '(default 20 s); those still running then are interrupted and resume at the next start',
    )
    .option(
      '--timeout <seconds>',
      `how long to wait for it to exit (default: shutdown_grace_seconds + ${STOP_MARGIN_SECONDS})`,
      positiveNumber,
    )
    .option('--force', 'kill it (SIGKILL) if it has not exited in time')
    .addHelpText('after', '\nExit codes: 0 stopped (or was not running), 1 still running after the timeout.')
    .action(async (options: StopOptions, command: Command) => {
      run.exitCode = await stop(run.context(command), options);
    });

  server
    .command('status')
    .description('Is the server running? Its url, pid, uptime and task counts')
    .option('--json', 'print /health/detailed of the running server')
    .addHelpText('after', '\nExit codes: 0 running, 3 not running.')
    .action(async (options: { json?: boolean }, command: Command) => {
      run.exitCode = await status(run.context(command), options.json === true);
    });

  server
    .command('restart')
    .description('Stop the server if it runs (gracefully, as `server stop` does), then start it again')
    .option(
      '--timeout <seconds>',
      `how long to wait for the old one to exit (default: shutdown_grace_seconds + ${STOP_MARGIN_SECONDS})`,
      positiveNumber,
    )
    .option('--force', 'kill the old one (SIGKILL) if it has not exited in time')
    .option('--no-worker', 'start it again as an API node only (no tasks run in it)')
    .option(DATABASE_URL_FLAG, DATABASE_URL_HELP)
    .action(async (options: StopOptions & { worker: boolean; databaseUrl?: string }, command: Command) => {
      const context = run.context(command, { database_url: options.databaseUrl });
      const stopped = await stop(context, options);
      if (stopped !== EXIT.ok) {
        run.exitCode = stopped;
        return;
      }
      await start(context, false, options.worker);
    });

  server
    .command('run')
    .description('Run the server in the foreground until interrupted (what `start` runs in the background)')
    .option('--host <host>', 'address to bind (default 127.0.0.1)')
    .option('--concurrency <n>', 'tasks run at once', wholeNumber)
    .option('--no-worker', 'an API node only: run no tasks in this process')
    .option(DATABASE_URL_FLAG, DATABASE_URL_HELP)
    .action(
      async (
        options: { host?: string; concurrency?: number; worker: boolean; databaseUrl?: string },
        command: Command,
      ) => {
        const context = run.context(command, {
          host: options.host,
          concurrency: options.concurrency,
          database_url: options.databaseUrl,
        });
        const existing = await findLocalServer(context.paths);
        if (existing) {
          throw new ClaudeWorkerError(
            'conflict',
            `A server for ${context.paths.home} is already running at ${existing.info.url} (pid ${existing.info.pid}). ` +
              'Stop it first with `claude-worker server stop`, or use another home folder (--home).',
          );
        }
        const { runServer } = await import('../../serve.js');
        const running = await runServer(context.loaded.config, { worker: options.worker });
        const role = options.worker ? '' : ', no worker: tasks run on `claude-worker worker` nodes';
        context.print(
          `claude-worker server listening at ${running.url} (pid ${process.pid}, home ${context.paths.home}${role}). ` +
            'Stop it with Ctrl-C or `claude-worker server stop`.',
        );
        // Stays up until SIGTERM/SIGINT: runServer then shuts down gracefully and exits the process.
        await new Promise<never>(() => undefined);
      },
    );
}

async function start(context: CliContext, json: boolean, worker: boolean): Promise<void> {
  const { info, started } = await ensureLocalServer(context.loaded, { worker });
  const role = worker ? '' : ' with no worker (run tasks with `claude-worker worker`)';
  if (json) context.json(info);
  else if (started)
    context.print(`Server started at ${info.url} (pid ${info.pid})${role}. Log: ${context.paths.serverLog}`);
  else context.print(`Server already running at ${info.url} (pid ${info.pid}).`);
}

async function stop(context: CliContext, options: StopOptions): Promise<number> {
  const paths = context.paths;
  const info = await readServerInfo(paths.serverInfo);
  if (!info) {
    context.print('No server is running.');
    return EXIT.ok;
  }
  if (!isAlive(info.pid)) {
    await removeStaleServerInfo(paths, info);
    context.print(`No server is running (server.json named pid ${info.pid}, which has exited; removed it).`);
    return EXIT.ok;
  }
  const health = await probeHealth(info.url);
  if ((!health || health.pid !== info.pid) && !looksLikeServerProcess(info.pid)) {
    throw new ClaudeWorkerError(
      'conflict',
      `server.json names pid ${info.pid}, which is alive but neither answers at ${info.url} nor looks like a ` +
        `claude-worker server; not signalling it. If no server runs, delete ${paths.serverInfo}.`,
    );
  }
  const timeout = options.timeout ?? context.loaded.config.shutdown_grace_seconds + STOP_MARGIN_SECONDS;
  process.kill(info.pid, 'SIGTERM');
  if (await waitForExit(info.pid, timeout * 1000)) {
    await removeStaleServerInfo(paths, info);
    context.print(`Server stopped (pid ${info.pid}).`);
    return EXIT.ok;
  }
  if (options.force) {
    process.kill(info.pid, 'SIGKILL');
    await waitForExit(info.pid, 5000);
    await removeStaleServerInfo(paths, info);
    context.print(
      `Server killed (pid ${info.pid}) after ${timeout} s; its running tasks are recovered at the next start.`,
    );
    return EXIT.ok;
  }
  context.note(
    `error: the server (pid ${info.pid}) has not exited after ${timeout} s. It may still be finishing; check ` +
      '`claude-worker server status`, or force it with `claude-worker server stop --force` (running tasks are recovered at the next start).',
  );
  return EXIT.failed;
}

/** On Linux, whether the process's command line is `… server run …` (our own server). */
function looksLikeServerProcess(pid: number): boolean {
  try {
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    const at = args.indexOf('server');
    return at >= 0 && args[at + 1] === 'run';
  } catch {
    return false;
  }
}

async function status(context: CliContext, json: boolean): Promise<number> {
  const local = context.loaded.config.url ? null : await findLocalServer(context.paths);
  if (!local && !context.loaded.config.url) {
    if (json) context.json({ status: 'stopped' });
    else
      context.print(
        'Server: not running. It starts by itself when a command needs it, or: claude-worker server start',
      );
    return EXIT.unreachable;
  }
  const client = await connect(context, { autoStart: false });
  const health = await client.healthDetailed();
  if (json) {
    context.json(health);
    return EXIT.ok;
  }
  const counts = Object.entries(health.counts)
    .filter(([, count]) => count > 0)
    .map(([name, count]) => `${name} ${count}`);
  const worker = health.worker;
  context.print(`Server: running at ${client.url} (pid ${health.pid}, version ${health.version})`);
  context.print(`  uptime    ${formatDuration(health.uptime_seconds * 1000)} (since ${health.started_at})`);
  context.print(`  home      ${health.home}`);
  context.print(`  database  ${health.database}`);
  context.print(
    worker.state === 'none'
      ? '  worker    none: this server runs no tasks (--no-worker); see `claude-worker workers`'
      : `  worker    ${worker.state}, ${worker.running_tasks} of ${worker.concurrency} slots busy`,
  );
  context.print(`  tasks     ${counts.length ? counts.join(' · ') : 'none'}`);
  return EXIT.ok;
}
