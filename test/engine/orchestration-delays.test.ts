/**
 * Orchestration timing through the engine, the real SDK and the stand-in: a dependent starts no earlier than its
 * `initial_delay` after its dependency finished (measured, with a short delay), independent tasks run in parallel,
 * and `max_parallel` caps how many of its tasks run at once.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openTestApp, readStarts, waitFor, type TestApp } from '../helpers/harness.js';

let harness: TestApp | null = null;
afterEach(async () => {
  await harness?.close();
  harness = null;
});

describe('orchestration timing', () => {
  it('starts a dependent after its initial delay, counted from when its dependency finished', async () => {
    harness = await openTestApp();
    const { app, workdir } = harness;
    const record = join(workdir, 'starts.jsonl');
    const created = await app.orchestrations.create(
      {
        defaults: { working_directory: workdir, env: { FAKE_CLAUDE_RECORD: record } },
        tasks: [
          { identifier: 'a', execution_prompt: 'step a' },
          { identifier: 'b', execution_prompt: 'step b', depends_on: ['a'], initial_delay: 0.8 },
        ],
      },
      { actor: 'test' },
    );
    const done = await waitFor(async () => {
      const detail = await app.orchestrations.get(created.id);
      return detail.status === 'completed' ? detail : undefined;
    }, 'the orchestration to complete');
    const a = done.tasks.find((t) => t.identifier === 'a')!;
    const bStart = readStarts(record).find((s) => s.prompt.includes('step b'))!.started_at_ms;
    expect(bStart - Date.parse(a.finished_at!)).toBeGreaterThanOrEqual(800);
  });

  it('runs independent tasks in parallel, but never more than max_parallel of them', async () => {
    harness = await openTestApp({ concurrency: 4 });
    const { app, workdir } = harness;
    const record = join(workdir, 'starts.jsonl');
    const slow = '[fake:slow steps=4 delay_ms=150]';
    const created = await app.orchestrations.create(
      {
        max_parallel: 2,
        defaults: { working_directory: workdir, env: { FAKE_CLAUDE_RECORD: record } },
        tasks: ['p1', 'p2', 'p3', 'p4'].map((id) => ({ identifier: id, execution_prompt: `${slow} ${id}` })),
      },
      { actor: 'test' },
    );
    let peak = 0;
    const off = app.bus.subscribe(() => (peak = Math.max(peak, app.engine!.stats().running)));
    await waitFor(
      async () => (await app.orchestrations.get(created.id)).status === 'completed',
      'completion',
      20_000,
    );
    off();
    expect(peak).toBe(2);
    expect(readStarts(record)).toHaveLength(4);
  });
});
