/**
 * Resume anywhere: a task interrupted on one machine resumes its Claude session on another that shares the
 * database but not the disk (each "machine" here has its own Claude Code config folder). With the session mirrored
 * into the database the second machine resumes it; without, it says so in the task log and starts a new session.
 */
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { App } from '../../src/app.js';
import { homePaths } from '../../src/config/paths.js';
import { StoreSessionMirror } from '../../src/engine/session-mirror.js';
import { ClaudeExecutor } from '../../src/executor/claude-executor.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { FAKE_CLAUDE, quietLogger, tempDir, testConfig, waitFor } from '../helpers/harness.js';

interface Machine {
  app: App;
  configDir: string;
}

let root: string;
const opened: App[] = [];

afterEach(async () => {
  for (const app of opened.splice(0)) await app.close({ graceMs: 0 }).catch(() => undefined);
  rmSync(root, { recursive: true, force: true });
});

/** One machine: its own home and Claude Code config folder, the shared database file, its own worker. */
async function machine(name: string, database: string, mirror: boolean, record: string): Promise<Machine> {
  const home = join(root, name);
  const configDir = join(root, `${name}-claude`);
  mkdirSync(configDir, { recursive: true });
  const store = new SqliteStore(database);
  const executor = new ClaudeExecutor({
    claudePath: FAKE_CLAUDE,
    childEnvOverrides: {
      CLAUDE_CONFIG_DIR: configDir,
      FAKE_CLAUDE_SESSIONS: '1',
      FAKE_CLAUDE_RECORD: record,
    },
    sessionMirror: mirror ? new StoreSessionMirror(store, configDir) : null,
  });
  const app = await App.open({
    config: testConfig(home, { session_mirror: mirror }),
    store,
    executor,
    logger: quietLogger,
  });
  opened.push(app);
  return { app, configDir };
}

function starts(
  record: string,
): Array<{ resume: string | null; resumed_entries: number | null; env: Record<string, string> }> {
  return readFileSync(record, 'utf8')
    .trim()
    .split('\n')
    .map(
      (line) =>
        JSON.parse(line) as {
          resume: string | null;
          resumed_entries: number | null;
          env: Record<string, string>;
        },
    );
}

async function interruptOnFirstMachine(mirror: boolean) {
  root = tempDir('cw-resume-');
  const record = join(root, 'starts.jsonl');
  const database = homePaths(join(root, 'shared')).database;
  mkdirSync(join(root, 'shared'), { recursive: true });
  const a = await machine('a', database, mirror, record);
  const b = await machine('b', database, mirror, record);
  const workdir = join(root, 'repo');
  mkdirSync(workdir);
  await a.app.start();
  const task = await a.app.tasks.createTask(
    { execution_prompt: 'Long refactor [fake:slow steps=20 delay_ms=250]', working_directory: workdir },
    { actor: 'test' },
  );
  const running = await waitFor(async () => {
    const t = await a.app.store.getTask(task.id);
    return t && t.session_id && t.num_turns !== null ? t : undefined;
  }, 'the first machine to be working in a session');
  // The first machine goes away mid-task (a graceful stop without grace: interrupted, requeued to resume).
  await a.app.close({ graceMs: 0 });
  opened.splice(opened.indexOf(a.app), 1);
  await b.app.start();
  const done = await waitFor(
    async () => {
      const t = await b.app.store.getTask(task.id);
      return t && (t.status === 'completed' || t.status === 'failed') ? t : undefined;
    },
    'the second machine to finish the task',
    30_000,
  );
  return { b, task: done, session: running.session_id!, record };
}

describe('resume on another machine', () => {
  it('resumes the session from the database when this machine has no copy of it', async () => {
    const { b, task, session, record } = await interruptOnFirstMachine(true);
    expect(task.status).toBe('completed');
    const attempts = await b.app.store.listAttempts(task.id);
    expect(attempts.map((x) => x.status)).toEqual(['interrupted', 'succeeded']);
    const [first, second] = starts(record);
    expect(first!.resume).toBeNull();
    // The second machine's Claude Code resumed the same session and found the earlier conversation.
    expect(second!.resume).toBe(session);
    expect(second!.resumed_entries).toBeGreaterThan(1);
    expect(starts(record)).toHaveLength(2);
    expect(task.session_id).toBe(session);
  });

  it('without the mirror, says the session cannot be resumed there and starts a new one', async () => {
    const { b, task, session, record } = await interruptOnFirstMachine(false);
    expect(task.status).toBe('completed');
    const [, tried, fresh] = starts(record);
    expect(tried!.resume).toBe(session);
    expect(tried!.resumed_entries).toBe(0);
    expect(fresh!.resume).toBeNull();
    expect(task.session_id).not.toBe(session);
    const log = await b.app.outputReader.read(task, 'log');
    expect(log).toContain(`[resume] session ${session} cannot be resumed on this machine`);
  });
});
