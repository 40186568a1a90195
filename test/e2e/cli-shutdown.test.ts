/**
 * Graceful shutdown through the built CLI, told apart from crash recovery. `server stop` (SIGTERM) during a running
 * task: once the command returns, the database (read directly, no server running) already holds the task `queued`
 * — nothing left `running` for a later recovery to find — with its attempt `interrupted` by the shutdown and a
 * `task_requeued` event; no `task_recovered` event ever appears, and the next start resumes the Claude session and
 * completes it. A task that ends within the grace period is `completed` in the database before the next start, in
 * its one attempt.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { CliHarness } from './cli-harness.js';

const harnesses: CliHarness[] = [];
afterEach(async () => {
  await Promise.all(harnesses.splice(0).map((cli) => cli.cleanup()));
});

interface TaskJson {
  id: number;
  status: string;
  attempts: Array<{ status: string; session_id: string | null; resumed_session_id: string | null }>;
}

interface Stored {
  status: string;
  attempts: Array<{ status: string; error: { code: string; message: string } | null }>;
  events: string[];
}

/** The task as the database holds it, read while no server runs. */
function stored(cli: CliHarness, id: number): Stored {
  const db = new Database(join(cli.home, 'claude-worker.db'), { readonly: true, fileMustExist: true });
  try {
    const task = db.prepare('SELECT status FROM tasks WHERE id = ?').get(id) as { status: string };
    const attempts = (
      db.prepare('SELECT status, error FROM attempts WHERE task_id = ? ORDER BY number').all(id) as Array<{
        status: string;
        error: string | null;
      }>
    ).map((a) => ({ status: a.status, error: a.error === null ? null : JSON.parse(a.error) }));
    const events = (
      db.prepare('SELECT type FROM events WHERE task_id = ? ORDER BY id').all(id) as Array<{ type: string }>
    ).map((e) => e.type);
    return { status: task.status, attempts, events };
  } finally {
    db.close();
  }
}

describe('graceful shutdown', () => {
  it('server stop requeues a running task itself (no recovery needed); the next start resumes the session', async () => {
    const cli = new CliHarness('sigterm', { CLAUDE_WORKER_SHUTDOWN_GRACE_SECONDS: '0' });
    harnesses.push(cli);
    const { id } = JSON.parse(
      await cli.ok(['run', '[fake:slow steps=60 delay_ms=250] Long job', '--json']),
    ) as TaskJson;
    await cli.waitFor(id, (task) => task.status === 'running' && task.last_action !== null);

    expect((await cli.run(['server', 'stop'])).code).toBe(0);
    expect(cli.serverInfo()).toBeNull();
    // The shutdown itself left the task requeued: a crash would leave it `running` until a recovery.
    const afterStop = stored(cli, id);
    expect(afterStop.status).toBe('queued');
    expect(afterStop.attempts).toHaveLength(1);
    expect(afterStop.attempts[0]!.status).toBe('interrupted');
    expect(afterStop.attempts[0]!.error).toMatchObject({ code: 'interrupted' });
    expect(afterStop.attempts[0]!.error!.message).toMatch(/shut down/);
    expect(afterStop.events).toContain('task_requeued');
    expect(afterStop.events).not.toContain('task_recovered');

    expect((await cli.run(['server', 'start'])).code).toBe(0);
    const task = (await cli.waitFor(id, (t) => t.status === 'completed', 30_000)) as unknown as TaskJson;
    expect(task.attempts.map((a) => a.status)).toEqual(['interrupted', 'succeeded']);
    expect(task.attempts[1]!.resumed_session_id).toBe(task.attempts[0]!.session_id);
    const runs = cli.starts().filter((s) => s.prompt.includes('Long job'));
    expect(runs).toHaveLength(2);
    expect(runs[1]!.resume).toBe(task.attempts[0]!.session_id);
    // Nothing was recovered at the start: the shutdown had handed the task back.
    expect((await cli.run(['server', 'stop'])).code).toBe(0);
    expect(stored(cli, id).events).not.toContain('task_recovered');
  }, 60_000);

  it('a task that ends within the grace period is completed before the server exits', async () => {
    const cli = new CliHarness('grace', { CLAUDE_WORKER_SHUTDOWN_GRACE_SECONDS: '15' });
    harnesses.push(cli);
    const { id } = JSON.parse(
      await cli.ok(['run', '[fake:slow steps=8 delay_ms=250] Short job', '--json']),
    ) as TaskJson;
    await cli.waitFor(id, (task) => task.status === 'running');
    expect((await cli.run(['server', 'stop'])).code).toBe(0);
    expect(cli.serverInfo()).toBeNull();
    // Before any restart: the grace period let it finish, in its one attempt.
    const afterStop = stored(cli, id);
    expect(afterStop.status).toBe('completed');
    expect(afterStop.attempts.map((a) => a.status)).toEqual(['succeeded']);
    expect(afterStop.events).not.toContain('task_requeued');
    expect(afterStop.events).not.toContain('task_recovered');
    expect(cli.starts().filter((s) => s.prompt.includes('Short job'))).toHaveLength(1);
  }, 60_000);
});
