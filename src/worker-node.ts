/**
 * A worker node (`claude-worker worker`): the App with its engine and no HTTP server. It registers in the store with
 * its labels, claims and runs tasks, logs to its own file in the home (`logs/worker-<pid>.log`, mode 0600), and on
 * SIGTERM/SIGINT stops claiming, gives running tasks the same grace period as the server
 * (`shutdown_grace_seconds`), interrupts the rest (requeued, their sessions resume elsewhere), marks itself stopped
 * and exits. A second signal exits at once (the tasks' leases then expire and any live node requeues them).
 */
import { join } from 'node:path';
import { App } from './app.js';
import type { Config } from './config/schema.js';
import { homePaths } from './config/paths.js';
import type { Executor } from './executor/executor.js';
import { openFileLogger } from './observability/file-logger.js';
import { forcesExit } from './platform/shutdown-signal.js';

export interface RunWorkerOptions {
  labels: string[];
  /** Defaults to the Claude Code executor. */
  executor?: Executor;
  /** Stop on SIGTERM/SIGINT, then exit the process (default true). */
  handleSignals?: boolean;
}

export interface RunningWorker {
  app: App;
  workerId: string;
  logPath: string;
  /** Stops gracefully (grace period, then interrupt), closes the store. Idempotent. */
  close(): Promise<void>;
}

export async function runWorkerNode(config: Config, options: RunWorkerOptions): Promise<RunningWorker> {
  const paths = homePaths(config.home);
  const logPath = join(paths.logs, `worker-${process.pid}.log`);
  const { logger, flush } = openFileLogger(logPath, config.log_level);
  let app: App | null = null;
  try {
    app = await App.open({ config, executor: options.executor, logger, labels: options.labels });
    await app.start();
  } catch (err) {
    logger.error({ err }, 'worker start failed');
    await app?.close().catch((closeErr: unknown) => logger.error({ err: closeErr }, 'cleanup failed'));
    await flush();
    throw err;
  }
  const opened = app;
  const engine = opened.engine!;
  logger.info(
    { worker_id: engine.workerId, labels: options.labels, concurrency: config.concurrency },
    'claude-worker worker started',
  );

  // The engine's timers do not hold the process open (they are unref'd for in-process use); a worker node has no
  // server socket either, so this keeps it running until it is told to stop.
  const keepAlive = setInterval(() => undefined, 1 << 30);
  let closing: Promise<void> | null = null;
  const handleSignals = options.handleSignals ?? true;
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
        process.stderr.write(`claude-worker: worker shutdown failed: ${String(err)}\n`);
        process.exit(1);
      },
    );
  };
  const close = (): Promise<void> => {
    closing ??= (async () => {
      clearInterval(keepAlive);
      let failure: unknown = null;
      await opened
        .close({ graceMs: config.shutdown_grace_seconds * 1000 })
        .catch((err: unknown) => (failure = err));
      if (failure) logger.error({ err: failure }, 'error during shutdown');
      logger.info({ worker_id: engine.workerId }, 'claude-worker worker stopped');
      await flush();
      if (handleSignals) {
        process.off('SIGTERM', onSignal);
        process.off('SIGINT', onSignal);
      }
      if (failure) throw failure;
    })();
    return closing;
  };
  if (handleSignals) {
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  }
  return { app: opened, workerId: engine.workerId, logPath, close };
}
