/**
 * Staged groups in the SQLite store (real file): tasks staged in a group are kept in order and survive a reopen
 * (a restart of the MCP process), an identifier is staged once per group, and a group is submitted once, with the
 * refusal naming the orchestration it became.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';

const actor = { actor: 'mcp' };

describe('staged groups in the SQLite store', () => {
  let dir: string;
  let store: SqliteStore;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cw-staging-'));
    store = new SqliteStore(join(dir, 'claude-worker.db'));
    await store.migrate();
  });

  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps staged tasks in order, per group, across a reopen', async () => {
    await store.stageTask('release', 'build', { identifier: 'build', execution_prompt: 'Build' }, actor);
    const staged = await store.stageTask(
      'release',
      'test',
      { identifier: 'test', depends_on: ['build'] },
      actor,
    );
    await store.stageTask('other', 'build', { identifier: 'build' }, actor);
    expect(staged.map((t) => t.identifier)).toEqual(['build', 'test']);
    await store.close();

    store = new SqliteStore(join(dir, 'claude-worker.db'));
    await store.migrate();
    const again = await store.listStagedTasks('release');
    expect(again.map((t) => [t.identifier, t.document, t.orchestration_id])).toEqual([
      ['build', { identifier: 'build', execution_prompt: 'Build' }, null],
      ['test', { identifier: 'test', depends_on: ['build'] }, null],
    ]);
    expect(await store.listStagedTasks('nothing-here')).toEqual([]);
  });

  it('refuses an identifier staged twice in one group, naming what is staged', async () => {
    await store.stageTask('g', 'a', { identifier: 'a' }, actor);
    await expect(
      store.stageTask('g', 'a', { identifier: 'a', execution_prompt: 'again' }, actor),
    ).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringContaining('A task "a" is already staged in group "g"'),
    });
    expect((await store.listStagedTasks('g')).map((t) => t.document)).toEqual([{ identifier: 'a' }]);
  });

  it('submits a group once; staging into or submitting it again is refused with its orchestration id', async () => {
    await store.stageTask('g', 'a', { identifier: 'a' }, actor);
    const marked = await store.markGroupSubmitted('g', 42, actor);
    expect(marked[0]).toMatchObject({ orchestration_id: 42, submitted_at: expect.any(String) });
    await expect(store.markGroupSubmitted('g', 43, actor)).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringContaining('already submitted as orchestration 42'),
    });
    await expect(store.stageTask('g', 'b', { identifier: 'b' }, actor)).rejects.toMatchObject({
      code: 'conflict',
      data: { orchestration_id: 42 },
    });
    await expect(store.markGroupSubmitted('empty', 1, actor)).rejects.toMatchObject({ code: 'not_found' });
  });
});
