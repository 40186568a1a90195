/**
 * Test plumbing shared by engine, API and end-to-end tests: a temporary home, a Config pointing at the Claude Code
 * stand-in, an App on a real SQLite file, and polling helpers.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { App } from '../../src/app.js';
import { DEFAULTS, type Config } from '../../src/config/schema.js';
import type { Logger } from '../../src/observability/logger.js';
import type { Executor } from '../../src/executor/executor.js';
import type { TaskStatus } from '../../src/domain/vocabulary.js';
import { APP_STORE_IS_POSTGRES, freshDatabase } from './postgres.js';

export const FAKE_CLAUDE = resolve('test/fixtures/fake-claude.mjs');

/** Tests provoke warnings on purpose (rate limits, breakers, recovery); only errors are printed. */
export const quietLogger: Logger = {
  info: () => {},
  warn: () => {},
  error: (obj, msg) => process.stderr.write(`engine error: ${msg ?? ''} ${JSON.stringify(obj)}\n`),
};

export function tempDir(prefix = 'cw-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function testConfig(home: string, overrides: Partial<Config> = {}): Config {
  return {
    ...DEFAULTS,
    home,
    claude_path: FAKE_CLAUDE,
    port: 0,
    heartbeat_seconds: 0.5,
    poll_seconds: 0.5,
    lease_seconds: 5,
    log_level: 'silent',
    shutdown_grace_seconds: 0,
    ...overrides,
  };
}

export interface TestApp {
  app: App;
  home: string;
  /** A working directory for tasks. */
  workdir: string;
  close(): Promise<void>;
}

const homeDatabases = new Map<string, { url: string; users: number; drop: () => Promise<void> }>();

async function databaseOfHome(home: string): Promise<{ url: string; release: () => Promise<void> }> {
  let entry = homeDatabases.get(home);
  if (!entry) {
    entry = { ...(await freshDatabase()), users: 0 };
    homeDatabases.set(home, entry);
  }
  entry.users += 1;
  const held = entry;
  return {
    url: held.url,
    release: async () => {
      held.users -= 1;
      if (held.users > 0) return;
      homeDatabases.delete(home);
      await held.drop();
    },
  };
}

export async function openTestApp(
  overrides: Partial<Config> = {},
  options: { executor?: Executor; start?: boolean; home?: string } = {},
): Promise<TestApp> {
  const home = options.home ?? tempDir('cw-home-');
  const workdir = tempDir('cw-work-');
  // CLAUDE_WORKER_TEST_STORE=postgres: the same tests on a fresh PostgreSQL database each.
  const database =
    APP_STORE_IS_POSTGRES && overrides.database_url === undefined ? await databaseOfHome(home) : null;
  const app = await App.open({
    config: testConfig(home, database ? { database_url: database.url, ...overrides } : overrides),
    executor: options.executor,
    logger: quietLogger,
  });
  if (options.start !== false) await app.start();
  return {
    app,
    home,
    workdir,
    async close() {
      await app.close();
      await database?.release();
      rmSync(workdir, { recursive: true, force: true });
      if (!options.home) rmSync(home, { recursive: true, force: true });
    },
  };
}

/** Polls `check` until it returns a value other than undefined/false, or throws after `timeoutMs`. */
export async function waitFor<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  what: string,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 25));
  }
}

export async function waitForStatus(app: App, id: number, statuses: TaskStatus[], timeoutMs = 15_000) {
  return waitFor(
    async () => {
      const task = await app.store.getTask(id);
      return task && statuses.includes(task.status) ? task : undefined;
    },
    `task ${id} to become ${statuses.join(' or ')}`,
    timeoutMs,
  );
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** One start of the Claude Code stand-in, as it records it in FAKE_CLAUDE_RECORD. */
export interface StartRecord {
  pid: number;
  started_at_ms: number;
  prompt: string;
  model: string;
  resume: string | null;
}

export function readStarts(path: string): StartRecord[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as StartRecord);
}
