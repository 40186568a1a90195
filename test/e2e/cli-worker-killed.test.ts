/**
 * A worker that dies under a task does not use up the task's attempts (issue 9, item 15): `kill -9` of the server
 * twice while a task with max_attempts 1 runs, and the task still completes on its third start; `status` says the
 * two interrupted attempts were not counted.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { isAlive } from '../../src/platform/process-alive.js';
import { CliHarness } from './cli-harness.js';

const harnesses: CliHarness[] = [];
afterEach(async () => {
  await Promise.all(harnesses.splice(0).map((cli) => cli.cleanup()));
});

async function killServer(cli: CliHarness): Promise<void> {
  const server = cli.serverInfo();
  if (!server) throw new Error('no server.json');
  process.kill(server.pid, 'SIGKILL');
  const deadline = Date.now() + 10_000;
  while (isAlive(server.pid) && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 100));
}

describe('a task whose server is killed under it', () => {
  it('keeps its attempts: two kill -9 and a task with max_attempts 1 still completes', async () => {
    const cli = new CliHarness('worker-killed');
    harnesses.push(cli);
    const created = JSON.parse(
      await cli.ok(['run', '[fake:slow steps=40 delay_ms=250] Long job', '--max-attempts', '1', '--json']),
    ) as { id: number };
    const id = created.id;

    for (let kill = 1; kill <= 2; kill += 1) {
      await cli.waitFor(
        id,
        (t) => t.status === 'running' && t.attempt_count === kill && t.last_action !== null,
        30_000,
      );
      await killServer(cli);
      expect((await cli.run(['server', 'start'])).code).toBe(0);
    }

    const done = await cli.waitFor(id, (t) => t.status !== 'running' && t.status !== 'queued', 60_000);
    expect(done).toMatchObject({
      status: 'completed',
      attempt_count: 3,
      uncounted_attempts: 2,
      max_attempts: 1,
    });
    expect(done.attempts.map((a) => [a.status, a.counted])).toEqual([
      ['interrupted', false],
      ['interrupted', false],
      ['succeeded', true],
    ]);
    const text = await cli.ok(['status', String(id)]);
    expect(text).toMatch(/attempts\s+1 of 1 \(2 interrupted by a stopped worker, not counted\)/);
  }, 150_000);
});
