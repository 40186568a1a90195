/**
 * Contract: cancelling in each state (409 for finished tasks, 404 for unknown ids) and retrying.
 */
import { describe, expect, it } from 'vitest';
import { ClaudeWorkerError } from '../../../src/domain/errors.js';
import {
  CLI,
  LONG_LEASE_MS,
  claimOne,
  eventTypes,
  failure,
  finishOf,
  newTask,
  startTask,
  type StoreHandle,
} from './helpers.js';

async function rejection(promise: Promise<unknown>): Promise<ClaudeWorkerError> {
  const err: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ClaudeWorkerError);
  return err as ClaudeWorkerError;
}

export function describeCancelAndRetry(h: StoreHandle): void {
  describe('requestCancel', () => {
    it('cancels a queued task at once; it is never claimed', async () => {
      const task = await h.store.createTask(newTask(), CLI);
      const cancelled = await h.store.requestCancel(task.id, CLI);

      expect(cancelled.status).toBe('cancelled');
      expect(cancelled.finished_at).not.toBeNull();
      expect(cancelled.error).toMatchObject({ code: 'cancelled', retryable: false });
      expect(cancelled.error!.suggestion).toContain(`claude-worker retry ${task.id}`);
      expect(await h.store.claimTasks({ worker_id: 'w1', limit: 8, lease_ms: LONG_LEASE_MS })).toEqual([]);
      const events = await h.store.listEvents({ task_id: task.id, limit: 10 });
      expect(events.at(-1)).toMatchObject({
        type: 'task_cancelled',
        from_status: 'queued',
        to_status: 'cancelled',
        actor: 'cli',
        correlation_id: 'req-1',
      });
    });

    it('asks the worker of a running task to stop, once, and the worker finishes it as cancelled', async () => {
      const claimed = await startTask(h.store);
      const requested = await h.store.requestCancel(claimed.task.id, CLI);
      expect(requested).toMatchObject({ status: 'running', cancel_requested: true });
      const again = await h.store.requestCancel(claimed.task.id, CLI);
      expect(again.cancel_requested).toBe(true);
      expect(await eventTypes(h.store, claimed.task.id)).toEqual([
        'task_created',
        'task_claimed',
        'task_cancel_requested',
      ]);

      const renewal = await h.store.renewLeases('w1', [claimed.task.id], LONG_LEASE_MS);
      expect(renewal.cancel_requested).toEqual([claimed.task.id]);
      const [task] = await h.store.finishAttempts([
        finishOf(claimed, 'w1', {
          kind: 'cancelled',
          failure: failure('cancelled', 'Cancelled on request.'),
        }),
      ]);
      expect(task!.status).toBe('cancelled');
    });

    it('cancels rather than requeues a task whose attempt ends after a cancel request', async () => {
      const claimed = await startTask(h.store);
      await h.store.requestCancel(claimed.task.id, CLI);
      const [task] = await h.store.finishAttempts([
        finishOf(claimed, 'w1', { kind: 'requeued', failure: failure('interrupted'), run_after: new Date() }),
      ]);
      expect(task).toMatchObject({ status: 'cancelled', error: { code: 'cancelled' } });
      expect(await h.store.claimTasks({ worker_id: 'w1', limit: 8, lease_ms: LONG_LEASE_MS })).toEqual([]);
    });

    it('refuses to cancel a finished task with a conflict that says so, and records nothing', async () => {
      const done = await startTask(h.store);
      await h.store.finishAttempts([finishOf(done, 'w1', { kind: 'completed' })]);
      const failed = await startTask(h.store);
      await h.store.finishAttempts([finishOf(failed, 'w1', { kind: 'failed', failure: failure('auth') })]);

      const err = await rejection(h.store.requestCancel(done.task.id, CLI));
      expect(err.code).toBe('conflict');
      expect(err.message).toContain(`Task ${done.task.id} already completed; nothing to cancel.`);
      const err2 = await rejection(h.store.requestCancel(failed.task.id, CLI));
      expect(err2.code).toBe('conflict');
      expect(err2.message).toContain(`claude-worker retry ${failed.task.id}`);
      expect(await eventTypes(h.store, done.task.id)).toEqual([
        'task_created',
        'task_claimed',
        'task_completed',
      ]);
      expect((await h.store.getTask(done.task.id))!.status).toBe('completed');
    });

    it('reports an unknown task as not found', async () => {
      const err = await rejection(h.store.requestCancel(31337, CLI));
      expect(err.code).toBe('not_found');
      expect(err.message).toContain('31337');
    });
  });

  describe('retryTask', () => {
    it('queues a failed task again with one more attempt allowed and its error cleared', async () => {
      const claimed = await startTask(h.store, { max_attempts: 1 });
      await h.store.finishAttempts([
        finishOf(
          claimed,
          'w1',
          { kind: 'failed', failure: failure('execution_error') },
          { result: 'partial' },
        ),
      ]);

      const retried = await h.store.retryTask(claimed.task.id, CLI);
      expect(retried).toMatchObject({
        status: 'queued',
        max_attempts: 2,
        attempt_count: 1,
        error: null,
        finished_at: null,
        cancel_requested: false,
      });
      const events = await h.store.listEvents({ task_id: claimed.task.id, limit: 10 });
      expect(events.at(-1)).toMatchObject({
        type: 'task_retried',
        from_status: 'failed',
        to_status: 'queued',
        actor: 'cli',
      });

      const again = await claimOne(h.store);
      expect(again.task.id).toBe(claimed.task.id);
      expect(again.attempt).toBe(2);
    });

    it('queues a cancelled task again, without its old cancel request', async () => {
      const claimed = await startTask(h.store);
      await h.store.requestCancel(claimed.task.id, CLI);
      await h.store.finishAttempts([
        finishOf(claimed, 'w1', { kind: 'cancelled', failure: failure('cancelled') }),
      ]);
      const retried = await h.store.retryTask(claimed.task.id, CLI);
      expect(retried).toMatchObject({ status: 'queued', cancel_requested: false, max_attempts: 3 });
      expect((await claimOne(h.store)).task.id).toBe(claimed.task.id);
    });

    it('refuses to retry a task that is queued, running or completed, and an unknown one', async () => {
      const queued = await h.store.createTask(newTask(), CLI);
      expect((await rejection(h.store.retryTask(queued.id, CLI))).code).toBe('conflict');

      const running = await startTask(h.store, { priority: 5 });
      const err = await rejection(h.store.retryTask(running.task.id, CLI));
      expect(err.code).toBe('conflict');
      expect(err.message).toContain(`claude-worker cancel ${running.task.id}`);

      await h.store.finishAttempts([finishOf(running, 'w1', { kind: 'completed' })]);
      const done = await rejection(h.store.retryTask(running.task.id, CLI));
      expect(done.code).toBe('conflict');
      expect(done.message).toContain('already completed');

      expect((await rejection(h.store.retryTask(987_654, CLI))).code).toBe('not_found');
      expect(await eventTypes(h.store, queued.id)).toEqual(['task_created']);
    });
  });
}
