/**
 * Submitting a staged group is refused the second time, even when two submits race: inside one server process they
 * are serialised (one orchestration is created), and across processes (two staging services over one store) the
 * loser's orchestration is cancelled, so exactly one runs. Real App and SQLite store; no worker runs the tasks.
 */
import { rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { App } from '../../src/app.js';
import { StagingService } from '../../src/engine/staging-service.js';
import { apiTestConfig, tempDir } from '../api/test-config.js';

const actor = { actor: 'mcp' };

describe('StagingService submit', () => {
  let home: string;
  let work: string;
  let app: App;

  // A service of its own: what a second server process over the same database would hold.
  const staging = () => new StagingService(app.store, app.orchestrations, app.tasks);

  beforeEach(async () => {
    home = tempDir('cw-staging-home-');
    work = tempDir('cw-staging-work-');
    app = await App.open({ config: apiTestConfig(home), worker: false });
    const stager = staging();
    await stager.stage('g', { identifier: 'a', execution_prompt: 'A', working_directory: work }, actor);
    await stager.stage(
      'g',
      {
        identifier: 'b',
        execution_prompt: 'B',
        working_directory: work,
        depends_on: ['a'],
      },
      actor,
    );
  });

  afterEach(async () => {
    await app.close();
    rmSync(home, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  });

  async function outcome(submits: Promise<{ id: number }>[]) {
    const settled = await Promise.allSettled(submits);
    const won = settled.filter((s) => s.status === 'fulfilled');
    const lost = settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected');
    const { orchestrations } = await app.orchestrations.list({ limit: 50 });
    return { won, lost, orchestrations };
  }

  it('in one process: the second submit waits for the first and is refused; one orchestration exists', async () => {
    const stager = staging();
    const { won, lost, orchestrations } = await outcome([
      stager.submit('g', {}, actor),
      stager.submit('g', {}, actor),
    ]);
    expect(won).toHaveLength(1);
    expect(orchestrations).toHaveLength(1);
    expect(lost[0]?.reason).toMatchObject({
      code: 'conflict',
      message: expect.stringContaining(`already submitted as orchestration ${orchestrations[0]!.id}`),
    });
  });

  it('across processes: exactly one orchestration is left to run', async () => {
    const { won, lost, orchestrations } = await outcome([
      staging().submit('g', {}, actor),
      staging().submit('g', {}, actor),
    ]);
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0]?.reason).toMatchObject({ code: 'conflict' });
    const live = orchestrations.filter((o) => o.status !== 'cancelled');
    expect(live.map((o) => o.id)).toEqual([(won[0] as PromiseFulfilledResult<{ id: number }>).value.id]);
  });
});
