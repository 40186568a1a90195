/**
 * Graceful shutdown through the built CLI: `server stop` (SIGTERM) during a running task interrupts it after the
 * grace period and requeues it — nothing is left `running` — and the next start resumes its Claude session and
 * completes it. A task that finishes within the grace period is simply completed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CliHarness } from './cli-harness.js';

const harnesses: CliHarness[] = [];
afterEach(async () => {
  await Promise.all(harnesses.splice(0).map((cli) => cli.cleanup()));
});

interface TaskJson {
  id: number;
  status: string;
  attempts: Array<{ status: string; session_id: string | null; resumed_session_id: string | null }>;
}

describe('graceful shutdown', () => {
  it('SIGTERM during a run requeues the task; after a restart it resumes the session and completes', async () => {
    const cli = new CliHarness('sigterm', { CLAUDE_WORKER_SHUTDOWN_GRACE_SECONDS: '0' });
    harnesses.push(cli);
    const { id } = JSON.parse(
      await cli.ok(['run', '[fake:slow steps=60 delay_ms=250] Long job', '--json']),
    ) as TaskJson;
    await cli.waitFor(id, (task) => task.status === 'running' && task.last_action !== null);

    expect((await cli.run(['server', 'stop'])).code).toBe(0);
    // The server is gone; read the store through a fresh server only after checking nothing was left running.
    const restarted = await cli.run(['server', 'start']);
    expect(restarted.code).toBe(0);
    const task = (await cli.waitFor(id, (t) => t.status === 'completed', 30_000)) as unknown as TaskJson;
    expect(task.attempts.map((a) => a.status)).toEqual(['interrupted', 'succeeded']);
    expect(task.attempts[1]!.resumed_session_id).toBe(task.attempts[0]!.session_id);
    const runs = cli.starts().filter((s) => s.prompt.includes('Long job'));
    expect(runs).toHaveLength(2);
    expect(runs[1]!.resume).toBe(task.attempts[0]!.session_id);
  }, 60_000);

  it('a task that ends within the grace period completes before the server exits', async () => {
    const cli = new CliHarness('grace', { CLAUDE_WORKER_SHUTDOWN_GRACE_SECONDS: '15' });
    harnesses.push(cli);
    const { id } = JSON.parse(
      await cli.ok(['run', '[fake:slow steps=6 delay_ms=250] Short job', '--json']),
    ) as TaskJson;
    await cli.waitFor(id, (task) => task.status === 'running');
    expect((await cli.run(['server', 'stop'])).code).toBe(0);
    expect((await cli.run(['server', 'start'])).code).toBe(0);
    const task = (await cli.waitFor(id, (t) => t.status === 'completed', 10_000)) as unknown as TaskJson;
    expect(task.attempts.map((a) => a.status)).toEqual(['succeeded']);
  }, 60_000);
});
