/**
 * Contract: creating, reading and listing tasks (filters, newest first, cursor paging), counts per status.
 */
import { describe, expect, it } from 'vitest';
import { TASK_STATUSES } from '../../../src/domain/vocabulary.js';
import { CLI, finishOf, ms, newTask, startTask, type StoreHandle } from './helpers.js';

export function describeCreateAndList(h: StoreHandle): void {
  describe('createTask and getTask', () => {
    it('stores every option, queues the task at once and names its log files with the new id', async () => {
      const before = Date.now();
      const input = newTask({
        execution_prompt: 'Review these changes',
        model: 'claude-opus-4-1',
        system_prompt: 'Be terse.',
        permission_mode: 'acceptEdits',
        allowed_tools: ['Read', 'Bash'],
        disallowed_tools: ['WebFetch'],
        max_turns: 12,
        max_budget_usd: 2.5,
        env: { FOO: 'bar' },
        timeout_seconds: 600,
        priority: 7,
        tags: ['review', 'ci'],
        max_attempts: 4,
      });
      const task = await h.store.createTask(input, CLI);

      expect(task.id).toBeGreaterThan(0);
      expect(task).toMatchObject({
        status: 'queued',
        execution_prompt: 'Review these changes',
        model: 'claude-opus-4-1',
        system_prompt: 'Be terse.',
        permission_mode: 'acceptEdits',
        allowed_tools: ['Read', 'Bash'],
        disallowed_tools: ['WebFetch'],
        max_turns: 12,
        max_budget_usd: 2.5,
        env: { FOO: 'bar' },
        timeout_seconds: 600,
        priority: 7,
        tags: ['review', 'ci'],
        max_attempts: 4,
        orchestration_id: null,
        identifier: null,
        trigger_rule: 'all_success',
        initial_delay_seconds: 0,
        pending_dependencies: 0,
        attempt_count: 0,
        worker_id: null,
        lease_expires_at: null,
        cancel_requested: false,
        started_at: null,
        finished_at: null,
        last_action: null,
        num_turns: null,
        cost_usd: null,
        usage: null,
        session_id: null,
        result: null,
        error: null,
        status_reason: null,
        log_path: `/home/me/.claude-worker/logs/tasks/${task.id}-project-20260101T000000Z.log`,
        transcript_path: `/home/me/.claude-worker/logs/tasks/${task.id}-project-20260101T000000Z.jsonl`,
      });
      expect(ms(task.created_at)).toBeGreaterThanOrEqual(before);
      expect(ms(task.run_after)).toBe(ms(task.created_at));
      expect(await h.store.getTask(task.id)).toEqual(task);
    });

    it('gives each task its own increasing id and accepts tasks without log files', async () => {
      const a = await h.store.createTask(newTask({ log_path: null, transcript_path: null }), CLI);
      const b = await h.store.createTask(newTask(), CLI);
      expect(b.id).toBeGreaterThan(a.id);
      expect(a.log_path).toBeNull();
      expect(a.transcript_path).toBeNull();
    });

    it('returns undefined for an unknown id', async () => {
      expect(await h.store.getTask(424242)).toBeUndefined();
    });

    it('records who created the task in a task_created event', async () => {
      const task = await h.store.createTask(newTask(), CLI);
      const events = await h.store.listEvents({ task_id: task.id, limit: 10 });
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        type: 'task_created',
        task_id: task.id,
        from_status: null,
        to_status: 'queued',
        actor: 'cli',
        correlation_id: 'req-1',
      });
    });
  });

  describe('listTasks', () => {
    it('lists newest first and filters by status, by tag and by orchestration', async () => {
      const a = await h.store.createTask(newTask({ tags: ['backend'] }), CLI);
      const b = await h.store.createTask(newTask({ tags: ['frontend', 'backend'] }), CLI);
      const c = await h.store.createTask(newTask({ tags: [] }), CLI);
      const running = await startTask(h.store, { tags: ['frontend'], priority: 100 });

      const all = await h.store.listTasks({ limit: 50 });
      expect(all.tasks.map((t) => t.id)).toEqual([running.task.id, c.id, b.id, a.id]);
      expect(all.next_cursor).toBeNull();

      const queued = await h.store.listTasks({ status: ['queued'], limit: 50 });
      expect(queued.tasks.map((t) => t.id)).toEqual([c.id, b.id, a.id]);
      const either = await h.store.listTasks({ status: ['running', 'completed'], limit: 50 });
      expect(either.tasks.map((t) => t.id)).toEqual([running.task.id]);

      const backend = await h.store.listTasks({ tag: 'backend', limit: 50 });
      expect(backend.tasks.map((t) => t.id)).toEqual([b.id, a.id]);
      const frontendQueued = await h.store.listTasks({ tag: 'frontend', status: ['queued'], limit: 50 });
      expect(frontendQueued.tasks.map((t) => t.id)).toEqual([b.id]);
      expect((await h.store.listTasks({ tag: 'back', limit: 50 })).tasks).toEqual([]);

      expect((await h.store.listTasks({ orchestration_id: 1, limit: 50 })).tasks).toEqual([]);
    });

    it('pages with a cursor until next_cursor is null, without gaps or repeats', async () => {
      const ids: number[] = [];
      for (let i = 0; i < 7; i++) ids.push((await h.store.createTask(newTask(), CLI)).id);
      const newestFirst = [...ids].reverse();

      const seen: number[] = [];
      const cursors: (string | null)[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < 10; page++) {
        const result = await h.store.listTasks({ limit: 3, ...(cursor ? { cursor } : {}) });
        seen.push(...result.tasks.map((t) => t.id));
        cursors.push(result.next_cursor);
        if (result.next_cursor === null) break;
        cursor = result.next_cursor;
      }
      expect(seen).toEqual(newestFirst);
      expect(cursors).toEqual([String(newestFirst[2]), String(newestFirst[5]), null]);
    });

    it('ends on a full last page with next_cursor null', async () => {
      for (let i = 0; i < 4; i++) await h.store.createTask(newTask(), CLI);
      const first = await h.store.listTasks({ limit: 2 });
      expect(first.next_cursor).not.toBeNull();
      const second = await h.store.listTasks({ limit: 2, cursor: first.next_cursor! });
      expect(second.tasks).toHaveLength(2);
      expect(second.next_cursor).toBeNull();
    });
  });

  describe('countByStatus', () => {
    it('counts every status, with zero for statuses no task has', async () => {
      const empty = await h.store.countByStatus();
      expect(empty).toEqual(Object.fromEntries(TASK_STATUSES.map((s) => [s, 0])));

      await h.store.createTask(newTask(), CLI);
      const done = await startTask(h.store, { priority: 10 });
      await h.store.finishAttempts([finishOf(done, 'w1', { kind: 'completed' })]);
      await startTask(h.store, { priority: 10 });
      await h.store.createTask(newTask(), CLI);

      expect(await h.store.countByStatus()).toEqual({
        waiting: 0,
        queued: 2,
        running: 1,
        completed: 1,
        failed: 0,
        cancelled: 0,
        skipped: 0,
      });
    });
  });
}
