/**
 * Contract: recovering running tasks whose worker is gone (expired lease, known-dead worker).
 */
import { describe, expect, it } from 'vitest';
import {
  RECOVERY,
  claimOne,
  eventTypes,
  failure,
  finishOf,
  sleep,
  startTask,
  type StoreHandle,
} from './helpers.js';

export function describeRecovery(h: StoreHandle): void {
  describe('recoverTasks', () => {
    it('requeues a task whose lease expired, interrupting its attempt; the next attempt resumes', async () => {
      const stale = await startTask(h.store, {}, 'w-old', 5);
      await h.store.recordProgress(stale.task.id, 1, {
        last_action: '[text] thinking',
        session_id: 'sess-7',
      });
      const healthy = await startTask(h.store, {}, 'w-live');
      await sleep(20);

      const recovered = await h.store.recoverTasks({ expired_leases: true, actor: RECOVERY });
      expect(recovered.map((t) => [t.id, t.status])).toEqual([[stale.task.id, 'queued']]);
      expect(recovered[0]).toMatchObject({
        worker_id: null,
        lease_expires_at: null,
        error: { code: 'interrupted' },
      });
      expect(recovered[0]!.error!.message).toContain('stopped');
      expect((await h.store.getTask(healthy.task.id))!.status).toBe('running');

      const [attempt] = await h.store.listAttempts(stale.task.id);
      expect(attempt).toMatchObject({ status: 'interrupted', error: { code: 'interrupted' } });
      expect(attempt!.finished_at).not.toBeNull();
      const events = await h.store.listEvents({ task_id: stale.task.id, limit: 10 });
      expect(events.at(-1)).toMatchObject({
        type: 'task_recovered',
        from_status: 'running',
        to_status: 'queued',
        actor: 'recovery',
        data: { attempt: 1, worker_id: 'w-old' },
      });

      const again = await claimOne(h.store, 'w-live');
      expect(again).toMatchObject({ attempt: 2, resume_session_id: 'sess-7' });
      // The old worker's late finish is fenced out.
      expect(await h.store.finishAttempts([finishOf(stale, 'w-old', { kind: 'completed' })])).toEqual([]);
      expect((await h.store.getTask(stale.task.id))!.status).toBe('running');
    });

    it('requeues the tasks of a dead worker even while their lease runs', async () => {
      const orphan = await startTask(h.store, {}, 'w-dead');
      const other = await startTask(h.store, {}, 'w-alive');

      const recovered = await h.store.recoverTasks({
        expired_leases: false,
        dead_worker_ids: ['w-dead'],
        actor: RECOVERY,
      });
      expect(recovered.map((t) => [t.id, t.status])).toEqual([[orphan.task.id, 'queued']]);
      expect((await h.store.getTask(other.task.id))!.status).toBe('running');
      expect(await h.store.recoverTasks({ expired_leases: true, actor: RECOVERY })).toEqual([]);
    });

    it('keeps every attempt of a task whose worker was killed five times: none counts against max_attempts', async () => {
      const first = await startTask(h.store, { max_attempts: 2 }, 'w-dead-1');
      const id = first.task.id;
      for (let kill = 1; kill <= 5; kill += 1) {
        const [task] = await h.store.recoverTasks({
          expired_leases: false,
          dead_worker_ids: [`w-dead-${kill}`],
          actor: RECOVERY,
        });
        expect(task).toMatchObject({
          id,
          status: 'queued',
          error: { code: 'interrupted' },
          interruptions: kill,
        });
        expect(task!.error!.message).toContain('does not count against max_attempts');
        const next = await claimOne(h.store, `w-dead-${kill + 1}`);
        expect(next.attempt).toBe(kill + 1);
      }
      const task = (await h.store.getTask(id))!;
      expect(task).toMatchObject({
        status: 'running',
        max_attempts: 2,
        attempt_count: 6,
        uncounted_attempts: 5,
      });
      const attempts = await h.store.listAttempts(id);
      expect(attempts.map((a) => [a.status, a.counted])).toEqual([
        ...Array.from({ length: 5 }, () => ['interrupted', false]),
        ['running', true],
      ]);
      // The sixth attempt fails for a reason of its own: it is the first counted one, so one retry is left.
      const [requeued] = await h.store.finishAttempts([
        finishOf({ task, attempt: 6, resume_session_id: null, trace_parent: null }, 'w-dead-6', {
          kind: 'requeued',
          failure: failure('process_crashed'),
          run_after: new Date(),
        }),
      ]);
      expect(requeued).toMatchObject({ status: 'queued', uncounted_attempts: 5, interruptions: 0 });
    });

    it('fails a task interrupted max_interruptions times in a row as worker_lost, saying it may crash the worker', async () => {
      const claimed = await startTask(h.store, { max_attempts: 3 }, 'w-dead-1');
      const id = claimed.task.id;
      let last;
      for (let kill = 1; kill <= 3; kill += 1) {
        if (kill > 1) await claimOne(h.store, `w-dead-${kill}`);
        [last] = await h.store.recoverTasks({
          expired_leases: false,
          dead_worker_ids: [`w-dead-${kill}`],
          actor: RECOVERY,
          max_interruptions: 3,
        });
      }
      expect(last).toMatchObject({ id, status: 'failed', error: { code: 'worker_lost' }, interruptions: 3 });
      expect(last!.finished_at).not.toBeNull();
      expect(last!.error!.message).toContain('3 times in a row');
      expect(last!.error!.message).toContain('crashing the worker');
      expect(last!.error!.suggestion).toContain(`claude-worker retry ${id}`);
      expect((await eventTypes(h.store, id)).slice(-2)).toEqual(['task_recovered', 'task_failed']);
      // A retry starts a fresh count of interruptions.
      expect(await h.store.retryTask(id, RECOVERY)).toMatchObject({ status: 'queued', interruptions: 0 });
    });

    it('cancels a task whose cancel was requested before its worker died', async () => {
      const claimed = await startTask(h.store, {}, 'w-dead');
      await h.store.requestCancel(claimed.task.id, RECOVERY);
      const [task] = await h.store.recoverTasks({
        expired_leases: false,
        dead_worker_ids: ['w-dead'],
        actor: RECOVERY,
      });
      expect(task).toMatchObject({ status: 'cancelled', error: { code: 'cancelled' } });
      expect((await eventTypes(h.store, claimed.task.id)).slice(-2)).toEqual([
        'task_recovered',
        'task_cancelled',
      ]);
    });

    it('recovers nothing and records nothing when every worker is alive', async () => {
      const claimed = await startTask(h.store);
      expect(
        await h.store.recoverTasks({ expired_leases: true, dead_worker_ids: ['w9'], actor: RECOVERY }),
      ).toEqual([]);
      expect(await eventTypes(h.store, claimed.task.id)).toEqual(['task_created', 'task_claimed']);
    });
  });
}
