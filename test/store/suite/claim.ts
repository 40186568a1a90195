/**
 * Contract: claiming ready tasks (order, limits, delays, excluded models), leases, progress and nextRunAfter.
 */
import { describe, expect, it } from 'vitest';
import {
  CLI,
  LONG_LEASE_MS,
  claimOne,
  eventTypes,
  failure,
  finishOf,
  ms,
  newTask,
  sleep,
  startTask,
  type StoreHandle,
} from './helpers.js';
import { node } from './orchestrations-helpers.js';

export function describeClaims(h: StoreHandle): void {
  describe('claimTasks', () => {
    it('claims by priority, then oldest first, at most `limit` at a time', async () => {
      const low = await h.store.createTask(newTask({ priority: -5 }), CLI);
      const first = await h.store.createTask(newTask({ priority: 0 }), CLI);
      const urgent = await h.store.createTask(newTask({ priority: 10 }), CLI);
      const second = await h.store.createTask(newTask({ priority: 0 }), CLI);

      const batch = await h.store.claimTasks({ worker_id: 'w1', limit: 3, lease_ms: LONG_LEASE_MS });
      expect(batch.map((c) => c.task.id)).toEqual([urgent.id, first.id, second.id]);
      const rest = await h.store.claimTasks({ worker_id: 'w2', limit: 3, lease_ms: LONG_LEASE_MS });
      expect(rest.map((c) => c.task.id)).toEqual([low.id]);
      expect(await h.store.claimTasks({ worker_id: 'w2', limit: 3, lease_ms: LONG_LEASE_MS })).toEqual([]);
    });

    it('marks a claimed task running under the worker with a lease, a new attempt and an event', async () => {
      const created = await h.store.createTask(newTask(), CLI);
      const before = Date.now();
      const claimed = await claimOne(h.store, 'worker-a', 30_000);

      expect(claimed.attempt).toBe(1);
      expect(claimed.resume_session_id).toBeNull();
      expect(claimed.task).toMatchObject({
        id: created.id,
        status: 'running',
        worker_id: 'worker-a',
        attempt_count: 1,
      });
      expect(ms(claimed.task.lease_expires_at)).toBeGreaterThanOrEqual(before + 30_000);
      expect(ms(claimed.task.started_at)).toBeGreaterThanOrEqual(before);
      expect(await h.store.getTask(created.id)).toEqual(claimed.task);

      const attempts = await h.store.listAttempts(created.id);
      expect(attempts).toEqual([
        expect.objectContaining({
          task_id: created.id,
          number: 1,
          status: 'running',
          worker_id: 'worker-a',
          finished_at: null,
        }),
      ]);
      const events = await h.store.listEvents({ task_id: created.id, limit: 10 });
      expect(events[1]).toMatchObject({
        type: 'task_claimed',
        from_status: 'queued',
        to_status: 'running',
        actor: 'worker:worker-a',
        data: { attempt: 1, worker_id: 'worker-a' },
      });
    });

    it('gives every attempt its model and queue wait, and the claimed task its trace parent, with or without a capped orchestration', async () => {
      const trace = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
      const plain = await h.store.createTask(newTask({ model: 'opus', trace_parent: trace }), CLI);
      await sleep(60);
      // No orchestration limits its parallelism: the one-statement claim.
      const first = await claimOne(h.store);
      expect(first.task.id).toBe(plain.id);
      expect(first.trace_parent).toBe(trace);

      // A capped orchestration exists: the claim goes through the capacity path.
      await h.store.createOrchestration(
        { name: 'capped', max_parallel: 1, budget_usd: null },
        [node('only', [], { model: 'haiku', trace_parent: trace })],
        CLI,
      );
      await sleep(60);
      const second = await claimOne(h.store);
      expect(second.task.model).toBe('haiku');
      expect(second.trace_parent).toBe(trace);

      const usage = { input_tokens: 100, output_tokens: 20 };
      await h.store.finishAttempts([
        finishOf(first, 'w1', { kind: 'completed' }, { usage }),
        finishOf(second, 'w1', { kind: 'completed' }, { usage }),
      ]);
      const metrics = await h.store.metricsSnapshot(LONG_LEASE_MS);
      expect(
        metrics.attempts.map((a) => [a.model, a.outcome, a.count, a.tokens.input, a.tokens.output]),
      ).toEqual([
        ['haiku', 'succeeded', 1, 100, 20],
        ['opus', 'succeeded', 1, 100, 20],
      ]);
      // Both waited at least the pause before their claim, not more than the whole test.
      expect(metrics.queue_wait.count).toBe(2);
      expect(metrics.queue_wait.sum).toBeGreaterThanOrEqual(0.1);
      expect(metrics.queue_wait.sum).toBeLessThan(60);
    });

    it('claims nothing with limit 0', async () => {
      await h.store.createTask(newTask(), CLI);
      expect(await h.store.claimTasks({ worker_id: 'w1', limit: 0, lease_ms: LONG_LEASE_MS })).toEqual([]);
    });

    it('leaves a task whose run_after is in the future, and nextRunAfter says when it is due', async () => {
      expect(await h.store.nextRunAfter()).toBeNull();
      const claimed = await startTask(h.store);
      const later = new Date(Date.now() + 3_600_000);
      const sooner = new Date(Date.now() + 600_000);
      await h.store.finishAttempts([
        finishOf(claimed, 'w1', { kind: 'requeued', failure: failure('rate_limit'), run_after: later }),
      ]);
      const other = await startTask(h.store);
      await h.store.finishAttempts([
        finishOf(other, 'w1', { kind: 'requeued', failure: failure('overloaded'), run_after: sooner }),
      ]);

      expect(await h.store.claimTasks({ worker_id: 'w1', limit: 8, lease_ms: LONG_LEASE_MS })).toEqual([]);
      expect((await h.store.nextRunAfter())?.getTime()).toBe(sooner.getTime());
      const ready = await h.store.createTask(newTask(), CLI);
      expect((await h.store.nextRunAfter())?.getTime()).toBe(sooner.getTime());
      expect((await claimOne(h.store)).task.id).toBe(ready.id);
    });

    it('skips tasks of excluded models and claims the others in order', async () => {
      const opus = await h.store.createTask(newTask({ model: 'opus', priority: 5 }), CLI);
      const sonnet = await h.store.createTask(newTask({ model: 'sonnet' }), CLI);
      const haiku = await h.store.createTask(newTask({ model: 'haiku' }), CLI);

      const batch = await h.store.claimTasks({
        worker_id: 'w1',
        limit: 8,
        lease_ms: LONG_LEASE_MS,
        exclude_models: ['opus', 'haiku'],
      });
      expect(batch.map((c) => c.task.id)).toEqual([sonnet.id]);
      const later = await h.store.claimTasks({
        worker_id: 'w1',
        limit: 8,
        lease_ms: LONG_LEASE_MS,
        exclude_models: [],
      });
      expect(later.map((c) => c.task.id)).toEqual([opus.id, haiku.id]);
    });
  });

  describe('renewLeases', () => {
    it('extends held leases and reports cancel requests and tasks no longer held', async () => {
      const mine = await startTask(h.store, {}, 'w1', 1_000);
      const cancelled = await startTask(h.store, {}, 'w1', 1_000);
      const theirs = await startTask(h.store, {}, 'w2');
      const done = await startTask(h.store, {}, 'w1');
      await h.store.finishAttempts([finishOf(done, 'w1', { kind: 'completed' })]);
      await h.store.requestCancel(cancelled.task.id, CLI);

      const before = Date.now();
      const ids = [mine.task.id, cancelled.task.id, theirs.task.id, done.task.id, 999_999];
      const renewal = await h.store.renewLeases('w1', ids, 120_000);
      expect(renewal.held).toEqual([mine.task.id, cancelled.task.id]);
      expect(renewal.cancel_requested).toEqual([cancelled.task.id]);
      expect(renewal.lost).toEqual([theirs.task.id, done.task.id, 999_999]);
      expect(ms((await h.store.getTask(mine.task.id))!.lease_expires_at)).toBeGreaterThanOrEqual(
        before + 120_000,
      );
      expect((await h.store.getTask(theirs.task.id))!.lease_expires_at).toBe(theirs.task.lease_expires_at);
      expect(await h.store.renewLeases('w1', [], 1000)).toEqual({ held: [], cancel_requested: [], lost: [] });
    });
  });

  describe('recordProgress', () => {
    it('shows the latest action, turns, cost and session of the running attempt, without an event', async () => {
      const claimed = await startTask(h.store);
      await h.store.recordProgress(claimed.task.id, 1, {
        last_action: '[tool:Bash] npm test',
        num_turns: 3,
        cost_usd: 0.02,
        session_id: 'sess-1',
      });
      await h.store.recordProgress(claimed.task.id, 1, { last_action: '[text] All tests pass' });

      const task = (await h.store.getTask(claimed.task.id))!;
      expect(task).toMatchObject({
        last_action: '[text] All tests pass',
        num_turns: 3,
        cost_usd: 0.02,
        session_id: 'sess-1',
        status: 'running',
      });
      expect(task.last_action_at).not.toBeNull();
      expect(await eventTypes(h.store, claimed.task.id)).toEqual(['task_created', 'task_claimed']);
    });

    it('ignores progress from an attempt that is no longer the running one', async () => {
      const claimed = await startTask(h.store);
      await h.store.finishAttempts([
        finishOf(claimed, 'w1', { kind: 'requeued', failure: failure('overloaded'), run_after: new Date() }),
      ]);
      await h.store.recordProgress(claimed.task.id, 1, { last_action: '[text] late', cost_usd: 9 });
      const second = await claimOne(h.store);
      await h.store.recordProgress(claimed.task.id, 1, { last_action: '[text] later still', cost_usd: 9 });

      const task = (await h.store.getTask(claimed.task.id))!;
      expect(second.attempt).toBe(2);
      expect(task.last_action).toBeNull();
      expect(task.cost_usd).toBeNull();
    });
  });
}
