/**
 * Nothing of an orchestration waits in memory: `kill -9` of the server while one of its tasks runs, then a new
 * start, and the graph carries on where it was — the interrupted task runs again (resuming its session) and its
 * dependents run after it, in order.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { OrchestrationDetail } from '../../src/domain/vocabulary.js';
import { isAlive } from '../../src/platform/process-alive.js';
import { CliHarness } from './cli-harness.js';

const harnesses: CliHarness[] = [];
afterEach(async () => {
  await Promise.all(harnesses.splice(0).map((cli) => cli.cleanup()));
});

async function status(cli: CliHarness, id: number): Promise<OrchestrationDetail> {
  return JSON.parse(await cli.ok(['orchestration-status', String(id), '--json'])) as OrchestrationDetail;
}

async function until(
  cli: CliHarness,
  id: number,
  done: (o: OrchestrationDetail) => boolean,
  timeoutMs: number,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const detail = await status(cli, id);
    if (done(detail)) return detail;
    if (Date.now() > deadline)
      throw new Error(`orchestration ${id} did not get there: ${JSON.stringify(detail.counts)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('an orchestration survives kill -9 of the server', () => {
  it('carries on after a restart: the interrupted task reruns, its dependents follow in order', async () => {
    const cli = new CliHarness('orch-crash');
    harnesses.push(cli);
    const file = join(cli.work, 'chain.json');
    writeFileSync(
      file,
      JSON.stringify({
        name: 'crash-chain',
        defaults: { working_directory: '.', env: { FAKE_CLAUDE_RECORD: cli.record } },
        tasks: [
          { identifier: 'first', execution_prompt: 'First step' },
          {
            identifier: 'slow',
            execution_prompt: '[fake:slow steps=40 delay_ms=250] Slow step',
            depends_on: ['first'],
          },
          {
            identifier: 'last',
            execution_prompt: 'Last step after {{ tasks.slow.result }}',
            depends_on: ['slow'],
          },
        ],
      }),
    );
    const created = JSON.parse(await cli.ok(['orchestrate', file, '--json'])) as OrchestrationDetail;
    await until(
      cli,
      created.id,
      (o) => o.tasks.some((t) => t.identifier === 'slow' && t.status === 'running' && t.last_action !== null),
      20_000,
    );

    const server = cli.serverInfo();
    if (!server) throw new Error('no server.json');
    process.kill(server.pid, 'SIGKILL');
    const deadline = Date.now() + 10_000;
    while (isAlive(server.pid) && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 100));

    expect((await cli.run(['server', 'start'])).code).toBe(0);
    const done = await until(
      cli,
      created.id,
      (o) => o.status !== 'running' && o.status !== 'pending',
      60_000,
    );
    expect(done.status).toBe('completed');
    const slow = done.tasks.find((t) => t.identifier === 'slow')!;
    const last = done.tasks.find((t) => t.identifier === 'last')!;
    expect(slow.attempt_count).toBe(2);
    expect(last.execution_prompt).toContain('done: Slow step');

    const starts = cli.starts();
    const isSlow = (prompt: string) => prompt.startsWith('[fake:slow');
    const slowRuns = starts.filter((s) => isSlow(s.prompt));
    expect(slowRuns).toHaveLength(2);
    expect(slowRuns[1]!.resume).toBeTruthy();
    expect(starts.findIndex((s) => s.prompt === 'First step')).toBeLessThan(
      starts.findIndex((s) => isSlow(s.prompt)),
    );
    expect(starts.findIndex((s) => s.prompt.startsWith('Last step'))).toBeGreaterThan(
      starts.findLastIndex((s) => isSlow(s.prompt)),
    );
  }, 120_000);
});
