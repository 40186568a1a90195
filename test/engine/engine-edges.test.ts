/**
 * Edge cases found in review, through the real SDK and the stand-in: a task re-claimed while this worker still runs
 * it (lease lost) never runs twice; outcomes are recorded even when the store refuses writes for a while; leases are
 * renewed through the shutdown grace period; a graceful stop does not spend a task's last attempt; a rate-limited
 * breaker probe frees the probe for after the cool-down; a claim pass, a breaker probe and a finish batch in flight at
 * once never fill one free slot twice.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { App } from '../../src/app.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { AttemptFinish, ClaimRequest } from '../../src/store/store.js';
import {
  isProcessAlive,
  openTestApp,
  quietLogger,
  readStarts,
  tempDir,
  testConfig,
  waitFor,
  waitForStatus,
  type TestApp,
} from '../helpers/harness.js';

let harness: TestApp | null = null;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await harness?.close();
  harness = null;
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** The most tasks seen running at once (sampled every 20 ms) until `completed` have completed or `timeoutMs`. */
async function mostRunningUntilCompleted(app: App, completed: number, timeoutMs: number): Promise<number> {
  let most = 0;
  const started = Date.now();
  for (;;) {
    const counts = await app.store.countByStatus();
    most = Math.max(most, counts.running);
    if (counts.completed === completed || Date.now() - started > timeoutMs) return most;
    await sleep(20);
  }
}

describe('engine edge cases', () => {
  it('a task re-claimed after its lease was lost stops the earlier attempt: never two at once', async () => {
    harness = await openTestApp({ heartbeat_seconds: 600, lease_seconds: 2 });
    const { app, workdir } = harness;
    const record = join(workdir, 'starts.jsonl');
    const task = await app.tasks.createTask(
      {
        execution_prompt: '[fake:slow steps=20 delay_ms=200] long',
        working_directory: workdir,
        env: { FAKE_CLAUDE_RECORD: record },
      },
      { actor: 't' },
    );
    await waitFor(() => readStarts(record).length === 1, 'the first start');
    await sleep(2300); // no heartbeat renews it: the lease expires
    expect(await app.store.recoverTasks({ expired_leases: true, actor: { actor: 'test' } })).toHaveLength(1);
    await waitFor(() => readStarts(record).length === 2, 'the second start');
    const [first] = readStarts(record);
    await waitFor(() => !isProcessAlive(first!.pid), 'the first attempt to be stopped', 6000);
    const done = await waitForStatus(app, task.id, ['completed', 'failed'], 15_000);
    expect(done.status).toBe('completed');
    expect((await app.store.listAttempts(task.id)).map((a) => a.status)).toEqual([
      'interrupted',
      'succeeded',
    ]);
  });

  it('records a success even when the store refuses the first writes of its outcome', async () => {
    const home = tempDir('cw-home-');
    let refusals = 3;
    class FlakyStore extends SqliteStore {
      override async finishAndClaim(finishes: AttemptFinish[], claim: ClaimRequest | null) {
        if (refusals-- > 0) throw new Error('SQLITE_BUSY: database is locked');
        return super.finishAndClaim(finishes, claim);
      }
    }
    const config = testConfig(home, { max_attempts: 1 });
    const app = await App.open({
      config,
      store: new FlakyStore(join(home, 'db.sqlite')),
      logger: quietLogger,
    });
    cleanups.push(() => app.close());
    await app.start();
    const task = await app.tasks.createTask(
      { execution_prompt: 'fine', working_directory: home },
      { actor: 't' },
    );
    const done = await waitForStatus(app, task.id, ['completed', 'failed'], 15_000);
    expect(done.status).toBe('completed');
    expect(done.result).toContain('done: fine');
  });

  it('never runs more tasks than its concurrency when a claim and a finish batch overlap', async () => {
    const home = tempDir('cw-home-');
    let app: App | null = null;
    let slowBatches = 1;
    // A store whose first finish write is slow, as a PostgreSQL round trip is: while it is in flight, three tasks
    // arrive and wake a claim pass. Both must not count the one free slot.
    class SlowFinishStore extends SqliteStore {
      override async finishAndClaim(finishes: AttemptFinish[], claim: ClaimRequest | null) {
        if (slowBatches-- > 0) {
          for (const name of ['b', 'c', 'd'])
            await app!.tasks.createTask(
              { execution_prompt: `[fake:slow steps=6 delay_ms=250] ${name}`, working_directory: home },
              { actor: 't' },
            );
          await sleep(400);
        }
        return super.finishAndClaim(finishes, claim);
      }
    }
    app = await App.open({
      config: testConfig(home, { concurrency: 2 }),
      store: new SlowFinishStore(join(home, 'db.sqlite')),
      logger: quietLogger,
    });
    cleanups.push(() => app!.close());
    await app.start();
    await app.tasks.createTask({ execution_prompt: 'a', working_directory: home }, { actor: 't' });
    expect(await mostRunningUntilCompleted(app, 4, 20_000)).toBe(2);
    expect((await app.store.countByStatus()).completed).toBe(4);
  });

  it('a breaker probe holds its slot while it waits for the store, so a finish batch cannot fill it too', async () => {
    const home = tempDir('cw-home-');
    let app: App | null = null;
    let slowProbes = 1;
    // The probe's first store call is slow: meanwhile two tasks arrive and the running one ends.
    class SlowProbeStore extends SqliteStore {
      override async acquireProbe(model: string, workerId: string, ttlMs: number) {
        if (slowProbes-- > 0) {
          for (const name of ['b', 'c'])
            await app!.tasks.createTask(
              { execution_prompt: `[fake:slow steps=24 delay_ms=250] ${name}`, working_directory: home },
              { actor: 't' },
            );
          await sleep(3000);
        }
        return super.acquireProbe(model, workerId, ttlMs);
      }
    }
    app = await App.open({
      config: testConfig(home, { concurrency: 2, breaker_threshold: 1, breaker_cool_seconds: 0.3 }),
      store: new SlowProbeStore(join(home, 'db.sqlite')),
      logger: quietLogger,
    });
    cleanups.push(() => app!.close());
    await app.start();
    const create = (execution_prompt: string, model = 'sonnet') =>
      app!.tasks.createTask(
        { execution_prompt, working_directory: home, model, max_attempts: 1 },
        { actor: 't' },
      );
    // Haiku's breaker opens; then one slot runs a task while a haiku task waits for the probe.
    const failing = await create('[fake:overloaded] x', 'haiku');
    await waitForStatus(app, failing.id, ['failed']);
    const a = await create('[fake:slow steps=4 delay_ms=250] a');
    await waitForStatus(app, a.id, ['running']);
    await create('probe me', 'haiku');
    const most = await mostRunningUntilCompleted(app, 4, 60_000);
    expect(slowProbes).toBeLessThan(1); // the probe did wait on the store
    expect(most).toBe(2);
    expect((await app.store.countByStatus()).completed).toBe(4);
  }, 90_000);

  it('keeps renewing leases through the shutdown grace period, so nobody recovers a task that is finishing', async () => {
    harness = await openTestApp({ heartbeat_seconds: 0.3, lease_seconds: 1 });
    const { app, workdir } = harness;
    const task = await app.tasks.createTask(
      { execution_prompt: '[fake:slow steps=10 delay_ms=200] finishing', working_directory: workdir },
      { actor: 't' },
    );
    await waitForStatus(app, task.id, ['running']);
    const stopping = app.engine!.stop({ graceMs: 8000 });
    await sleep(1500); // past the lease: only heartbeats keep it
    expect(await app.store.recoverTasks({ expired_leases: true, actor: { actor: 'test' } })).toHaveLength(0);
    await stopping;
    expect((await app.store.getTask(task.id))?.status).toBe('completed');
  });

  it('a graceful stop requeues a task on its last attempt instead of failing it', async () => {
    harness = await openTestApp();
    const { app, workdir } = harness;
    const task = await app.tasks.createTask(
      {
        execution_prompt: '[fake:slow steps=50 delay_ms=200] last try',
        working_directory: workdir,
        max_attempts: 1,
      },
      { actor: 't' },
    );
    await waitForStatus(app, task.id, ['running']);
    await app.engine!.stop();
    const after = await app.store.getTask(task.id);
    expect(after?.status).toBe('queued');
    // The interrupted attempt is kept as not counted: max_attempts stays as the user set it.
    expect(after).toMatchObject({ max_attempts: 1, attempt_count: 1, uncounted_attempts: 1 });
    const attempts = await app.store.listAttempts(task.id);
    expect(attempts.map((a) => [a.status, a.counted])).toEqual([['interrupted', false]]);
  });

  it('a rate-limited breaker probe frees the probe, so the model recovers after the cool-down', async () => {
    harness = await openTestApp({
      breaker_threshold: 1,
      breaker_cool_seconds: 0.5,
      retry_base_seconds: 0.05,
    });
    const { app, workdir } = harness;
    const failing = await app.tasks.createTask(
      {
        execution_prompt: '[fake:overloaded] x',
        working_directory: workdir,
        model: 'haiku',
        max_attempts: 1,
      },
      { actor: 't' },
    );
    await waitForStatus(app, failing.id, ['failed']);
    const probe = await app.tasks.createTask(
      {
        execution_prompt: `[fake:fail_first n=1 state=${join(workdir, 'probe')} fail_as=rate_limit retry_after_s=1] p`,
        working_directory: workdir,
        model: 'haiku',
      },
      { actor: 't' },
    );
    const done = await waitForStatus(app, probe.id, ['completed', 'failed'], 15_000);
    expect(done.status).toBe('completed');
    expect((await app.store.listAttempts(probe.id)).map((a) => a.error?.code ?? 'ok')).toEqual([
      'rate_limit',
      'ok',
    ]);
    const gate = (await app.store.listModelGates()).find((g) => g.model === 'haiku');
    expect(gate?.breaker_state).toBe('closed');
  });
});
