/**
 * The server process's composition (beside app.ts, the composition root of the engine): the REST API with the MCP
 * endpoint mounted on it, so `api/` and `mcp/` never import each other.
 * Runs the API server as a process does (`claude-worker server run`): opens the App, makes sure there is a token,
 * binds (loopback unless a token is configured; a busy port moves on), records itself in `<home>/server.json`,
 * starts the engine, and shuts down gracefully on SIGTERM/SIGINT or `close()`.
 */
import { dirname } from 'node:path';
import { pino, type Logger } from 'pino';
import { App } from './app.js';
import type { Config } from './config/schema.js';
import { homePaths } from './config/paths.js';
import { makePrivateDir, PRIVATE_FILE_MODE } from './platform/private-files.js';
import type { Executor } from './executor/executor.js';
import { checkBindable, listenOnFreePort, localUrl } from './api/listen.js';
import { buildServer } from './api/server.js';
import { registerMcpRoute } from './mcp/http.js';
import { removeServerInfo, writeServerInfo } from './api/server-info.js';
import { ensureToken } from './api/token.js';
import { VERSION } from './api/version.js';
import { LocalAlerts } from './notify/local-alerts.js';
import { startLocalNotices } from './notify/local-notices.js';
import { forcesExit } from './platform/shutdown-signal.js';

export interface RunServerOptions {
  /** Defaults to the Claude Code executor. */
  executor?: Executor;
  /** Close on SIGTERM/SIGINT, then exit the process (default true). A second signal exits at once. */
  handleSignals?: boolean;
  /** Run a worker in this process (default true); false: an API node (`server run --no-worker`). */
  worker?: boolean;
  /** The built dashboard to serve at `/` (default dist/web); tests pass a fixture folder. */
  webRoot?: string;
}

export interface RunningServer {
  url: string;
  port: number;
  token: string;
  app: App;
  /** Stops accepting, ends live streams, stops the engine, removes server.json (if still ours). Idempotent. */
  close(): Promise<void>;
}

function fileLogger(path: string, level: string): { logger: Logger; flush(): Promise<void> } {
  makePrivateDir(dirname(path));
  const destination = pino.destination({
    dest: path,
    append: true,
    mkdir: true,
    sync: false,
    mode: PRIVATE_FILE_MODE,
  });
  const logger = pino({ level, base: { pid: process.pid } }, destination);
  // Ending the destination writes what is buffered; 'close' comes once it is on disk and the file is closed.
  const flush = () =>
    new Promise<void>((done) => {
      destination.once('close', () => done());
      destination.once('error', () => done());
      destination.end();
    });
  return { logger, flush };
}

export async function runServer(config: Config, options: RunServerOptions = {}): Promise<RunningServer> {
  const paths = homePaths(config.home);
  checkBindable(config.host, config.token !== null);
  makePrivateDir(paths.home);
  const token = await ensureToken(config.token, paths.token);
  const { logger, flush } = fileLogger(paths.serverLog, config.log_level);

  let app: App;
  try {
    app = await App.open({ config, executor: options.executor, logger, worker: options.worker });
  } catch (err) {
    logger.error({ err }, 'could not open the app');
    await flush();
    throw err;
  }
  const server = buildServer(app, {
    token,
    logger,
    webRoot: options.webRoot,
    // MCP over Streamable HTTP at /mcp, behind the same token (src/mcp/http.ts).
    mounts: [(fastify, authenticate) => registerMcpRoute(fastify, app, authenticate, logger)],
  });
  let port: number;
  let url: string;
  let stopLocalNotices: () => void = () => {};
  try {
    port = await listenOnFreePort(server, config.host, config.port);
    url = localUrl(config.host, port);
    await writeServerInfo(paths.serverInfo, {
      pid: process.pid,
      host: config.host,
      port,
      url,
      started_at: new Date().toISOString(),
      version: VERSION,
    });
    app.publicUrl = url;
    await app.start();
    // A server on the person's machine (started from a terminal, or the settings say `on`) plays its own sounds.
    stopLocalNotices = startLocalNotices(
      app.store,
      LocalAlerts.fromConfig(
        config,
        { terminal: process.stdout.isTTY === true, env: process.env },
        { platform: process.platform, env: process.env },
        (message, detail) => logger.warn(detail, `sound or desktop notice: ${message}`),
      ),
      (err) => logger.warn({ err }, 'sound or desktop notice: could not read the ended task'),
    );
  } catch (err) {
    logger.error({ err }, 'server start failed');
    const cleanupFailed = (closeErr: unknown) =>
      logger.error({ err: closeErr }, 'cleaning up after a failed start failed');
    await server.close().catch(cleanupFailed);
    await app.close().catch(cleanupFailed);
    await removeServerInfo(paths.serverInfo, process.pid);
    await flush();
    throw err;
  }
  logger.info({ url, port, home: paths.home, version: VERSION }, 'claude-worker server listening');

  let closing: Promise<void> | null = null;
  let firstSignalAt = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (closing) {
      if (!forcesExit(firstSignalAt, Date.now())) return; // the same request, delivered twice
      logger.warn({ signal }, 'second signal during shutdown; exiting now');
      process.exit(1);
    }
    firstSignalAt = Date.now();
    logger.info({ signal }, 'shutting down');
    close().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`claude-worker: shutdown failed: ${String(err)}\n`);
        process.exit(1);
      },
    );
  };
  const handleSignals = options.handleSignals ?? true;
  if (handleSignals) {
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  }

  const close = (): Promise<void> => {
    closing ??= (async () => {
      // The signal handlers stay until the end: a second signal during shutdown exits at once.
      const errors: unknown[] = [];
      stopLocalNotices();
      // Running tasks get the grace period to finish while the API still answers (status, logs); the rest are
      // interrupted and requeued to resume at the next start. Then HTTP closes, then the store.
      await app.engine
        ?.stop({ graceMs: config.shutdown_grace_seconds * 1000 })
        .catch((err: unknown) => errors.push(err));
      await server.close().catch((err: unknown) => errors.push(err));
      await app.close().catch((err: unknown) => errors.push(err));
      await removeServerInfo(paths.serverInfo, process.pid).catch((err: unknown) => errors.push(err));
      for (const err of errors) logger.error({ err }, 'error during shutdown');
      logger.info({}, 'claude-worker server stopped');
      await flush();
      if (handleSignals) {
        process.off('SIGTERM', onSignal);
        process.off('SIGINT', onSignal);
      }
      if (errors.length > 0) throw errors[0];
    })();
    return closing;
  };

  return { url, port, token, app, close };
}
