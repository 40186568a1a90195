/**
 * Contract: task output stored in chunks — appended in order across batches, kept apart per task and stream, read
 * whole, as a tail of at least the asked bytes, or after a chunk (following) — and removed with its task by prune.
 */
import { describe, expect, it } from 'vitest';
import { CLI, finishOf, startTask, type StoreHandle } from './helpers.js';
import { COMPLETED } from './orchestrations-helpers.js';

export function describeOutput(h: StoreHandle): void {
  describe('appendOutput and readOutput', () => {
    it('keeps each task and stream apart, in order across batches', async () => {
      const a = await startTask(h.store);
      const b = await startTask(h.store);
      await h.store.appendOutput([
        { task_id: a.task.id, stream: 'log', text: 'a1\n' },
        { task_id: b.task.id, stream: 'log', text: 'b1\n' },
        { task_id: a.task.id, stream: 'transcript', text: '{"n":1}\n' },
        { task_id: a.task.id, stream: 'log', text: 'a2\n' },
      ]);
      await h.store.appendOutput([{ task_id: a.task.id, stream: 'log', text: 'a3\n' }]);

      const log = await h.store.readOutput({ task_id: a.task.id, stream: 'log' });
      expect(log).toMatchObject({ text: 'a1\na2\na3\n', chunks: 3 });
      expect(await h.store.readOutput({ task_id: a.task.id, stream: 'transcript' })).toMatchObject({
        text: '{"n":1}\n',
        chunks: 1,
      });
      expect((await h.store.readOutput({ task_id: b.task.id, stream: 'log' })).text).toBe('b1\n');
      expect(await h.store.readOutput({ task_id: b.task.id, stream: 'transcript' })).toEqual({
        text: '',
        chunks: 0,
        last_id: null,
      });
    });

    it('reads what came after a chunk (following) and a tail of the last chunks', async () => {
      const a = await startTask(h.store);
      await h.store.appendOutput([{ task_id: a.task.id, stream: 'log', text: 'one\n' }]);
      const first = await h.store.readOutput({ task_id: a.task.id, stream: 'log' });
      await h.store.appendOutput([{ task_id: a.task.id, stream: 'log', text: 'two\n' }]);
      await h.store.appendOutput([{ task_id: a.task.id, stream: 'log', text: 'three\n' }]);

      const next = await h.store.readOutput({ task_id: a.task.id, stream: 'log', after_id: first.last_id! });
      expect(next).toMatchObject({ text: 'two\nthree\n', chunks: 2 });
      const none = await h.store.readOutput({ task_id: a.task.id, stream: 'log', after_id: next.last_id! });
      expect(none).toEqual({ text: '', chunks: 0, last_id: next.last_id });

      expect((await h.store.readOutput({ task_id: a.task.id, stream: 'log', tail_bytes: 6 })).text).toBe(
        'three\n',
      );
      expect((await h.store.readOutput({ task_id: a.task.id, stream: 'log', tail_bytes: 7 })).text).toBe(
        'two\nthree\n',
      );
    });

    it('is deleted with its task by prune', async () => {
      const a = await startTask(h.store);
      await h.store.appendOutput([{ task_id: a.task.id, stream: 'log', text: 'bye\n' }]);
      await h.store.finishAttempts([finishOf(a, 'w1', COMPLETED)]);
      await h.store.prune({ finished_before: new Date(Date.now() + 60_000), dry_run: false, actor: CLI });
      expect((await h.store.readOutput({ task_id: a.task.id, stream: 'log' })).chunks).toBe(0);
    });
  });
}
