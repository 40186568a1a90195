/**
 * Contract: model gates (cool-downs, breakers, the one probe), attempt statistics, staged groups, and
 * finishAndClaim (a finish and the claim of the slot it freed, in one transaction).
 */
import { describe, expect, it } from 'vitest';
import { CLI, failure, finishOf, LONG_LEASE_MS, newTask, startTask, type StoreHandle } from './helpers.js';
import { node } from './orchestrations-helpers.js';

const BREAKER = { threshold: 2, cool_ms: 60_000 };

export function describeGatesAndStaging(h: StoreHandle): void {
  describe('model gates', () => {
    it('extends a cool-down, never shortens it, and lists it with its reason', async () => {
      expect(await h.store.listModelGates()).toEqual([]);
      const later = new Date(Date.now() + 120_000);
      await h.store.setModelCooldown('opus', later, '429 from the API');
      const gate = await h.store.setModelCooldown('opus', new Date(Date.now() + 5_000), 'shorter');
      expect(gate).toMatchObject({ model: 'opus', breaker_state: 'closed', cooldown_reason: 'shorter' });
      expect(Date.parse(gate.cooldown_until!)).toBe(later.getTime());
      expect((await h.store.listModelGates()).map((g) => g.model)).toEqual(['opus']);
    });

    it('opens the breaker at the threshold, gives its one probe to one worker, and closes on success', async () => {
      const first = await h.store.recordModelFailure('sonnet', BREAKER, 'overloaded (529)');
      expect(first).toMatchObject({ breaker_state: 'closed', consecutive_failures: 1 });
      const open = await h.store.recordModelFailure('sonnet', { ...BREAKER, cool_ms: 0 }, 'overloaded again');
      expect(open).toMatchObject({ consecutive_failures: 2, last_failure: 'overloaded again' });
      expect(open.breaker_state).not.toBe('closed');
      // Cool period over: exactly one worker gets the probe until it releases it.
      expect(await h.store.acquireProbe('sonnet', 'w1', 60_000)).toBe(true);
      expect(await h.store.acquireProbe('sonnet', 'w2', 60_000)).toBe(false);
      await h.store.releaseProbe('sonnet', 'w2');
      expect(await h.store.acquireProbe('sonnet', 'w2', 60_000)).toBe(false);
      await h.store.releaseProbe('sonnet', 'w1');
      expect(await h.store.acquireProbe('sonnet', 'w2', 60_000)).toBe(true);
      const closed = await h.store.recordModelSuccess('sonnet');
      expect(closed).toMatchObject({
        breaker_state: 'closed',
        consecutive_failures: 0,
        probe_worker_id: null,
      });
      expect(await h.store.recordModelSuccess('never-seen')).toBeNull();
      expect(await h.store.acquireProbe('sonnet', 'w1', 60_000)).toBe(false);
    });

    it('counts ended attempts by hour, model and failure code', async () => {
      const since = new Date(Date.now() - 1000);
      const ok = await startTask(h.store, { model: 'haiku' });
      await h.store.finishAttempts([finishOf(ok, 'w1', { kind: 'completed' })]);
      const bad = await startTask(h.store, { model: 'haiku' });
      await h.store.finishAttempts([finishOf(bad, 'w1', { kind: 'failed', failure: failure('auth') })]);
      const rows = await h.store.attemptStats(since);
      expect(rows.map((r) => [r.model, r.code, r.count])).toEqual([
        ['haiku', 'auth', 1],
        ['haiku', 'completed', 1],
      ]);
      expect(rows[0]!.hour).toMatch(/^\d{4}-\d\d-\d\dT\d\d:00:00Z$/);
      expect(await h.store.attemptStats(new Date(Date.now() + 60_000))).toEqual([]);
    });
  });

  describe('staged groups', () => {
    it('stages in order per group, refuses a second identifier and a second submit', async () => {
      await h.store.stageTask('release', 'build', { identifier: 'build' }, CLI);
      const staged = await h.store.stageTask(
        'release',
        'test',
        { identifier: 'test', depends_on: ['build'] },
        CLI,
      );
      expect(staged.map((t) => [t.identifier, t.orchestration_id])).toEqual([
        ['build', null],
        ['test', null],
      ]);
      await expect(h.store.stageTask('release', 'build', { identifier: 'build' }, CLI)).rejects.toMatchObject(
        {
          code: 'conflict',
        },
      );
      expect(await h.store.listStagedTasks('other')).toEqual([]);
      const marked = await h.store.markGroupSubmitted('release', 7, CLI);
      expect(marked.map((t) => t.orchestration_id)).toEqual([7, 7]);
      await expect(h.store.markGroupSubmitted('release', 8, CLI)).rejects.toMatchObject({
        code: 'conflict',
        data: { orchestration_id: 7 },
      });
      await expect(h.store.stageTask('release', 'late', {}, CLI)).rejects.toMatchObject({ code: 'conflict' });
      await expect(h.store.markGroupSubmitted('empty', 1, CLI)).rejects.toMatchObject({ code: 'not_found' });
    });
  });

  describe('finishAndClaim', () => {
    it('finishes and claims the freed slot in one transaction (one listener call)', async () => {
      const running = await startTask(h.store);
      const next = await h.store.createTask(newTask(), CLI);
      const calls: string[][] = [];
      h.store.onEvents((events) => calls.push(events.map((e) => e.type)));
      const { finished, claimed } = await h.store.finishAndClaim(
        [finishOf(running, 'w1', { kind: 'completed' })],
        { worker_id: 'w1', limit: 1, lease_ms: LONG_LEASE_MS },
      );
      expect(finished.map((t) => [t.id, t.status])).toEqual([[running.task.id, 'completed']]);
      expect(claimed.map((c) => c.task.id)).toEqual([next.id]);
      expect(calls).toEqual([['task_completed', 'task_claimed']]);
      expect(await h.store.finishAndClaim([], null)).toEqual({ finished: [], claimed: [] });
    });

    it('claims the freed slots whole: a resumed session, the task as stored, its attempt started', async () => {
      const running = await startTask(h.store, {}, 'w0');
      const resumable = await startTask(h.store, { execution_prompt: 'resume me' }, 'w1');
      await h.store.finishAttempts([
        finishOf(
          resumable,
          'w1',
          { kind: 'requeued', failure: failure('interrupted'), run_after: new Date(Date.now() - 1) },
          { session_id: 'sess-9' },
        ),
      ]);
      const { finished, claimed } = await h.store.finishAndClaim(
        [finishOf(running, 'w0', { kind: 'completed' })],
        { worker_id: 'w0', limit: 1, lease_ms: LONG_LEASE_MS },
      );
      expect(finished.map((t) => [t.id, t.status])).toEqual([[running.task.id, 'completed']]);
      expect(claimed).toHaveLength(1);
      expect(claimed[0]).toMatchObject({
        attempt: 2,
        resume_session_id: 'sess-9',
        task: { id: resumable.task.id, status: 'running', worker_id: 'w0', execution_prompt: 'resume me' },
      });
      expect(claimed[0]!.task).toEqual(await h.store.getTask(resumable.task.id));
      expect(
        (await h.store.listAttempts(resumable.task.id)).map((a) => [
          a.number,
          a.status,
          a.resumed_session_id,
        ]),
      ).toEqual([
        [1, 'interrupted', null],
        [2, 'running', 'sess-9'],
      ]);
    });

    it('keeps an orchestration under its max_parallel when a finish batch claims', async () => {
      const running = await startTask(h.store);
      const capped = await h.store.createOrchestration(
        { name: 'capped', max_parallel: 1, budget_usd: null },
        [node('a'), node('b')],
        CLI,
      );
      const { claimed } = await h.store.finishAndClaim([finishOf(running, 'w1', { kind: 'completed' })], {
        worker_id: 'w1',
        limit: 2,
        lease_ms: LONG_LEASE_MS,
      });
      expect(claimed.map((c) => c.task.orchestration_id)).toEqual([capped.id]);
      expect(await h.store.claimTasks({ worker_id: 'w2', limit: 5, lease_ms: LONG_LEASE_MS })).toEqual([]);
    });
  });
}
