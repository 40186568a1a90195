/**
 * Contract: ending attempts — each outcome, fencing of stale finishes, batches, cost accumulation, resuming.
 */
import { describe, expect, it } from 'vitest';
import type { Usage } from '../../../src/domain/vocabulary.js';
import {
  CLI,
  claimOne,
  eventTypes,
  failure,
  finishOf,
  ms,
  newTask,
  RECOVERY,
  sleep,
  startTask,
  type StoreHandle,
} from './helpers.js';

export function describeFinishes(h: StoreHandle): void {
  describe('finishAttempts', () => {
    it('completes a task with its result, cost, usage, turns and session, and closes the attempt', async () => {
      const claimed = await startTask(h.store);
      const usage: Usage = { input_tokens: 1200, output_tokens: 300 };
      const [task] = await h.store.finishAttempts([
        finishOf(
          claimed,
          'w1',
          { kind: 'completed' },
          {
            result: 'Added zod validation.',
            session_id: 'sess-9',
            num_turns: 4,
            cost_usd: 0.0123,
            usage,
            duration_ms: 2500,
          },
        ),
      ]);

      expect(task).toMatchObject({
        id: claimed.task.id,
        status: 'completed',
        result: 'Added zod validation.',
        session_id: 'sess-9',
        num_turns: 4,
        cost_usd: 0.0123,
        usage,
        error: null,
        worker_id: null,
        lease_expires_at: null,
      });
      expect(ms(task!.finished_at)).toBeGreaterThanOrEqual(ms(claimed.task.started_at));
      expect(await h.store.getTask(claimed.task.id)).toEqual(task);
      expect(await h.store.listAttempts(claimed.task.id)).toEqual([
        expect.objectContaining({
          number: 1,
          status: 'succeeded',
          duration_ms: 2500,
          session_id: 'sess-9',
          num_turns: 4,
          cost_usd: 0.0123,
          error: null,
        }),
      ]);
      const events = await h.store.listEvents({ task_id: claimed.task.id, limit: 10 });
      expect(events.at(-1)).toMatchObject({
        type: 'task_completed',
        from_status: 'running',
        to_status: 'completed',
        actor: 'worker:w1',
        data: { attempt: 1, cost_usd: 0.0123, num_turns: 4 },
      });
    });

    it('fails a task with its classified error, on the task, the attempt and the event', async () => {
      const claimed = await startTask(h.store);
      const auth = failure('auth', 'Not logged in · Please run /login');
      const [task] = await h.store.finishAttempts([
        finishOf(claimed, 'w1', { kind: 'failed', failure: auth }),
      ]);

      expect(task).toMatchObject({ status: 'failed', error: auth });
      expect(task!.finished_at).not.toBeNull();
      const [attempt] = await h.store.listAttempts(claimed.task.id);
      expect(attempt).toMatchObject({ status: 'failed', error: auth });
      const events = await h.store.listEvents({ task_id: claimed.task.id, limit: 10 });
      expect(events.at(-1)).toMatchObject({
        type: 'task_failed',
        to_status: 'failed',
        data: { attempt: 1, code: 'auth', message: auth.message, suggestion: auth.suggestion },
      });
    });

    it('cancels a task when the attempt ended cancelled', async () => {
      const claimed = await startTask(h.store);
      const cancelled = failure('cancelled', 'Cancelled on request.');
      const [task] = await h.store.finishAttempts([
        finishOf(claimed, 'w1', { kind: 'cancelled', failure: cancelled }),
      ]);
      expect(task).toMatchObject({ status: 'cancelled', error: cancelled });
      expect((await h.store.listAttempts(claimed.task.id))[0]!.status).toBe('cancelled');
      expect(await eventTypes(h.store, claimed.task.id)).toEqual([
        'task_created',
        'task_claimed',
        'task_cancelled',
      ]);
    });

    it('requeues an interrupted attempt, and the next attempt resumes its session', async () => {
      const claimed = await startTask(h.store);
      const runAfter = new Date(Date.now() - 1);
      const [task] = await h.store.finishAttempts([
        finishOf(
          claimed,
          'w1',
          { kind: 'requeued', failure: failure('interrupted', 'Server shutting down'), run_after: runAfter },
          { session_id: 'sess-1' },
        ),
      ]);
      expect(task).toMatchObject({
        status: 'queued',
        finished_at: null,
        worker_id: null,
        error: { code: 'interrupted' },
      });
      expect(ms(task!.run_after)).toBe(runAfter.getTime());
      expect((await h.store.listAttempts(claimed.task.id))[0]).toMatchObject({
        status: 'interrupted',
        session_id: 'sess-1',
      });
      const events = await h.store.listEvents({ task_id: claimed.task.id, limit: 10 });
      expect(events.at(-1)).toMatchObject({
        type: 'task_requeued',
        from_status: 'running',
        to_status: 'queued',
        data: { attempt: 1, code: 'interrupted', run_after: runAfter.toISOString() },
      });

      const again = await claimOne(h.store, 'w2');
      expect(again.attempt).toBe(2);
      expect(again.resume_session_id).toBe('sess-1');
      expect(again.task).toMatchObject({ attempt_count: 2, error: null, worker_id: 'w2' });
      const attempts = await h.store.listAttempts(claimed.task.id);
      expect(attempts.map((a) => [a.number, a.status, a.resumed_session_id])).toEqual([
        [1, 'interrupted', null],
        [2, 'running', 'sess-1'],
      ]);
    });

    it('records a retryable failure as a failed attempt and starts the next one fresh', async () => {
      const claimed = await startTask(h.store);
      await h.store.finishAttempts([
        finishOf(
          claimed,
          'w1',
          { kind: 'requeued', failure: failure('overloaded'), run_after: new Date() },
          { session_id: 'sess-1' },
        ),
      ]);
      expect((await h.store.listAttempts(claimed.task.id))[0]!.status).toBe('failed');
      const again = await claimOne(h.store);
      expect(again.resume_session_id).toBeNull();
    });

    it('adds up the cost of every attempt; turns and usage are the last attempt’s', async () => {
      const first = await startTask(h.store);
      await h.store.finishAttempts([
        finishOf(
          first,
          'w1',
          { kind: 'requeued', failure: failure('overloaded'), run_after: new Date() },
          {
            cost_usd: 0.5,
            num_turns: 7,
            usage: { output_tokens: 70 },
          },
        ),
      ]);
      expect((await h.store.getTask(first.task.id))!.cost_usd).toBe(0.5);

      const second = await claimOne(h.store);
      await h.store.recordProgress(first.task.id, 2, { last_action: '[text] working', cost_usd: 0.1 });
      expect((await h.store.getTask(first.task.id))!.cost_usd).toBeCloseTo(0.6, 10);

      const [task] = await h.store.finishAttempts([
        finishOf(
          second,
          'w1',
          { kind: 'completed' },
          { cost_usd: 0.25, num_turns: 2, usage: { output_tokens: 20 } },
        ),
      ]);
      expect(task!.cost_usd).toBeCloseTo(0.75, 10);
      expect(task!.num_turns).toBe(2);
      expect(task!.usage).toEqual({ output_tokens: 20 });
      expect((await h.store.listAttempts(first.task.id)).map((a) => a.cost_usd)).toEqual([0.5, 0.25]);
    });

    it('ignores a stale finish (other worker, old attempt, task no longer running) and changes nothing', async () => {
      const claimed = await startTask(h.store);
      const before = await h.store.getTask(claimed.task.id);
      const eventsBefore = await eventTypes(h.store, claimed.task.id);

      expect(await h.store.finishAttempts([finishOf(claimed, 'intruder', { kind: 'completed' })])).toEqual(
        [],
      );
      expect(
        await h.store.finishAttempts([{ ...finishOf(claimed, 'w1', { kind: 'completed' }), attempt: 2 }]),
      ).toEqual([]);
      expect(await h.store.getTask(claimed.task.id)).toEqual(before);

      await h.store.finishAttempts([finishOf(claimed, 'w1', { kind: 'completed' }, { result: 'first' })]);
      const late = await h.store.finishAttempts([
        finishOf(
          claimed,
          'w1',
          { kind: 'failed', failure: failure('execution_error') },
          { result: 'second' },
        ),
      ]);
      expect(late).toEqual([]);
      const after = (await h.store.getTask(claimed.task.id))!;
      expect(after).toMatchObject({ status: 'completed', result: 'first', error: null });
      expect(await eventTypes(h.store, claimed.task.id)).toEqual([...eventsBefore, 'task_completed']);
      expect((await h.store.listAttempts(claimed.task.id))[0]!.status).toBe('succeeded');
    });

    it('ends a batch of attempts at once, omitting fenced-out ones, in the order given', async () => {
      for (let i = 0; i < 3; i++) await h.store.createTask(newTask(), CLI);
      const [a, b, c] = await h.store.claimTasks({ worker_id: 'w1', limit: 3, lease_ms: 60_000 });
      const tasks = await h.store.finishAttempts([
        finishOf(c!, 'w1', { kind: 'completed' }),
        finishOf(a!, 'someone-else', { kind: 'completed' }),
        finishOf(b!, 'w1', { kind: 'failed', failure: failure('max_turns') }),
      ]);
      expect(tasks.map((t) => [t.id, t.status])).toEqual([
        [c!.task.id, 'completed'],
        [b!.task.id, 'failed'],
      ]);
      expect((await h.store.getTask(a!.task.id))!.status).toBe('running');
      expect(await h.store.finishAttempts([])).toEqual([]);
    });

    it('keeps the order given when a batch mixes endings that need a lock and endings that do not', async () => {
      for (let i = 0; i < 3; i++) await h.store.createTask(newTask(), CLI);
      const [a, b, c] = await h.store.claimTasks({ worker_id: 'w1', limit: 3, lease_ms: 60_000 });
      const tasks = await h.store.finishAttempts([
        finishOf(a!, 'w1', { kind: 'requeued', failure: failure('rate_limit'), run_after: new Date() }),
        finishOf(b!, 'w1', { kind: 'completed' }, { orchestration_id: undefined }),
        finishOf(c!, 'w1', { kind: 'completed' }),
      ]);
      expect(tasks.map((t) => [t.id, t.status])).toEqual([
        [a!.task.id, 'queued'],
        [b!.task.id, 'completed'],
        [c!.task.id, 'completed'],
      ]);
    });

    it('changes nothing of the new owner when a finish arrives after its task was recovered and claimed again', async () => {
      const first = await startTask(h.store, {}, 'w1', 1);
      await sleep(10);
      expect(await h.store.recoverTasks({ expired_leases: true, actor: RECOVERY })).toHaveLength(1);
      const second = await claimOne(h.store, 'w2');
      const attemptsBefore = await h.store.listAttempts(first.task.id);
      // The first worker's late finish, with the engine's hint that the task is standalone.
      expect(
        await h.store.finishAttempts([finishOf(first, 'w1', { kind: 'completed' }, { result: 'late' })]),
      ).toEqual([]);
      expect(await h.store.getTask(first.task.id)).toMatchObject({
        status: 'running',
        worker_id: 'w2',
        attempt_count: second.attempt,
        result: null,
      });
      expect(await h.store.listAttempts(first.task.id)).toEqual(attemptsBefore);
      expect(await eventTypes(h.store, first.task.id)).not.toContain('task_completed');
    });

    it('writes nothing of a batch when one finish in it cannot be stored', async () => {
      for (let i = 0; i < 2; i++) await h.store.createTask(newTask(), CLI);
      const [a, b] = await h.store.claimTasks({ worker_id: 'w1', limit: 2, lease_ms: 60_000 });
      const seen: string[] = [];
      const off = h.store.onEvents((events) => seen.push(...events.map((e) => e.type)));
      const unstorable = { tokens: BigInt(1) } as unknown as Usage;

      await expect(
        h.store.finishAttempts([
          finishOf(a!, 'w1', { kind: 'completed' }),
          finishOf(b!, 'w1', { kind: 'completed' }, { usage: unstorable }),
        ]),
      ).rejects.toThrow();
      off();
      expect(seen).toEqual([]);
      expect((await h.store.getTask(a!.task.id))!.status).toBe('running');
      expect((await h.store.listAttempts(a!.task.id))[0]!.status).toBe('running');
      expect(await eventTypes(h.store, a!.task.id)).toEqual(['task_created', 'task_claimed']);
    });
  });
}
