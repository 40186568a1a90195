/**
 * How a command reaches the server. With a configured `url` (--url, CLAUDE_WORKER_URL, a file) the CLI talks to
 * that server only, and says so clearly when it does not answer (exit 3). Otherwise it uses the local server of the
 * home folder, starting it in the background when none answers. The token is the configured one, else the one the
 * server wrote to <home>/token.
 */
import { readTokenFile } from '../api/token.js';
import { ClaudeWorkerClient } from '../client/http-client.js';
import { ClaudeWorkerError } from '../domain/errors.js';
import type { CliContext } from './context.js';
import { findLocalServer, probeHealth } from './server-info.js';
import { ensureLocalServer } from './server-spawn.js';

export interface ConnectOptions {
  /** Start the local server when none answers (default true). */
  autoStart?: boolean;
  /** Recorded as the actor of every write (default `cli`; the MCP proxy passes `mcp`). */
  actor?: string;
}

export async function connect(
  context: CliContext,
  options: ConnectOptions = {},
): Promise<ClaudeWorkerClient> {
  const { config, sources } = context.loaded;
  const paths = context.paths;
  let url: string;
  if (config.url) {
    url = config.url;
    if (!(await probeHealth(url))) {
      throw new ClaudeWorkerError(
        'unavailable',
        `No claude-worker server answers at ${url} (the url comes from ${sources.url}). Check that the server runs ` +
          'there and the address is right, or remove the url setting to use a local server.',
        { data: { url } },
      );
    }
  } else if (options.autoStart === false) {
    const local = await findLocalServer(paths);
    if (!local) {
      throw new ClaudeWorkerError(
        'unavailable',
        'No claude-worker server is running. Start it with `claude-worker server start`.',
      );
    }
    url = local.info.url;
  } else {
    const { info, started } = await ensureLocalServer(context.loaded);
    if (started) context.note(`Started the claude-worker server at ${info.url} (pid ${info.pid}).`);
    url = info.url;
  }
  const token = config.token ?? (await readTokenFile(paths.token));
  if (!token) {
    throw new ClaudeWorkerError(
      'unauthorized',
      `No API token for the server at ${url}: ${paths.token} does not exist. Set the server's token with ` +
        'CLAUDE_WORKER_TOKEN (or "token" in the config file).',
    );
  }
  return new ClaudeWorkerClient({ url, token, actor: options.actor ?? 'cli' });
}
