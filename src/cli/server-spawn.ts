/**
 * Starting the local server in the background, as `server start` and auto-start do: one detached
 * `claude-worker server run` process (its output appended to <home>/logs/server.log), started under the home
 * folder's lock so two CLIs starting at once make one server, and waited for until it answers /health.
 * The child gets the CLI's effective settings that came from files or flags as CLAUDE_WORKER_* variables, so the
 * server runs with the configuration the user sees in `claude-worker config`.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { homePaths } from '../config/paths.js';
import { CONFIG_KEYS, type LoadedConfig } from '../config/load.js';
import { envName } from '../config/schema.js';
import { ClaudeWorkerError } from '../domain/errors.js';
import { makePrivateDir, PRIVATE_FILE_MODE } from '../platform/private-files.js';
import { findLocalServer, probeHealth, readServerInfo, sleep, type ServerInfo } from './server-info.js';
import { withServerLock } from './server-lock.js';

export const START_TIMEOUT_MS = 15_000;

export interface EnsuredServer {
  info: ServerInfo;
  /** True when this call started it. */
  started: boolean;
}

export interface SpawnOptions {
  /** Run a worker in the server (default true); false: `server run --no-worker`. */
  worker?: boolean;
}

/** The local server, started in the background when none answers. */
export async function ensureLocalServer(
  loaded: LoadedConfig,
  options: SpawnOptions = {},
): Promise<EnsuredServer> {
  const paths = homePaths(loaded.config.home);
  const running = await findLocalServer(paths);
  if (running) return { info: running.info, started: false };
  return withServerLock(paths.home, async () => {
    const again = await findLocalServer(paths); // another CLI may have started it while we waited for the lock
    if (again) return { info: again.info, started: false };
    return { info: await spawnServer(loaded, options), started: true };
  });
}

/** The environment of the server process: ours, plus every setting that came from a file or a flag. */
export function serverEnvironment(
  loaded: LoadedConfig,
  base: NodeJS.ProcessEnv = process.env,
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base };
  for (const key of CONFIG_KEYS) {
    const source = loaded.sources[key];
    if (key === 'home' || key === 'url' || source === 'default' || source.startsWith('env ')) continue;
    const value: unknown = loaded.config[key];
    env[envName(key)] = value === null ? 'null' : typeof value === 'string' ? value : JSON.stringify(value);
  }
  return env;
}

async function spawnServer(loaded: LoadedConfig, options: SpawnOptions): Promise<ServerInfo> {
  const paths = homePaths(loaded.config.home);
  makePrivateDir(paths.logs);
  const log = openSync(paths.serverLog, 'a', PRIVATE_FILE_MODE);
  const main = fileURLToPath(new URL('./main.js', import.meta.url));
  let child;
  try {
    const args = [main, 'server', 'run', '--home', paths.home];
    if (options.worker === false) args.push('--no-worker');
    child = spawn(process.execPath, args, {
      cwd: paths.home,
      detached: true,
      stdio: ['ignore', log, log],
      env: serverEnvironment(loaded),
    });
  } finally {
    closeSync(log);
  }
  let ended: string | null = null;
  child.once('error', (err) => (ended = `could not be started: ${err.message}`));
  child.once(
    'exit',
    (code, signal) => (ended = signal ? `was killed by ${signal}` : `exited with code ${String(code)}`),
  );
  child.unref();

  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (ended !== null) throw startFailed(`The server process ${ended}`, paths.serverLog);
    const info = await readServerInfo(paths.serverInfo);
    if (info && info.pid === child.pid && (await probeHealth(info.url))) return info;
    await sleep(100);
  }
  if (child.pid !== undefined) process.kill(child.pid, 'SIGTERM');
  throw startFailed(
    `The server did not answer within ${START_TIMEOUT_MS / 1000} s and was stopped`,
    paths.serverLog,
  );
}

function startFailed(what: string, logPath: string): ClaudeWorkerError {
  const reason = lastError(logPath);
  return new ClaudeWorkerError(
    'unavailable',
    `${what}${reason ? `: ${reason}` : ''}. See ${logPath}; run \`claude-worker doctor\` to check the set-up, or ` +
      '`claude-worker server run` to see it start in the foreground.',
  );
}

/** The last `error: …` line the server printed, else the last log line's message. */
function lastError(logPath: string): string | null {
  let lines: string[];
  try {
    lines = readFileSync(logPath, 'utf8').trimEnd().split('\n').slice(-50);
  } catch {
    return null;
  }
  const printed = [...lines].reverse().find((line) => line.startsWith('error: '));
  if (printed) return printed.slice('error: '.length);
  const last = lines.at(-1);
  if (!last) return null;
  try {
    const entry = JSON.parse(last) as { msg?: string; err?: { message?: string } };
    return [entry.msg, entry.err?.message].filter(Boolean).join(': ') || null;
  } catch {
    return last.slice(0, 300);
  }
}
