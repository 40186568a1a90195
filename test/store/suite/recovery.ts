/**
 * Contract: recovering running tasks whose worker is gone (expired lease, known-dead worker).
 */
import { describe, expect, it } from 'vitest';
import { RECOVERY, claimOne, eventTypes, finishOf, sleep, startTask, type StoreHandle } from './helpers.js';

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

    it('fails a task that has used all its attempts, with the interruption as its error', async () => {
      const last = await startTask(h.store, { max_attempts: 1 }, 'w-dead');
      const [task] = await h.store.recoverTasks({
        expired_leases: true,
        dead_worker_ids: ['w-dead'],
        actor: RECOVERY,
      });
      expect(task).toMatchObject({ id: last.task.id, status: 'failed', error: { code: 'interrupted' } });
      expect(task!.finished_at).not.toBeNull();
      expect(task!.error!.suggestion).toContain(`claude-worker retry ${last.task.id}`);
      expect(await eventTypes(h.store, last.task.id)).toEqual([
        'task_created',
        'task_claimed',
        'task_recovered',
        'task_failed',
      ]);
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
