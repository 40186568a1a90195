/**
 * Contract: pruning finished work — standalone tasks in a final status and whole finished orchestrations, with
 * their attempts and events — while unfinished work of any age stays; a dry run counts the same and deletes nothing.
 */
import { describe, expect, it } from 'vitest';
import { CLI, claimOne, finishOf, newTask, sleep, startTask, type StoreHandle } from './helpers.js';
import { COMPLETED, Driver, PLAIN, node, reload } from './orchestrations-helpers.js';

const SOON = () => new Date(Date.now() + 60_000);

export function describePrune(h: StoreHandle): void {
  describe('prune', () => {
    it('deletes finished standalone tasks with their attempts and events, and keeps unfinished ones', async () => {
      const done = await startTask(h.store);
      await h.store.finishAttempts([finishOf(done, 'w1', COMPLETED)]);
      const cancelled = await h.store.createTask(newTask(), CLI);
      await h.store.requestCancel(cancelled.id, CLI);
      const running = await startTask(h.store);
      const queued = await h.store.createTask(newTask(), CLI);

      const dry = await h.store.prune({ finished_before: SOON(), dry_run: true, actor: CLI });
      // done: 1 attempt, created+claimed+completed events; cancelled: created+cancelled.
      expect(dry).toMatchObject({
        dry_run: true,
        tasks: 2,
        attempts: 1,
        events: 5,
        orchestrations: 0,
        log_paths: [],
      });
      expect(await h.store.getTask(done.task.id)).toBeDefined();

      const real = await h.store.prune({ finished_before: SOON(), dry_run: false, actor: CLI });
      expect(real).toMatchObject({ dry_run: false, tasks: 2, attempts: 1, events: 5, orchestrations: 0 });
      expect(real.log_paths).toHaveLength(4);
      expect(real.log_paths.some((p) => p.includes(String(done.task.id)))).toBe(true);
      expect(await h.store.getTask(done.task.id)).toBeUndefined();
      expect(await h.store.getTask(cancelled.id)).toBeUndefined();
      expect(await h.store.listAttempts(done.task.id)).toEqual([]);
      expect(await h.store.listEvents({ task_id: done.task.id, limit: 10 })).toEqual([]);
      expect((await h.store.getTask(running.task.id))!.status).toBe('running');
      expect((await h.store.getTask(queued.id))!.status).toBe('queued');

      const all = await h.store.listEvents({ limit: 1000 });
      expect(all.at(-1)).toMatchObject({
        type: 'store_pruned',
        task_id: null,
        actor: 'cli',
        data: { tasks: 2, attempts: 1, events: 5, orchestrations: 0 },
      });
    });

    it('deletes the webhook deliveries about what it deletes, and keeps the others', async () => {
      const hook = await h.store.createWebhook({
        kind: 'webhook',
        url: 'http://127.0.0.1:9/hook',
        events: ['task.completed', 'orchestration.completed'],
        secret: 'whsec_' + Buffer.alloc(24, 7).toString('base64'),
      });
      const old = await startTask(h.store);
      await h.store.finishAttempts([finishOf(old, 'w1', COMPLETED)]);
      expect((await h.store.listWebhookDeliveries(hook.id, 10)).map((d) => d.task_id)).toEqual([old.task.id]);
      await h.store.prune({ finished_before: SOON(), dry_run: false, actor: CLI });
      const recent = await startTask(h.store);
      await h.store.finishAttempts([finishOf(recent, 'w1', COMPLETED)]);
      expect((await h.store.listWebhookDeliveries(hook.id, 10)).map((d) => d.task_id)).toEqual([
        recent.task.id,
      ]);
      await h.store.deleteWebhook(hook.id);
    });

    it('keeps work that finished after the cut-off', async () => {
      const done = await startTask(h.store);
      await h.store.finishAttempts([finishOf(done, 'w1', COMPLETED)]);
      const before = new Date(Date.now() - 60_000);
      expect(await h.store.prune({ finished_before: before, dry_run: false, actor: CLI })).toMatchObject({
        tasks: 0,
        attempts: 0,
        events: 0,
        orchestrations: 0,
      });
      expect(await h.store.getTask(done.task.id)).toBeDefined();
      // Nothing deleted: no prune event either.
      expect((await h.store.listEvents({ limit: 1000 })).some((e) => e.type === 'store_pruned')).toBe(false);
    });

    it('deletes an orchestration whole once every task finished, and never one with unfinished tasks', async () => {
      const finished = await h.store.createOrchestration(PLAIN, [node('a'), node('b', ['a'])], CLI);
      const driver = new Driver(h.store, finished.id);
      await driver.finish('a');
      await driver.finish('b');
      expect((await reload(h.store, finished.id)).status).toBe('completed');

      const open = await h.store.createOrchestration(PLAIN, [node('x'), node('y', ['x'])], CLI);
      await new Driver(h.store, open.id).finish('x');
      // "x" finished long enough ago, but its orchestration is still running: it stays.

      const result = await h.store.prune({ finished_before: SOON(), dry_run: false, actor: CLI });
      expect(result).toMatchObject({ tasks: 2, attempts: 2, orchestrations: 1 });
      expect(result.events).toBeGreaterThanOrEqual(7);
      expect(await h.store.getOrchestration(finished.id)).toBeUndefined();
      for (const t of finished.tasks) expect(await h.store.getTask(t.id)).toBeUndefined();
      expect(await h.store.listEvents({ orchestration_id: finished.id, limit: 100 })).toEqual([]);
      const stillOpen = await reload(h.store, open.id);
      expect(stillOpen.tasks.map((t) => t.status).sort()).toEqual(['completed', 'queued']);
    });

    it('works through more tasks than one batch', async () => {
      for (let i = 0; i < 7; i++) {
        await h.store.createTask(newTask(), CLI);
        const claimed = await claimOne(h.store);
        await h.store.finishAttempts([finishOf(claimed, 'w1', COMPLETED)]);
      }
      await sleep(2);
      const result = await h.store.prune({
        finished_before: SOON(),
        dry_run: false,
        actor: CLI,
        batch_size: 3,
      });
      expect(result.tasks).toBe(7);
      expect((await h.store.listTasks({ limit: 50 })).tasks).toEqual([]);
    });
  });
}
