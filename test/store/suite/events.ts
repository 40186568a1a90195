/**
 * Contract: the event record (one event per transition, oldest first, filters) and onEvents (after commit only).
 */
import { describe, expect, it } from 'vitest';
import type { TaskEvent } from '../../../src/domain/vocabulary.js';
import { CLI, claimOne, failure, finishOf, newTask, startTask, type StoreHandle } from './helpers.js';

export function describeEvents(h: StoreHandle): void {
  describe('events', () => {
    it('records every transition of a task’s life in order, with who made it', async () => {
      const claimed = await startTask(h.store);
      await h.store.finishAttempts([
        finishOf(claimed, 'w1', { kind: 'requeued', failure: failure('rate_limit'), run_after: new Date() }),
      ]);
      const second = await claimOne(h.store, 'w2');
      await h.store.finishAttempts([finishOf(second, 'w2', { kind: 'failed', failure: failure('budget') })]);
      await h.store.retryTask(claimed.task.id, CLI);
      const third = await claimOne(h.store, 'w1');
      await h.store.finishAttempts([finishOf(third, 'w1', { kind: 'completed' })]);

      const events = await h.store.listEvents({ task_id: claimed.task.id, limit: 100 });
      expect(events.map((e) => [e.type, e.from_status, e.to_status, e.actor])).toEqual([
        ['task_created', null, 'queued', 'cli'],
        ['task_claimed', 'queued', 'running', 'worker:w1'],
        ['task_requeued', 'running', 'queued', 'worker:w1'],
        ['task_claimed', 'queued', 'running', 'worker:w2'],
        ['task_failed', 'running', 'failed', 'worker:w2'],
        ['task_retried', 'failed', 'queued', 'cli'],
        ['task_claimed', 'queued', 'running', 'worker:w1'],
        ['task_completed', 'running', 'completed', 'worker:w1'],
      ]);
      const ids = events.map((e) => e.id);
      expect([...ids].sort((a, b) => a - b)).toEqual(ids);
      expect(
        events.every((e) => e.task_id === claimed.task.id && !Number.isNaN(Date.parse(e.created_at))),
      ).toBe(true);
    });

    it('lists events oldest first, after an id, by task, up to a limit', async () => {
      const a = await h.store.createTask(newTask(), CLI);
      const b = await h.store.createTask(newTask(), CLI);
      await h.store.requestCancel(a.id, CLI);

      const all = await h.store.listEvents({ limit: 100 });
      expect(all.map((e) => [e.type, e.task_id])).toEqual([
        ['task_created', a.id],
        ['task_created', b.id],
        ['task_cancelled', a.id],
      ]);
      expect(await h.store.listEvents({ after_id: all[0]!.id, limit: 100 })).toEqual(all.slice(1));
      expect(await h.store.listEvents({ limit: 2 })).toEqual(all.slice(0, 2));
      expect(await h.store.listEvents({ task_id: a.id, limit: 100 })).toEqual([all[0], all[2]]);
      expect(await h.store.listEvents({ after_id: all[2]!.id, limit: 100 })).toEqual([]);
      expect(await h.store.listEvents({ orchestration_id: 1, limit: 100 })).toEqual([]);
    });

    it('tells listeners about committed events, one call per transaction, and stops when unsubscribed', async () => {
      const calls: TaskEvent[][] = [];
      const off = h.store.onEvents((events) => calls.push(events));
      await h.store.createTask(newTask(), CLI);
      await h.store.createTask(newTask(), CLI);
      const batch = await h.store.claimTasks({ worker_id: 'w1', limit: 2, lease_ms: 60_000 });
      await h.store.recordProgress(batch[0]!.task.id, 1, { last_action: '[text] hi' });

      expect(calls.map((c) => c.map((e) => e.type))).toEqual([
        ['task_created'],
        ['task_created'],
        ['task_claimed', 'task_claimed'],
      ]);
      expect(calls.flat()).toEqual(await h.store.listEvents({ limit: 100 }));

      off();
      await h.store.requestCancel(batch[0]!.task.id, CLI);
      expect(calls).toHaveLength(3);
    });

    it('writes each webhook delivery of a mixed batch against its own event (type, task and event id agree)', async () => {
      const hook = await h.store.createWebhook({
        kind: 'webhook',
        url: 'http://127.0.0.1:9/hook',
        events: ['task.completed', 'task.failed', 'task.needs_attention'],
        secret: 'whsec_' + Buffer.alloc(24, 5).toString('base64'),
      });
      try {
        const tasks = [];
        for (let i = 0; i < 4; i++) tasks.push(await h.store.createTask(newTask(), CLI));
        const running = await h.store.claimTasks({ worker_id: 'w1', limit: 4, lease_ms: 60_000 });
        const by = (id: number) => running.find((c) => c.task.id === id)!;
        const next = await h.store.createTask(newTask(), CLI);
        // One transaction: a requeue (no webhook), a failure that needs a person (two types), a plain failure and
        // a completion, then the claim of the next task (no webhook): the deliveries sit among other events.
        await h.store.finishAndClaim(
          [
            finishOf(by(tasks[0]!.id), 'w1', {
              kind: 'requeued',
              failure: failure('rate_limit'),
              run_after: new Date(),
            }),
            finishOf(by(tasks[1]!.id), 'w1', { kind: 'failed', failure: failure('auth') }),
            finishOf(by(tasks[2]!.id), 'w1', { kind: 'failed', failure: failure('execution_error') }),
            finishOf(by(tasks[3]!.id), 'w1', { kind: 'completed' }),
          ],
          { worker_id: 'w1', limit: 1, lease_ms: 60_000 },
        );
        const events = await h.store.listEvents({ limit: 1000 });
        const eventById = new Map(events.map((e) => [e.id, e]));
        const deliveries = await h.store.listWebhookDeliveries(hook.id, 100);
        // Each delivery names its event; that event's task and type must be the ones the delivery stands for.
        const seen = deliveries
          .map((d) => {
            const event = eventById.get(d.event_id)!;
            return [event.task_id, d.type, event.type];
          })
          .sort((a, b) => Number(a[0]) - Number(b[0]) || String(a[1]).localeCompare(String(b[1])));
        expect(seen).toEqual([
          [tasks[1]!.id, 'task.failed', 'task_failed'],
          [tasks[1]!.id, 'task.needs_attention', 'task_failed'],
          [tasks[2]!.id, 'task.failed', 'task_failed'],
          [tasks[3]!.id, 'task.completed', 'task_completed'],
        ]);
        expect(seen.some((row) => row[0] === next.id)).toBe(false);
      } finally {
        await h.store.deleteWebhook(hook.id);
      }
    });

    it('tells listeners nothing about an operation that was refused', async () => {
      const claimed = await startTask(h.store);
      await h.store.finishAttempts([finishOf(claimed, 'w1', { kind: 'completed' })]);
      const calls: TaskEvent[][] = [];
      h.store.onEvents((events) => calls.push(events));

      await expect(h.store.requestCancel(claimed.task.id, CLI)).rejects.toThrow();
      await expect(h.store.retryTask(claimed.task.id, CLI)).rejects.toThrow();
      await expect(h.store.requestCancel(4242, CLI)).rejects.toThrow();
      expect(await h.store.finishAttempts([finishOf(claimed, 'w1', { kind: 'completed' })])).toEqual([]);
      expect(calls).toEqual([]);
    });
  });
}
