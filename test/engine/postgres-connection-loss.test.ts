/**
 * The database connection lost mid-run (PostgreSQL): every connection of the worker's pool is terminated by the
 * server while a task runs, twice, then every 150 ms while it ends (for 5 s at most: on a loaded machine a statement
 * may take longer than 150 ms, and cutting forever would starve every one). The worker keeps its running task, the
 * store reconnects, and the task completes exactly once — one attempt, one `task_completed` event, the finish
 * neither lost nor written twice.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { cutConnections, freshDatabase } from '../helpers/postgres.js';
import type { Task } from '../../src/domain/vocabulary.js';
import { openTestApp, waitFor, type TestApp } from '../helpers/harness.js';

let t: TestApp | null = null;
let drop: (() => Promise<void>) | null = null;
afterEach(async () => {
  await t?.close();
  await drop?.();
  t = null;
  drop = null;
});

/** Ends every connection of the store to the database: what a PostgreSQL restart or a network cut does to it. */
const cutStoreConnections = (database: string) => cutConnections(database, 'claude-worker');

/** The task, or undefined while the store cannot answer (a read in the middle of a cut fails, as it should). */
async function taskNow(id: number): Promise<Task | undefined> {
  return t!.app.store.getTask(id).catch(() => undefined);
}

async function statusOf(id: number, statuses: string[], timeoutMs = 15_000): Promise<Task> {
  return waitFor(
    async () => {
      const task = await taskNow(id);
      return task && statuses.includes(task.status) ? task : undefined;
    },
    `task ${id} to be ${statuses.join(' or ')}`,
    timeoutMs,
  );
}

describe('PostgreSQL connection lost mid-run', () => {
  it('the running task carries on and completes once; its finish is neither lost nor doubled', async () => {
    const db = await freshDatabase();
    drop = db.drop;
    const database = new URL(db.url).pathname.slice(1);
    t = await openTestApp({ database_url: db.url, heartbeat_seconds: 0.3 });
    const task = await t.app.tasks.createTask(
      { execution_prompt: 'Steady work [fake:slow steps=10 delay_ms=300]', working_directory: t.workdir },
      { actor: 'test' },
    );
    await statusOf(task.id, ['running']);
    expect(await cutStoreConnections(database)).toBeGreaterThan(0);
    await waitFor(
      async () => (await t!.app.store.getTask(task.id))?.num_turns,
      'progress after the cut',
      15_000,
    );
    expect(await cutStoreConnections(database)).toBeGreaterThan(0);
    // Then cut again and again while the task ends: statements fail in flight, the finish among them.
    let cuts = 0;
    let inFlight: Promise<unknown> = Promise.resolve();
    const cuttingSince = Date.now();
    const cutting = setInterval(() => {
      if (Date.now() - cuttingSince > 5_000) return clearInterval(cutting);
      inFlight = cutStoreConnections(database).then((n) => (cuts += n));
    }, 150);
    let done;
    try {
      done = await statusOf(task.id, ['completed', 'failed'], 30_000);
    } finally {
      clearInterval(cutting);
      await inFlight;
    }
    expect(cuts).toBeGreaterThan(3);
    expect(done.status).toBe('completed');
    const attempts = await t.app.store.listAttempts(task.id);
    expect(attempts.map((a) => a.status)).toEqual(['succeeded']);
    const events = await t.app.store.listEvents({ task_id: task.id, limit: 100 });
    expect(events.filter((e) => e.type === 'task_completed')).toHaveLength(1);
  }, 90_000);
});
