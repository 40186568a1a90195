/**
 * Contract: orchestrations — creating a graph (waiting/queued split, delays, edges, events), dependency resolution
 * through claim and finish (chains, diamonds, skip cascades naming the dependency), every trigger rule in a real
 * graph, result passing, and listing by derived status.
 */
import { describe, expect, it } from 'vitest';
import { ClaudeWorkerError } from '../../../src/domain/errors.js';
import { CLI, failure, ms, newTask, type StoreHandle } from './helpers.js';
import {
  COMPLETED,
  Driver,
  FAILED,
  PLAIN,
  expectConsistentCounters,
  node,
  reload,
  statuses,
  task,
} from './orchestrations-helpers.js';

export function describeOrchestrations(h: StoreHandle): void {
  describe('createOrchestration', () => {
    it('queues the tasks without dependencies (after their initial delay) and makes the rest wait', async () => {
      const before = Date.now();
      const created = await h.store.createOrchestration(
        { name: 'release', max_parallel: 3, budget_usd: 5 },
        [
          node('build', [], {
            allowed_tools: ['Read', 'Bash(npm test)'],
            env: { CI: '1' },
            tags: ['release'],
            system_prompt: 'Be brief.',
            max_turns: 5,
            max_budget_usd: 2.5,
            timeout_seconds: 600,
            priority: 3,
            execution_prompt: 'Build {{ not a template }}',
          }),
          node('docs', [], { initial_delay_seconds: 60 }),
          node('test', ['build'], { initial_delay_seconds: 5 }),
          node('ship', ['test', 'docs'], { rule: 'all_done' }),
        ],
        CLI,
      );
      expect(created).toMatchObject({
        name: 'release',
        status: 'pending',
        max_parallel: 3,
        budget_usd: 5,
        cost_usd: 0,
        task_count: 4,
        cancel_requested: false,
        finished_at: null,
      });
      expect(created.counts).toMatchObject({ queued: 2, waiting: 2, running: 0 });
      expect(statuses(created)).toEqual({
        build: 'queued',
        docs: 'queued',
        test: 'waiting',
        ship: 'waiting',
      });
      // What create returns is what is stored.
      expect(await h.store.getOrchestration(created.id)).toEqual(created);
      expect(task(created, 'build')).toMatchObject({
        allowed_tools: ['Read', 'Bash(npm test)'],
        env: { CI: '1' },
        priority: 3,
      });
      expect(task(created, 'ship')).toMatchObject({
        depends_on: ['test', 'docs'],
        trigger_rule: 'all_done',
        pending_dependencies: 2,
      });
      expect(task(created, 'test')).toMatchObject({
        initial_delay_seconds: 5,
        run_after: null,
        orchestration_id: created.id,
      });
      expect(ms(task(created, 'build').run_after)).toBeLessThanOrEqual(Date.now());
      expect(ms(task(created, 'docs').run_after)).toBeGreaterThanOrEqual(before + 60_000);
      const build = task(created, 'build');
      expect(build.log_path).toContain(`/${build.id}-project-`);
      expect(created.tasks.map((t) => t.id)).toEqual(
        [...created.tasks.map((t) => t.id)].sort((a, b) => a - b),
      );

      // Only the one without a delay can start now.
      const driver = new Driver(h.store, created.id);
      expect(await driver.claim()).toEqual(['build']);
      expect(await h.store.getOrchestration(created.id)).toMatchObject({ status: 'running' });

      const events = await h.store.listEvents({ orchestration_id: created.id, limit: 100 });
      expect(events.map((e) => [e.type, e.task_id === null ? null : e.to_status])).toEqual([
        ['orchestration_created', null],
        ['task_created', 'queued'],
        ['task_created', 'queued'],
        ['task_created', 'waiting'],
        ['task_created', 'waiting'],
        ['task_claimed', 'running'],
      ]);
      expect(events[0]).toMatchObject({ actor: 'cli', correlation_id: 'req-1', data: { task_count: 4 } });
      expect(await h.store.getOrchestration(created.id + 1)).toBeUndefined();
    });

    it('refuses a graph naming unknown or duplicate identifiers, and creates nothing', async () => {
      const err: unknown = await h.store
        .createOrchestration(PLAIN, [node('a'), node('a'), node('b', ['nope'])], CLI)
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ClaudeWorkerError);
      expect((err as ClaudeWorkerError).code).toBe('validation');
      expect((err as ClaudeWorkerError).issues.map((i) => i.path)).toEqual([
        'tasks[1].identifier',
        'tasks[2].depends_on[0]',
      ]);
      expect((await h.store.listOrchestrations({ limit: 10 })).orchestrations).toEqual([]);
      expect(await h.store.countByStatus()).toMatchObject({ queued: 0, waiting: 0 });
    });
  });

  describe('dependency resolution', () => {
    it('runs a chain in order; a dependent is ready when its dependency completes, after its own delay', async () => {
      const o = await h.store.createOrchestration(
        PLAIN,
        [node('a'), node('b', ['a']), node('c', ['b'], { initial_delay_seconds: 3600 })],
        CLI,
      );
      const driver = new Driver(h.store, o.id);
      expect(await driver.claim()).toEqual(['a']);
      expect(await driver.claim()).toEqual([]);
      await driver.finish('a');
      expect(await driver.claim()).toEqual(['b']);
      const finishedAt = Date.now();
      await driver.finish('b', COMPLETED, { cost_usd: 0.25 });
      let detail = await reload(h.store, o.id);
      expect(task(detail, 'c')).toMatchObject({ status: 'queued', pending_dependencies: 0 });
      expect(ms(task(detail, 'c').run_after)).toBeGreaterThanOrEqual(finishedAt + 3_600_000);
      expect(await driver.claim()).toEqual([]);
      expect((await h.store.nextRunAfter())?.toISOString()).toBe(task(detail, 'c').run_after);
      expect(detail).toMatchObject({ status: 'running', finished_at: null, cost_usd: 0.25 });

      const events = await h.store.listEvents({ task_id: task(detail, 'b').id, limit: 10 });
      expect(events.map((e) => [e.type, e.from_status, e.to_status, e.actor])).toEqual([
        ['task_created', null, 'waiting', 'cli'],
        ['task_ready', 'waiting', 'queued', 'worker:w1'],
        ['task_claimed', 'queued', 'running', 'worker:w1'],
        ['task_completed', 'running', 'completed', 'worker:w1'],
      ]);

      await h.store.requestCancel(task(detail, 'c').id, CLI);
      detail = await reload(h.store, o.id);
      expect(detail.status).toBe('failed');
      expect(detail.finished_at).not.toBeNull();
      const last = (await h.store.listEvents({ orchestration_id: o.id, limit: 100 })).at(-1);
      expect(last).toMatchObject({
        type: 'orchestration_finished',
        task_id: null,
        data: { status: 'failed' },
      });
    });

    it('settles the graph even when a finish wrongly hints that its task stands alone', async () => {
      const o = await h.store.createOrchestration(PLAIN, [node('a'), node('b', ['a'])], CLI);
      const driver = new Driver(h.store, o.id);
      await driver.finish('a', COMPLETED, { orchestration_id: null, cost_usd: 0.5 });
      const detail = await reload(h.store, o.id);
      expect(statuses(detail)).toEqual({ a: 'completed', b: 'queued' });
      expect(detail.cost_usd).toBe(0.5);
      await driver.finish('b', COMPLETED, { orchestration_id: null });
      expect(await reload(h.store, o.id)).toMatchObject({ status: 'completed' });
    });

    it('joins a diamond; a failed branch skips the join naming it, and the skip cascades', async () => {
      const o = await h.store.createOrchestration(
        PLAIN,
        [node('a'), node('b', ['a']), node('c', ['a']), node('d', ['b', 'c']), node('e', ['d'])],
        CLI,
      );
      const driver = new Driver(h.store, o.id);
      await driver.finish('a', COMPLETED, { cost_usd: 0.5 });
      expect(await driver.claim()).toEqual(['b', 'c']);
      await driver.finish('b', COMPLETED, { cost_usd: 0.25 });
      expect(statuses(await reload(h.store, o.id))).toMatchObject({ d: 'waiting' });
      const failedC = await driver.finish('c', { kind: 'failed', failure: failure('max_turns') });
      expect(failedC.status).toBe('failed');

      const detail = await reload(h.store, o.id);
      expect(statuses(detail)).toEqual({
        a: 'completed',
        b: 'completed',
        c: 'failed',
        d: 'skipped',
        e: 'skipped',
      });
      const d = task(detail, 'd');
      expect(d.status_reason).toBe('dependency "c" failed');
      expect(d.error).toMatchObject({ code: 'dependency_failed', retryable: false });
      expect(d.error!.suggestion).toContain(`claude-worker retry ${failedC.id}`);
      expect(d.started_at).toBeNull();
      expect(d.finished_at).not.toBeNull();
      expect(task(detail, 'e').status_reason).toBe('dependency "d" was skipped');
      expect(detail).toMatchObject({ status: 'failed', cost_usd: 0.75 });
      expect(detail.counts).toMatchObject({ completed: 2, failed: 1, skipped: 2, waiting: 0 });
      expectConsistentCounters(detail);

      const skips = (await h.store.listEvents({ orchestration_id: o.id, limit: 100 })).filter(
        (e) => e.type === 'task_skipped',
      );
      expect(skips.map((e) => [e.task_id, e.from_status, e.to_status, e.data['reason']])).toEqual([
        [d.id, 'waiting', 'skipped', 'dependency "c" failed'],
        [task(detail, 'e').id, 'waiting', 'skipped', 'dependency "d" was skipped'],
      ]);
    });

    it('applies all_done, one_success, one_failed, none_failed and all_failed as their names say', async () => {
      const o = await h.store.createOrchestration(
        PLAIN,
        [
          node('ok'),
          node('bad'),
          node('slow'),
          node('done', ['ok', 'bad'], { rule: 'all_done' }),
          node('any', ['slow', 'ok'], { rule: 'one_success' }),
          node('alarm', ['ok', 'bad', 'slow'], { rule: 'one_failed' }),
          node('calm', ['ok', 'slow'], { rule: 'one_failed' }),
          node('skipped_dep', ['bad']),
          node('lenient', ['ok', 'skipped_dep'], { rule: 'none_failed' }),
          node('strict', ['ok', 'bad'], { rule: 'none_failed' }),
          node('both_bad', ['bad', 'skipped_dep'], { rule: 'all_failed' }),
        ],
        CLI,
      );
      const driver = new Driver(h.store, o.id);
      expect(await driver.claim()).toEqual(['ok', 'bad', 'slow']);
      await driver.finish('ok');
      let s = statuses(await reload(h.store, o.id));
      // one_success runs as soon as one succeeded, while "slow" still runs.
      expect(s).toMatchObject({ any: 'queued', done: 'waiting', alarm: 'waiting', lenient: 'waiting' });
      await driver.finish('bad', FAILED); // claims "any" first
      s = statuses(await reload(h.store, o.id));
      expect(s).toMatchObject({
        done: 'queued', // all_done: both finished, whatever the outcome
        alarm: 'queued', // one_failed: "bad" failed, "slow" still running
        strict: 'skipped', // none_failed: one failed
        skipped_dep: 'skipped',
        lenient: 'queued', // none_failed: a skipped dependency is fine
        both_bad: 'skipped', // all_failed: one dependency was skipped
      });
      expect(await driver.claim()).toEqual(['done', 'alarm', 'lenient']);
      await driver.finish('any');
      await driver.finish('slow');
      const detail = await reload(h.store, o.id);
      // one_success is not started twice when a later dependency succeeds; one_failed skips when none failed.
      expect(task(detail, 'any').attempt_count).toBe(1);
      expect(task(detail, 'calm')).toMatchObject({
        status: 'skipped',
        status_reason: 'no dependency failed: "ok" succeeded, "slow" succeeded (trigger rule one_failed)',
      });
      expect(task(detail, 'strict').status_reason).toBe('dependency "bad" failed (trigger rule none_failed)');
      expect(task(detail, 'both_bad').status_reason).toBe(
        'dependency "skipped_dep" was skipped (trigger rule all_failed)',
      );
      expect(
        (await h.store.listEvents({ task_id: task(detail, 'any').id, limit: 10 })).map((e) => e.type),
      ).toEqual(['task_created', 'task_ready', 'task_claimed', 'task_completed']);
      expectConsistentCounters(detail);
    });

    it('renders a dependency result into the prompt when the task becomes ready', async () => {
      const o = await h.store.createOrchestration(
        PLAIN,
        [
          node('plan'),
          node('other'),
          node('build', ['plan', 'other'], {
            execution_prompt: 'Build from: {{ tasks.plan.result }} | {{tasks.other.result}}',
            rule: 'one_success',
          }),
        ],
        CLI,
      );
      expect(task(o, 'build').execution_prompt).toBe(
        'Build from: {{ tasks.plan.result }} | {{tasks.other.result}}',
      );
      const driver = new Driver(h.store, o.id);
      await driver.finish('plan', COMPLETED, { result: 'the plan {{ tasks.other.result }}' });
      await driver.claim();
      const build = [...driver.running.values()].find((c) => c.task.identifier === 'build');
      // The result is inserted as is (never rendered again); "other" has no result yet under one_success.
      expect(build?.task.execution_prompt).toBe('Build from: the plan {{ tasks.other.result }} | ');
    });
  });

  describe('listOrchestrations', () => {
    it('lists newest first by derived status, page by page', async () => {
      const done = await h.store.createOrchestration({ ...PLAIN, name: 'done' }, [node('x')], CLI);
      await new Driver(h.store, done.id).finish('x');
      const broken = await h.store.createOrchestration({ ...PLAIN, name: 'broken' }, [node('x')], CLI);
      await new Driver(h.store, broken.id).finish('x', FAILED);
      const busy = await h.store.createOrchestration(
        { ...PLAIN, name: 'busy' },
        [node('x'), node('y', ['x'])],
        CLI,
      );
      await new Driver(h.store, busy.id).claim();
      await h.store.createOrchestration({ ...PLAIN, name: 'idle' }, [node('x')], CLI);
      const stopped = await h.store.createOrchestration({ ...PLAIN, name: 'stopped' }, [node('x')], CLI);
      await h.store.cancelOrchestration(stopped.id, CLI);
      await h.store.createTask(newTask(), CLI);

      const all = await h.store.listOrchestrations({ limit: 10 });
      expect(all.orchestrations.map((o) => [o.name, o.status])).toEqual([
        ['stopped', 'cancelled'],
        ['idle', 'pending'],
        ['busy', 'running'],
        ['broken', 'failed'],
        ['done', 'completed'],
      ]);
      expect(all.next_cursor).toBeNull();
      expect(all.orchestrations[2]).toMatchObject({ task_count: 2, counts: { running: 1, waiting: 1 } });
      for (const status of ['pending', 'running', 'completed', 'failed', 'cancelled'] as const) {
        const page = await h.store.listOrchestrations({ status: [status], limit: 10 });
        expect(page.orchestrations.map((o) => o.status)).toEqual([status]);
      }
      const finished = await h.store.listOrchestrations({ status: ['completed', 'failed'], limit: 10 });
      expect(finished.orchestrations.map((o) => o.name)).toEqual(['broken', 'done']);

      const first = await h.store.listOrchestrations({ limit: 2 });
      expect(first.orchestrations.map((o) => o.name)).toEqual(['stopped', 'idle']);
      const second = await h.store.listOrchestrations({ limit: 2, cursor: first.next_cursor! });
      expect(second.orchestrations.map((o) => o.name)).toEqual(['busy', 'broken']);
      const third = await h.store.listOrchestrations({ limit: 2, cursor: second.next_cursor! });
      expect(third).toMatchObject({ next_cursor: null });
      expect(third.orchestrations.map((o) => o.name)).toEqual(['done']);
      await expect(h.store.listOrchestrations({ limit: 2, cursor: 'abc' })).rejects.toMatchObject({
        code: 'validation',
      });
    });
  });
}
