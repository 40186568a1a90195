/**
 * Starts a real server for a test file (runServer: real SQLite store, real Claude executor driving the stand-in)
 * and a client for it, and polling helpers that read through the client as a user would.
 */
import { rmSync } from 'node:fs';
import { runServer, type RunningServer } from '../../src/serve.js';
import type { Config } from '../../src/config/schema.js';
import type { TaskStatus } from '../../src/domain/vocabulary.js';
import { ClaudeWorkerClient, type TaskWithAttempts } from '../../src/client/http-client.js';
import { waitFor } from '../helpers/harness.js';
import { apiTestConfig, tempDir } from './test-config.js';

export interface TestServer {
  server: RunningServer;
  client: ClaudeWorkerClient;
  home: string;
  workdir: string;
  config: Config;
  close(): Promise<void>;
}

export async function startTestServer(
  overrides: Partial<Config> = {},
  options: { webRoot?: string } = {},
): Promise<TestServer> {
  const home = tempDir('cw-api-home-');
  const workdir = tempDir('cw-api-work-');
  const config = apiTestConfig(home, overrides);
  const server = await runServer(config, { handleSignals: false, webRoot: options.webRoot });
  const client = new ClaudeWorkerClient({ url: server.url, token: server.token });
  return {
    server,
    client,
    home,
    workdir,
    config,
    async close() {
      await server.close();
      rmSync(workdir, { recursive: true, force: true });
      rmSync(home, { recursive: true, force: true });
    },
  };
}

export { waitFor };

export function waitForStatus(
  client: ClaudeWorkerClient,
  id: number,
  statuses: TaskStatus[],
  timeoutMs?: number,
): Promise<TaskWithAttempts> {
  return waitFor(
    async () => {
      const task = await client.getTask(id);
      return statuses.includes(task.status) ? task : undefined;
    },
    `task ${id} to be ${statuses.join(' or ')}`,
    timeoutMs,
  );
}

/** Runs `fn` and returns the error it throws (fails the test if it does not throw). */
export async function errorOf(
  fn: () => Promise<unknown>,
): Promise<Error & { code?: string; data?: Record<string, unknown> }> {
  try {
    await fn();
  } catch (err) {
    return err as Error & { code?: string; data?: Record<string, unknown> };
  }
  throw new Error('expected an error, but the call succeeded');
}
