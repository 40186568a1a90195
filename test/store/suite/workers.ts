/**
 * Contract: worker nodes (register, heartbeat, graceful stop, the list with running counts), claims limited by a
 * task's `runs_on` labels, and recovery of a dead node's tasks that two live nodes may attempt at once.
 */
import { describe, expect, it } from 'vitest';
import type { NewWorker } from '../../../src/store/store.js';
import {
  CLI,
  LONG_LEASE_MS,
  RECOVERY,
  eventTypes,
  finishOf,
  ms,
  newTask,
  sleep,
  startTask,
  type StoreHandle,
} from './helpers.js';

function worker(id: string, overrides: Partial<NewWorker> = {}): NewWorker {
  return { id, host: 'build-1', pid: 4242, labels: [], concurrency: 4, version: '9.9.9', ...overrides };
}

export function describeWorkers(h: StoreHandle): void {
  describe('workers', () => {
    it('registers a worker with its labels, heartbeat and no stop; lists it with its running tasks', async () => {
      const before = Date.now();
      const registered = await h.store.registerWorker(
        worker('build-1/4242/aa', { labels: ['repo-a', 'big'], concurrency: 8 }),
      );
      expect(registered).toEqual({
        id: 'build-1/4242/aa',
        host: 'build-1',
        pid: 4242,
        labels: ['repo-a', 'big'],
        concurrency: 8,
        running: 0,
        version: '9.9.9',
        started_at: registered.started_at,
        last_heartbeat_at: registered.started_at,
        stopped_at: null,
      });
      expect(ms(registered.started_at)).toBeGreaterThanOrEqual(before);

      await h.store.registerWorker(worker('build-2/7/bb'));
      await startTask(h.store, {}, 'build-1/4242/aa');
      await startTask(h.store, {}, 'build-1/4242/aa');
      const listed = await h.store.listWorkers();
      expect(listed.map((w) => [w.id, w.running])).toEqual([
        ['build-1/4242/aa', 2],
        ['build-2/7/bb', 0],
      ]);
    });

    it('moves the heartbeat forward; a heartbeat of an unknown worker says so', async () => {
      const first = await h.store.registerWorker(worker('w-beat'));
      await sleep(15);
      expect(await h.store.heartbeatWorker('w-beat')).toBe(true);
      const [after] = await h.store.listWorkers();
      expect(ms(after!.last_heartbeat_at)).toBeGreaterThan(ms(first.last_heartbeat_at));
      expect(after!.started_at).toBe(first.started_at);
      expect(await h.store.heartbeatWorker('w-never-registered')).toBe(false);
    });

    it('marks a graceful stop; the stopped worker stays listed, its heartbeat no longer moves', async () => {
      await h.store.registerWorker(worker('w-stop'));
      await h.store.stopWorker('w-stop');
      const [stopped] = await h.store.listWorkers();
      expect(stopped!.stopped_at).not.toBeNull();
      expect(await h.store.heartbeatWorker('w-stop')).toBe(false);
      // Registering the same id again (a restart that reuses it) makes it running again.
      const again = await h.store.registerWorker(worker('w-stop', { labels: ['x'] }));
      expect(again).toMatchObject({ stopped_at: null, labels: ['x'] });
      expect(await h.store.listWorkers()).toHaveLength(1);
    });
  });

  describe('pruneWorkers', () => {
    it('forgets workers gone before the cut-off, never one holding a running task; a dry run only counts', async () => {
      await h.store.registerWorker(worker('w-stopped'));
      await h.store.stopWorker('w-stopped');
      await h.store.registerWorker(worker('w-silent'));
      await h.store.registerWorker(worker('w-busy'));
      await startTask(h.store, {}, 'w-busy');
      await sleep(20);
      const cutoff = new Date();
      await sleep(20);
      await h.store.registerWorker(worker('w-live'));

      expect(await h.store.pruneWorkers(cutoff, true)).toBe(2);
      expect(await h.store.listWorkers()).toHaveLength(4);
      expect(await h.store.pruneWorkers(cutoff, false)).toBe(2);
      expect((await h.store.listWorkers()).map((w) => w.id)).toEqual(['w-busy', 'w-live']);
      // A pruned worker that is in fact alive finds out at its heartbeat and registers again.
      expect(await h.store.heartbeatWorker('w-silent')).toBe(false);
    });
  });

  describe('runs_on labels', () => {
    it('stores runs_on on the task (empty when none)', async () => {
      const labelled = await h.store.createTask(newTask({ runs_on: ['repo-a', 'big'] }), CLI);
      const plain = await h.store.createTask(newTask(), CLI);
      expect((await h.store.getTask(labelled.id))!.runs_on).toEqual(['repo-a', 'big']);
      expect((await h.store.getTask(plain.id))!.runs_on).toEqual([]);
    });

    it('lets only a worker having ALL the labels claim a labelled task; any worker claims a plain one', async () => {
      const both = await h.store.createTask(newTask({ runs_on: ['repo-a', 'big'], priority: 9 }), CLI);
      const repoA = await h.store.createTask(newTask({ runs_on: ['repo-a'], priority: 5 }), CLI);
      const plain = await h.store.createTask(newTask(), CLI);
      const claim = (worker_id: string, labels?: string[]) =>
        h.store.claimTasks({ worker_id, limit: 10, lease_ms: LONG_LEASE_MS, labels });

      expect(await claim('no-labels')).toEqual([
        expect.objectContaining({ task: expect.objectContaining({ id: plain.id }) }),
      ]);
      expect(await claim('only-big', ['big'])).toEqual([]);
      expect((await claim('repo-a', ['repo-a', 'other'])).map((c) => c.task.id)).toEqual([repoA.id]);
      expect((await claim('both', ['big', 'repo-a'])).map((c) => c.task.id)).toEqual([both.id]);
    });

    it('keeps the label rule when an orchestration limits its parallelism', async () => {
      const detail = await h.store.createOrchestration(
        { name: 'labels', max_parallel: 1, budget_usd: null },
        [
          {
            ...newTask({ runs_on: ['gpu'] }),
            identifier: 'a',
            depends_on: [],
            trigger_rule: 'all_success',
            initial_delay_seconds: 0,
          },
          {
            ...newTask(),
            identifier: 'b',
            depends_on: [],
            trigger_rule: 'all_success',
            initial_delay_seconds: 0,
          },
        ],
        CLI,
      );
      const byName = new Map(detail.tasks.map((t) => [t.identifier, t]));
      expect(byName.get('a')!.runs_on).toEqual(['gpu']);
      const claimed = await h.store.claimTasks({ worker_id: 'plain', limit: 5, lease_ms: LONG_LEASE_MS });
      expect(claimed.map((c) => c.task.id)).toEqual([byName.get('b')!.id]);
    });
  });

  describe('recovery across nodes', () => {
    it('requeues a dead node’s task once when two live nodes recover at the same moment', async () => {
      const stale = await startTask(h.store, {}, 'dead-node', 5);
      await sleep(20);
      const [a, b] = await Promise.all([
        h.store.recoverTasks({ expired_leases: true, actor: RECOVERY }),
        h.store.recoverTasks({ expired_leases: true, actor: RECOVERY }),
      ]);
      expect([...a!, ...b!].map((t) => [t.id, t.status])).toEqual([[stale.task.id, 'queued']]);
      expect(await eventTypes(h.store, stale.task.id)).toEqual([
        'task_created',
        'task_claimed',
        'task_recovered',
      ]);
      const attempts = await h.store.listAttempts(stale.task.id);
      expect(attempts.map((x) => x.status)).toEqual(['interrupted']);

      // The live node claims and completes it; the dead node's late finish is fenced out.
      const [again] = await h.store.claimTasks({ worker_id: 'live-node', limit: 1, lease_ms: LONG_LEASE_MS });
      expect(again).toMatchObject({ attempt: 2 });
      await h.store.finishAttempts([finishOf(again!, 'live-node', { kind: 'completed' })]);
      expect(await h.store.finishAttempts([finishOf(stale, 'dead-node', { kind: 'completed' })])).toEqual([]);
      const types = await eventTypes(h.store, stale.task.id);
      expect(types.filter((t) => t === 'task_completed')).toHaveLength(1);
    });
  });
}
