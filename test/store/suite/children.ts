/**
 * Contract: the Claude Code process of an attempt (recordChild) and stopping one that outlived its worker
 * (recordOrphanStopped).
 */
import { describe, expect, it } from 'vitest';
import { RECOVERY, claimOne, eventTypes, finishOf, failure, startTask, type StoreHandle } from './helpers.js';

const CHILD = { pid: 4242, start: 'linux:987654', host: 'build-box' };

export function describeChildren(h: StoreHandle): void {
  describe('recordChild and recordOrphanStopped', () => {
    it('keeps the child of a running attempt on that attempt, and no event', async () => {
      const claimed = await startTask(h.store);
      const before = await eventTypes(h.store, claimed.task.id);
      await h.store.recordChild(claimed.task.id, 1, CHILD);
      const [attempt] = await h.store.listAttempts(claimed.task.id);
      expect(attempt).toMatchObject({
        child_pid: 4242,
        child_start: 'linux:987654',
        child_host: 'build-box',
        orphan_stopped_at: null,
      });
      expect(await eventTypes(h.store, claimed.task.id)).toEqual(before);
    });

    it('ignores a child reported for an attempt that is no longer running', async () => {
      const claimed = await startTask(h.store);
      await h.store.finishAttempts([finishOf(claimed, 'w1', { kind: 'failed', failure: failure('auth') })]);
      await h.store.recordChild(claimed.task.id, 1, CHILD);
      const [attempt] = await h.store.listAttempts(claimed.task.id);
      expect(attempt).toMatchObject({ child_pid: null, child_start: null, child_host: null });
    });

    it('stamps the attempt whose process was stopped and records an orphan_stopped event', async () => {
      const claimed = await startTask(h.store, {}, 'w-old');
      await h.store.recordChild(claimed.task.id, 1, CHILD);
      await h.store.recoverTasks({ dead_worker_ids: ['w-old'], expired_leases: false, actor: RECOVERY });
      await h.store.recordOrphanStopped(claimed.task.id, 1, { pid: 4242, host: 'build-box' }, RECOVERY);

      const [attempt] = await h.store.listAttempts(claimed.task.id);
      expect(attempt!.status).toBe('interrupted');
      expect(attempt!.orphan_stopped_at).toEqual(expect.any(String));
      expect(Date.parse(attempt!.orphan_stopped_at!)).not.toBeNaN();
      const events = await h.store.listEvents({ task_id: claimed.task.id, limit: 20 });
      expect(events.at(-1)).toMatchObject({
        type: 'orphan_stopped',
        from_status: 'queued',
        to_status: 'queued',
        actor: 'recovery',
        data: { attempt: 1, pid: 4242, host: 'build-box' },
      });
      // Not a transition: the task runs again as usual, with the next attempt.
      expect(await claimOne(h.store, 'w-new')).toMatchObject({ attempt: 2 });
    });

    it('records nothing for an unknown task or attempt', async () => {
      const claimed = await startTask(h.store);
      const before = await eventTypes(h.store, claimed.task.id);
      await h.store.recordOrphanStopped(claimed.task.id, 7, { pid: 1 }, RECOVERY);
      await h.store.recordOrphanStopped(999_999, 1, { pid: 1 }, RECOVERY);
      expect(await eventTypes(h.store, claimed.task.id)).toEqual(before);
    });
  });
}
