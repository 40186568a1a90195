/**
 * Contract: controlling orchestrations — the budget, max_parallel at claim time, cancelling one task or the whole
 * orchestration, retrying a failed task (its skipped dependents wait again), adding tasks to a running one,
 * recovery of a task whose worker died, and a 10,000-task layered graph drained through claim and finish.
 */
import { describe, expect, it } from 'vitest';
import { ClaudeWorkerError } from '../../../src/domain/errors.js';
import type { ClaimedTask } from '../../../src/store/store.js';
import {
  CLI,
  LONG_LEASE_MS,
  RECOVERY,
  eventTypes,
  failure,
  finishOf,
  newTask,
  type StoreHandle,
} from './helpers.js';
import {
  COMPLETED,
  Driver,
  FAILED,
  PLAIN,
  claimReady,
  expectConsistentCounters,
  node,
  reload,
  statuses,
  task,
} from './orchestrations-helpers.js';

async function rejection(promise: Promise<unknown>): Promise<ClaudeWorkerError> {
  const err: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ClaudeWorkerError);
  return err as ClaudeWorkerError;
}

export function describeOrchestrationControl(h: StoreHandle): void {
  describe('orchestration budget and parallelism', () => {
    it('skips the tasks not started at the budget even when the finish that reaches it hints it stands alone', async () => {
      const o = await h.store.createOrchestration(
        { name: 'hinted', max_parallel: null, budget_usd: 1 },
        [node('a'), node('b')],
        CLI,
      );
      const [a] = await h.store.claimTasks({ worker_id: 'w1', limit: 1, lease_ms: LONG_LEASE_MS });
      expect(a!.task.identifier).toBe('a');
      // A wrong hint (the task belongs to an orchestration) with a claim in the same transaction: the claim must not
      // start "b" before the ending of "a" spends the budget.
      const { claimed } = await h.store.finishAndClaim(
        [finishOf(a!, 'w1', COMPLETED, { orchestration_id: null, cost_usd: 1.5 })],
        { worker_id: 'w1', limit: 1, lease_ms: LONG_LEASE_MS },
      );
      expect(claimed).toEqual([]);
      expect(statuses(await reload(h.store, o.id))).toEqual({ a: 'completed', b: 'skipped' });
    });

    it('skips every task not started once the recorded cost reaches the budget; running ones finish', async () => {
      const o = await h.store.createOrchestration(
        { name: 'capped', max_parallel: null, budget_usd: 1 },
        [node('a'), node('b'), node('e'), node('f'), node('c', ['a']), node('d', ['b'])],
        CLI,
      );
      const driver = new Driver(h.store, o.id);
      expect(await driver.claim()).toEqual(['a', 'b', 'e', 'f']);
      await driver.end('a', COMPLETED, { cost_usd: 0.6 });
      expect(statuses(await reload(h.store, o.id))).toMatchObject({ c: 'queued', d: 'waiting' });
      await driver.end('b', COMPLETED, { cost_usd: 0.6 });

      let detail = await reload(h.store, o.id);
      expect(statuses(detail)).toEqual({
        a: 'completed',
        b: 'completed',
        e: 'running',
        f: 'running',
        c: 'skipped',
        d: 'skipped',
      });
      expect(detail).toMatchObject({ status: 'running', status_reason: 'budget exhausted: $1.20 of $1.00' });
      expect(task(detail, 'c')).toMatchObject({
        status_reason: 'budget exhausted: $1.20 of $1.00',
        error: { code: 'budget' },
      });
      expect(await claimReady(h.store)).toEqual([]);

      // A task that would run again later does not: it is skipped too, and returned as such.
      const requeued = await driver.end('f', {
        kind: 'requeued',
        failure: failure('rate_limit'),
        run_after: new Date(),
      });
      expect(requeued).toMatchObject({
        status: 'skipped',
        status_reason: 'budget exhausted: $1.20 of $1.00',
      });
      await driver.end('e', COMPLETED, { cost_usd: 0.1 });
      detail = await reload(h.store, o.id);
      expect(detail).toMatchObject({ status: 'failed', status_reason: 'budget exhausted: $1.30 of $1.00' });
      expect(detail.cost_usd).toBeCloseTo(1.3, 9);
      expect(detail.finished_at).not.toBeNull();
      const types = (await h.store.listEvents({ orchestration_id: o.id, limit: 100 })).map((e) => e.type);
      expect(types.filter((t) => t === 'orchestration_budget_exhausted')).toHaveLength(1);
      expect(types.filter((t) => t === 'task_skipped')).toHaveLength(3);

      const retry = await rejection(h.store.retryTask(task(detail, 'c').id, CLI));
      expect(retry.code).toBe('conflict');
      expect(retry.message).toContain('spent its budget');
      expect((await rejection(h.store.addOrchestrationTasks(o.id, [node('more')], CLI))).code).toBe(
        'conflict',
      );
    });

    it('never runs more than max_parallel tasks of an orchestration, counting the ones claimed in the same batch', async () => {
      const wide = await h.store.createOrchestration(
        { name: 'wide', max_parallel: 2, budget_usd: null },
        [node('r1'), node('r2'), node('r3'), node('r4'), node('after', ['r1'])],
        CLI,
      );
      const narrow = await h.store.createOrchestration(
        { name: 'narrow', max_parallel: 1, budget_usd: null },
        [node('s1', [], { priority: 5 }), node('s2', [], { priority: 5 })],
        CLI,
      );
      const plain = await h.store.createTask(newTask(), CLI);

      const claim = (limit: number) =>
        h.store.claimTasks({ worker_id: 'w1', limit, lease_ms: LONG_LEASE_MS });
      const names = (batch: ClaimedTask[]) => batch.map((c) => c.task.identifier ?? c.task.id);
      const first = await claim(3);
      expect(names(first)).toEqual(['s1', 'r1', 'r2']);
      expect(names(await claim(10))).toEqual([plain.id]);
      expect(await claim(10)).toEqual([]);

      await h.store.finishAttempts([
        finishOf(
          first.find((c) => c.task.identifier === 'r1')!,
          'w1',
          COMPLETED,
        ),
      ]);
      // "after" is ready now, but r3 came first; one slot was freed.
      expect(names(await claim(10))).toEqual(['r3']);
      expect((await reload(h.store, wide.id)).counts.running).toBe(2);
      expect((await reload(h.store, narrow.id)).counts).toMatchObject({ running: 1, queued: 1 });
    });
  });

  describe('cancelling', () => {
    it('cancels one waiting task: its dependents follow their trigger rules', async () => {
      const o = await h.store.createOrchestration(
        PLAIN,
        [node('a'), node('b', ['a']), node('c', ['b']), node('e', ['b'], { rule: 'all_done' })],
        CLI,
      );
      const cancelled = await h.store.requestCancel(task(o, 'b').id, CLI);
      expect(cancelled.status).toBe('cancelled');
      const detail = await reload(h.store, o.id);
      expect(statuses(detail)).toEqual({ a: 'queued', b: 'cancelled', c: 'skipped', e: 'queued' });
      expect(task(detail, 'c').status_reason).toBe('dependency "b" was cancelled');
      expectConsistentCounters(detail);
    });

    it('cancels an orchestration: tasks not started at once, running ones on request; then it is cancelled', async () => {
      const o = await h.store.createOrchestration(
        PLAIN,
        [node('a'), node('b', ['a']), node('c', [], { initial_delay_seconds: 3600 }), node('d', ['b'])],
        CLI,
      );
      const driver = new Driver(h.store, o.id);
      expect(await driver.claim()).toEqual(['a']);
      const requested = await h.store.cancelOrchestration(o.id, CLI);
      expect(requested).toMatchObject({ status: 'running', cancel_requested: true });
      expect(statuses(requested)).toEqual({ a: 'running', b: 'cancelled', c: 'cancelled', d: 'cancelled' });
      expect(task(requested, 'a').cancel_requested).toBe(true);
      expect(task(requested, 'b')).toMatchObject({
        status_reason: 'orchestration cancelled',
        error: { code: 'cancelled' },
      });
      const a = task(requested, 'a').id;
      expect((await h.store.renewLeases('w1', [a], LONG_LEASE_MS)).cancel_requested).toEqual([a]);
      const types = (await h.store.listEvents({ orchestration_id: o.id, limit: 100 })).map((e) => e.type);
      expect(types.slice(-5)).toEqual([
        'orchestration_cancelled',
        'task_cancelled',
        'task_cancelled',
        'task_cancelled',
        'task_cancel_requested',
      ]);

      // Asking again while "a" stops records nothing more.
      await h.store.cancelOrchestration(o.id, CLI);
      expect(await h.store.listEvents({ orchestration_id: o.id, limit: 100 })).toHaveLength(types.length);

      await driver.end('a', { kind: 'cancelled', failure: failure('cancelled', 'Cancelled on request.') });
      const done = await reload(h.store, o.id);
      expect(done).toMatchObject({ status: 'cancelled', counts: { cancelled: 4 } });
      expect(done.finished_at).not.toBeNull();

      const again = await rejection(h.store.cancelOrchestration(o.id, CLI));
      expect(again.code).toBe('conflict');
      expect(again.message).toContain('already cancelled');
      expect((await rejection(h.store.cancelOrchestration(987_654, CLI))).code).toBe('not_found');
      expect((await rejection(h.store.addOrchestrationTasks(o.id, [node('z')], CLI))).code).toBe('conflict');
      expect((await rejection(h.store.retryTask(a, CLI))).message).toContain('was cancelled');
    });
  });

  describe('retrying a task of an orchestration', () => {
    it('re-arms the dependents skipped because of it; they wait, then run', async () => {
      const o = await h.store.createOrchestration(
        PLAIN,
        [node('a'), node('x'), node('b', ['a']), node('c', ['b']), node('y', ['a'], { rule: 'all_done' })],
        CLI,
      );
      const driver = new Driver(h.store, o.id);
      expect(await driver.claim()).toEqual(['a', 'x']);
      await driver.end('x');
      await driver.end('a', FAILED);
      await driver.finish('y');
      let detail = await reload(h.store, o.id);
      expect(statuses(detail)).toEqual({
        a: 'failed',
        x: 'completed',
        b: 'skipped',
        c: 'skipped',
        y: 'completed',
      });
      expect(detail.status).toBe('failed');
      expect(detail.finished_at).not.toBeNull();

      const refused = await rejection(h.store.retryTask(task(detail, 'c').id, CLI));
      expect(refused.code).toBe('conflict');
      expect(refused.message).toContain('dependency "b" was skipped');
      expect(refused.message).toContain(`claude-worker retry ${task(detail, 'b').id}`);
      expect((await rejection(h.store.retryTask(task(detail, 'b').id, CLI))).message).toContain(
        `Retry task ${task(detail, 'a').id} ("a") first`,
      );

      const retried = await h.store.retryTask(task(detail, 'a').id, CLI);
      expect(retried).toMatchObject({ status: 'queued', error: null });
      detail = await reload(h.store, o.id);
      expect(statuses(detail)).toEqual({
        a: 'queued',
        x: 'completed',
        b: 'waiting',
        c: 'waiting',
        y: 'completed',
      });
      expect(detail).toMatchObject({ status: 'running', finished_at: null });
      expect(task(detail, 'b')).toMatchObject({
        status_reason: null,
        error: null,
        finished_at: null,
        pending_dependencies: 1,
      });
      expectConsistentCounters(detail);
      expect((await h.store.listEvents({ task_id: task(detail, 'b').id, limit: 10 })).at(-1)).toMatchObject({
        type: 'task_rearmed',
        from_status: 'skipped',
        to_status: 'waiting',
        actor: 'cli',
      });
      expect(await eventTypes(h.store, task(detail, 'c').id)).toEqual([
        'task_created',
        'task_skipped',
        'task_rearmed',
      ]);

      await driver.finish('a');
      await driver.finish('b');
      await driver.finish('c');
      detail = await reload(h.store, o.id);
      expect(detail.status).toBe('completed');
      expect(detail.finished_at).not.toBeNull();
      expectConsistentCounters(detail);
    });
  });

  describe('addOrchestrationTasks', () => {
    it('adds tasks to a running orchestration; dependencies on finished tasks apply at once', async () => {
      const o = await h.store.createOrchestration(PLAIN, [node('a'), node('b')], CLI);
      const driver = new Driver(h.store, o.id);
      await driver.claim();
      await driver.end('a', COMPLETED, { result: 'A!' });

      const added = await h.store.addOrchestrationTasks(
        o.id,
        [
          node('n1', ['a'], { execution_prompt: 'use {{ tasks.a.result }}' }),
          node('n2', ['b']),
          node('n3', ['n1']),
          node('n4', ['a', 'b'], { rule: 'one_success' }),
          node('n5'),
        ],
        CLI,
      );
      expect(added.task_count).toBe(7);
      expect(statuses(added)).toMatchObject({
        n1: 'queued',
        n2: 'waiting',
        n3: 'waiting',
        n4: 'queued',
        n5: 'queued',
      });
      expect(task(added, 'n1').execution_prompt).toBe('use A!');
      expect(task(added, 'n4').depends_on).toEqual(['a', 'b']);
      expectConsistentCounters(added);

      await driver.end('b', FAILED);
      const late = await h.store.addOrchestrationTasks(o.id, [node('n6', ['b'])], CLI);
      expect(task(late, 'n6')).toMatchObject({ status: 'skipped', status_reason: 'dependency "b" failed' });
      expect(await eventTypes(h.store, task(late, 'n6').id)).toEqual(['task_created', 'task_skipped']);
      expect(task(late, 'n2').status).toBe('skipped');

      for (const id of ['n1', 'n4', 'n5', 'n3']) await driver.finish(id);
      const finished = await reload(h.store, o.id);
      expect(finished.finished_at).not.toBeNull();
      const reopened = await h.store.addOrchestrationTasks(o.id, [node('again', ['n3'])], CLI);
      expect(reopened).toMatchObject({ status: 'running', finished_at: null });
      expect(task(reopened, 'again').status).toBe('queued');

      const duplicate = await rejection(h.store.addOrchestrationTasks(o.id, [node('a')], CLI));
      expect(duplicate.code).toBe('validation');
      expect((await rejection(h.store.addOrchestrationTasks(o.id, [node('z', ['nope'])], CLI))).code).toBe(
        'validation',
      );
      expect((await rejection(h.store.addOrchestrationTasks(424_242, [node('z')], CLI))).code).toBe(
        'not_found',
      );
      expect((await reload(h.store, o.id)).task_count).toBe(9);
    });
  });

  describe('recovery in an orchestration', () => {
    it('requeues or ends the tasks of a dead worker and resolves their dependents', async () => {
      const o = await h.store.createOrchestration(
        PLAIN,
        [
          node('a', [], { max_attempts: 2 }),
          node('c', [], { max_attempts: 1 }),
          node('b', ['a']),
          node('d', ['c']),
        ],
        CLI,
      );
      const claimed = await h.store.claimTasks({ worker_id: 'w-dead', limit: 10, lease_ms: LONG_LEASE_MS });
      expect(claimed.map((c) => c.task.identifier)).toEqual(['a', 'c']);
      await h.store.recordProgress(claimed[0]!.task.id, 1, { last_action: '[text] working', cost_usd: 0.3 });
      // c is at the limit of interruptions in a row: this one fails it as worker_lost.
      const recovered = await h.store.recoverTasks({
        expired_leases: false,
        dead_worker_ids: ['w-dead'],
        actor: RECOVERY,
        max_interruptions: 1,
      });
      expect(recovered.map((t) => [t.identifier, t.status])).toEqual([
        ['a', 'failed'],
        ['c', 'failed'],
      ]);
      await h.store.retryTask(recovered[0]!.id, CLI);
      let detail = await reload(h.store, o.id);
      expect(statuses(detail)).toEqual({ a: 'queued', c: 'failed', b: 'waiting', d: 'skipped' });
      expect(task(detail, 'c').error?.code).toBe('worker_lost');
      expect(task(detail, 'd').status_reason).toBe('dependency "c" failed');
      expect(detail.cost_usd).toBeCloseTo(0.3, 9);
      expectConsistentCounters(detail);

      const driver = new Driver(h.store, o.id, 'w2');
      await driver.finish('a');
      await driver.finish('b');
      detail = await reload(h.store, o.id);
      expect(statuses(detail)).toEqual({ a: 'completed', c: 'failed', b: 'completed', d: 'skipped' });
      expect(detail.status).toBe('failed');
    });
  });

  describe('a large graph', () => {
    it('creates a 10,000-task layered DAG and drains it through claim and finish in dependency order', async () => {
      const layers = 100;
      const width = 100;
      const nodes = [];
      for (let layer = 0; layer < layers; layer++) {
        for (let i = 0; i < width; i++) {
          const deps = layer === 0 ? [] : [`t${layer - 1}_${i}`, `t${layer - 1}_${(i + 1) % width}`];
          nodes.push(node(`t${layer}_${i}`, deps, { log_path: null, transcript_path: null }));
        }
      }
      const created = await h.store.createOrchestration(
        { name: 'layered', max_parallel: null, budget_usd: null },
        nodes,
        CLI,
      );
      expect(created.task_count).toBe(layers * width);
      expect(created.counts).toMatchObject({ queued: width, waiting: (layers - 1) * width });

      const dependsOn = new Map(created.tasks.map((t) => [t.id, t.depends_on]));
      const idOf = new Map(created.tasks.map((t) => [t.identifier, t.id]));
      const completed = new Set<number>();
      let batches = 0;
      for (;;) {
        const batch = await h.store.claimTasks({ worker_id: 'w1', limit: 64, lease_ms: LONG_LEASE_MS });
        if (batch.length === 0) break;
        batches += 1;
        for (const claimed of batch) {
          const early = dependsOn.get(claimed.task.id)!.filter((d) => !completed.has(idOf.get(d)!));
          expect(early, `"${claimed.task.identifier}" started before its dependencies`).toEqual([]);
        }
        const finished = await h.store.finishAttempts(batch.map((c) => finishOf(c, 'w1', COMPLETED)));
        for (const t of finished) completed.add(t.id);
      }
      expect(completed.size).toBe(layers * width);
      expect(batches).toBeGreaterThanOrEqual(layers);
      const done = await reload(h.store, created.id);
      expect(done).toMatchObject({ status: 'completed', counts: { completed: layers * width } });
      expect(done.finished_at).not.toBeNull();
      const ready = (await h.store.listEvents({ orchestration_id: created.id, limit: 100_000 })).filter(
        (e) => e.type === 'task_ready',
      );
      expect(ready).toHaveLength((layers - 1) * width);
    });
  });
}
