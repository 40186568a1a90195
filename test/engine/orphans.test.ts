/**
 * Before a task runs again on this host (here: after its lease expired, so start-up recovery is not involved), the
 * process of its earlier attempt that outlived its worker is stopped with its whole group, and recorded; a pid whose
 * start time does not match (reused by another process) and a child on another host are never touched.
 */
import { spawn } from 'node:child_process';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AttemptChild } from '../../src/domain/vocabulary.js';
import { orphanVerdict } from '../../src/engine/orphans.js';
import { isAlive } from '../../src/platform/process-alive.js';
import { processStartToken } from '../../src/platform/process-identity.js';
import { openTestApp, readStarts, waitFor, waitForStatus, type TestApp } from '../helpers/harness.js';

let harness: TestApp | null = null;
const ours: number[] = [];
afterEach(async () => {
  // Our stand-in orphans lead their own groups: kill each group (the `sleep` too), by its id.
  for (const pgid of ours.splice(0)) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  await harness?.close();
  harness = null;
});

/** A stand-in for an orphaned Claude Code: a detached `sh` (group leader) running a `sleep` grandchild. */
function startOrphan(): { leader: number; child: AttemptChild } {
  const orphan = spawn('/bin/sh', ['-c', 'sleep 300 & wait'], { detached: true, stdio: 'ignore' });
  orphan.unref();
  const leader = orphan.pid!;
  ours.push(leader);
  return { leader, child: { pid: leader, start: processStartToken(leader)!, host: hostname() } };
}

/** Tasks whose first attempts ran under a worker that vanished, each with its child recorded; their leases expired. */
async function tasksLeftBy(h: TestApp, children: AttemptChild[]): Promise<number[]> {
  const record = join(h.workdir, 'starts.jsonl');
  const ids: number[] = [];
  for (const _ of children) {
    const task = await h.app.tasks.createTask(
      { execution_prompt: 'Refactor', working_directory: h.workdir, env: { FAKE_CLAUDE_RECORD: record } },
      { actor: 't' },
    );
    ids.push(task.id);
  }
  const claimed = await h.app.store.claimTasks({
    worker_id: 'other-host/1/abc',
    limit: ids.length,
    lease_ms: 50,
  });
  expect(claimed.map((c) => c.task.id).sort()).toEqual([...ids].sort());
  for (const [i, id] of ids.entries()) await h.app.store.recordChild(id, 1, children[i]!);
  await new Promise((resolve) => setTimeout(resolve, 100));
  const recovered = await h.app.store.recoverTasks({ expired_leases: true, actor: { actor: 'recovery' } });
  expect(recovered).toHaveLength(ids.length);
  return ids;
}

describe('stopping an orphan before the task runs again', () => {
  it('stops the live child of the earlier attempt and its group, then runs the task once', async () => {
    harness = await openTestApp({}, { start: false });
    const { leader, child } = startOrphan();
    const [id] = await tasksLeftBy(harness, [child]);
    await harness.app.start();

    const done = await waitForStatus(harness.app, id!, ['completed', 'failed']);
    expect(done.status).toBe('completed');
    expect(await waitFor(() => !isAlive(leader), 'the orphan to be gone', 5000)).toBe(true);
    const events = await harness.app.store.listEvents({ task_id: id!, limit: 50 });
    const stopped = events.find((e) => e.type === 'orphan_stopped');
    expect(stopped).toMatchObject({ actor: 'recovery', data: { attempt: 1, pid: leader, host: hostname() } });
    const starts = readStarts(join(harness.workdir, 'starts.jsonl'));
    expect(starts).toHaveLength(1);
    expect(starts[0]!.started_at_ms).toBeGreaterThanOrEqual(Date.parse(stopped!.created_at));
    const [first] = await harness.app.store.listAttempts(id!);
    expect(first!.orphan_stopped_at).not.toBeNull();
  });

  it('never touches a pid whose start time does not match (reused), nor a child on another host', async () => {
    harness = await openTestApp({}, { start: false });
    const reused = startOrphan();
    const remote = startOrphan();
    const ids = await tasksLeftBy(harness, [
      { ...reused.child, start: 'linux:1' },
      { ...remote.child, host: 'another-machine' },
    ]);
    await harness.app.start();

    for (const id of ids)
      expect((await waitForStatus(harness.app, id, ['completed', 'failed'])).status).toBe('completed');
    expect(isAlive(reused.leader)).toBe(true);
    expect(isAlive(remote.leader)).toBe(true);
    const events = await harness.app.store.listEvents({ limit: 200 });
    expect(events.filter((e) => e.type === 'orphan_stopped')).toEqual([]);
  });
});

describe('orphanVerdict', () => {
  const here = {
    host: 'me',
    alive: (pid: number) => pid !== 9,
    startOf: (pid: number) => `linux:${pid * 10}`,
  };
  const attempt = { child_pid: 7, child_start: 'linux:70', child_host: 'me', orphan_stopped_at: null };
  it.each([
    ['a live child of this host with its start time', 'stop', attempt],
    ['no child recorded', 'none', { ...attempt, child_pid: null }],
    ['a child already stopped', 'none', { ...attempt, orphan_stopped_at: '2026-01-01T00:00:00.000Z' }],
    ['a child of another host', 'elsewhere', { ...attempt, child_host: 'other' }],
    ['a child that ended', 'gone', { ...attempt, child_pid: 9 }],
    ['a pid reused by another process', 'pid_reused', { ...attempt, child_start: 'linux:71' }],
    ['an unknown start time', 'pid_reused', { ...attempt, child_start: null }],
  ] as const)('%s → %s', (_name, verdict, value) => {
    expect(orphanVerdict(value, here)).toBe(verdict);
  });
});
